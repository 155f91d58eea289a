"""What the partner API reads. Only PublishedVerdict rows ever leave the site: drafts,
reviewers' names and editors' notes are not reachable from these querysets."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from annotations.ingest.revisions import figure_dicts
from annotations.models import (
    Article,
    Entity,
    EntityAlias,
    EntityMention,
    PublishedVerdict,
    mention_in_statement,
    statement_mentions_q,
)
from annotations.nlp.entities import entity_key
from annotations.nlp.statements.figures import figures_find
from annotations.nlp.statements.speakers import speaker_find
from annotations.publishing.claimreview import claimreview_or_tombstone

# The largest id a row can have (BigAutoField): a larger number cannot name one, and the
# database would refuse to compare with it.
ID_MAX = 2**63 - 1


def published_settled() -> QuerySet[PublishedVerdict]:
    """Published verdicts (tombstones included) modified long enough ago that no
    transaction still in flight can add an earlier one (see API_SYNC_LAG_SECONDS)."""
    return PublishedVerdict.objects.filter(modified_at__lte=_settled_horizon())


def _settled_horizon() -> datetime:
    return timezone.now() - timedelta(seconds=settings.API_SYNC_LAG_SECONDS)


def claimreview_matching(
    *,
    verdict: str | None = None,
    article: int | None = None,
    entity: int | str | None = None,
    claimant: str | None = None,
) -> QuerySet[PublishedVerdict]:
    """The published verdicts a partner's filters of the ClaimReview list select, in no
    order and not held back (ClaimReviewPageQuery adds the horizon, ``updated_since`` and
    the order). ``entity``: a canonical entity's id, or its name or one of its aliases in
    any case (as text, digits are tried as both); ``claimant``: the published claimant's
    name, any case."""
    qs = PublishedVerdict.objects.all()
    if verdict:
        qs = qs.filter(rating=verdict, withdrawn_at__isnull=True)
    if article:
        qs = qs.filter(article_id=article)
    if entity is not None:
        in_statement = EntityMention.objects.filter(
            statement_mentions_q(start=OuterRef("start"), end=OuterRef("end")),
            article_id=OuterRef("article_id"),
            entity__in=_entities_named(entity),
        )
        qs = qs.filter(Exists(in_statement))
    if claimant:
        # The name as published (the frozen document), so partners filter by what they got.
        qs = qs.filter(document__itemReviewed__author__name__iexact=claimant.strip())
    return qs


# The columns of a row of a ClaimReviewPageQuery page, in order.
PAGE_ROW_ID, PAGE_ROW_MODIFIED_AT, PAGE_ROW_DOCUMENT_JSON = range(3)

# modified_at as whole microseconds since 1970 (UTC), computed by the database: an integer
# is read at C speed, where Django's loader of PostgreSQL's timestamptz is pure Python (101
# of them cost 0.26 ms of every API list page). SQLite holds the UTC instant as text,
# "YYYY-MM-DD HH:MM:SS[.ffffff]".
_EPOCH_MICROSECONDS = {
    "postgresql": "(EXTRACT(EPOCH FROM modified_at) * 1000000)::bigint",
    "sqlite": "CAST(strftime('%%s', modified_at) AS INTEGER) * 1000000"
    " + CAST(substr(modified_at || '.000000', 21, 6) AS INTEGER)",
}
_ORDERINGS = {("modified_at", "id"): False, ("-modified_at", "-id"): True}


@dataclass(frozen=True)
class ClaimReviewPageQuery:
    """The ClaimReview list as the API reads a page of it, in one hand-written query: rows
    of (id, ``modified_at`` in microseconds since 1970, the stored document's JSON text),
    nothing joined or decoded: the documents are frozen, so a page is the rows' text put
    together.

    It answers the three calls DRF's CursorPagination makes of a queryset, and nothing
    else: ``order_by`` (modification order, either way), ``filter`` by the cursor's
    position, and a slice, which runs the query. For a page of 100 of 1,000 verdicts the
    same QuerySet took 0.30 ms to build and compile and 0.81 ms to run through the ORM,
    against 0.56 ms for this query: the request went from 2.5 to 2.1 ms, and the
    partners' cursors stay DRF's. The partner's filters other than ``updated_since``
    (``claimreview_matching``) become a subquery of ids, compiled only when asked for.
    """

    horizon: datetime
    since: datetime | None = None  # updated_since: the rows modified at or after it
    matching: QuerySet[PublishedVerdict] | None = None  # the partner's other filters
    descending: bool = False
    beyond: datetime | None = None  # the rows after this instant (before it, descending)

    def order_by(self, *fields: str) -> "ClaimReviewPageQuery":
        if fields not in _ORDERINGS:
            raise ValueError(f"A ClaimReview page is in modification order, not {fields}.")
        return replace(self, descending=_ORDERINGS[fields])

    def filter(self, **position: str) -> "ClaimReviewPageQuery":
        # DRF's cursor: {"modified_at__gt": str(instant)}, "__lt" when reading backwards.
        expected = "modified_at__lt" if self.descending else "modified_at__gt"
        if list(position) != [expected]:
            raise ValueError(f"A ClaimReview page filters by {expected} only, not {position}.")
        return replace(self, beyond=datetime.fromisoformat(position[expected]))

    def __getitem__(self, rows: slice) -> list[tuple[int, int, str]]:
        adapt = connection.ops.adapt_datetimefield_value
        where = ["modified_at <= %s"]
        params: list[Any] = [adapt(self.horizon)]
        if self.since is not None:
            where.append("modified_at >= %s")
            params.append(adapt(self.since))
        if self.beyond is not None:
            where.append("modified_at < %s" if self.descending else "modified_at > %s")
            params.append(adapt(self.beyond))
        if self.matching is not None:
            ids, id_params = self.matching.values("pk").query.sql_with_params()
            where.append(f"id IN ({ids})")
            params.extend(id_params)
        direction = "DESC" if self.descending else "ASC"
        sql = (
            f"SELECT id, {_EPOCH_MICROSECONDS[connection.vendor]}, document_json"
            f" FROM {PublishedVerdict._meta.db_table} WHERE {' AND '.join(where)}"
            f" ORDER BY modified_at {direction}, id {direction} LIMIT %s OFFSET %s"
        )
        start = rows.start or 0
        params += [rows.stop - start, start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def claimreview_page_query(
    *, updated_since: datetime | None = None, **filters: Any
) -> ClaimReviewPageQuery:
    """The ClaimReview list as the API reads its pages (ClaimReviewPageQuery), settled
    (API_SYNC_LAG_SECONDS). A partner's incremental sync (``updated_since``, or a cursor)
    needs no subquery."""
    wanted = {name: value for name, value in filters.items() if value is not None}
    return ClaimReviewPageQuery(
        horizon=_settled_horizon(),
        since=updated_since,
        matching=claimreview_matching(**wanted) if wanted else None,
    )


def _entities_named(entity: int | str) -> QuerySet[Entity]:
    if isinstance(entity, int):
        return Entity.objects.filter(pk=entity)
    # Any name tagging knows the entity by, not only the canonical one: a partner asking
    # for "EU" or "Zelenskyy" means the European Union or Volodymyr Zelenskyy, as the site
    # found them in articles. Aliases are stored normalised (entity_key): the lookup is
    # exact.
    aliases = EntityAlias.objects.filter(key=entity_key(entity)).values("entity_id")
    named = Q(name__iexact=entity) | Q(pk__in=aliases)
    if entity.isascii() and entity.isdigit() and int(entity) <= ID_MAX:
        named |= Q(pk=int(entity))
    return Entity.objects.filter(named)


def api_article_list() -> QuerySet[Article]:
    """Articles with at least one live published verdict (approved on that revision),
    with that count."""
    live = PublishedVerdict.objects.filter(withdrawn_at__isnull=True, article_id=OuterRef("pk"))
    # A count per article, run for the rows of the page only: as an aggregate over a join
    # it counted every published verdict of the table before the page was cut (30 ms a
    # page at 20,000 verdicts, growing with them).
    live_count = live.order_by().values("article_id").annotate(n=Count("pk")).values("n")
    return (
        Article.objects.filter(Exists(live))
        .annotate(published_count=Subquery(live_count))
        .defer("body")
    )


@dataclass(frozen=True)
class PublishedStatement:
    """A statement with a live published verdict, as the API shows it in its article."""

    id: int
    start: int
    end: int
    text: str
    speaker: str
    figures: list[dict[str, Any]]
    published: PublishedVerdict
    mentions: list[EntityMention]  # the statement's (models.mention_in_statement)
    # As its ClaimReview has them: the approved summary (else the sentence), the claimant.
    claim_reviewed: str
    claimant: dict[str, str] | None


@dataclass(frozen=True)
class PublishedArticle:
    """An article with its published statements, as the API shows one article."""

    id: int
    title: str
    source_url: str
    publisher: str
    published_on: date | None
    language: str
    created_at: datetime
    revision: int
    previous_revision_id: int | None
    body: str
    statements: list[PublishedStatement]

    @property
    def published_count(self) -> int:
        return len(self.statements)


def api_article_get(*, article_id: int) -> PublishedArticle | None:
    """One article with its published statements, their sources and entity mentions, in
    a fixed number of queries."""
    article = api_article_list().filter(pk=article_id).first()
    if article is None:
        return None
    published = list(
        PublishedVerdict.objects.filter(article=article, withdrawn_at__isnull=True)
        .select_related("statement")
        .order_by("start")
    )
    mentions = list(
        EntityMention.objects.filter(article=article, removed=False)
        .select_related("entity")
        .order_by("start")
    )
    return PublishedArticle(
        id=article.pk,
        title=article.title,
        source_url=article.source_url,
        publisher=article.publisher,
        published_on=article.published_on,
        language=article.language,
        created_at=article.created_at,
        revision=article.revision,
        previous_revision_id=article.previous_revision_id,
        body=article.body,
        statements=[
            PublishedStatement(
                id=p.statement_id,
                start=p.start,
                end=p.end,
                text=p.quote,
                **_statement_found(p),
                published=p,
                mentions=[m for m in mentions if mention_in_statement(m, start=p.start, end=p.end)],
                **_claim_as_published(p),
            )
            for p in published
        ],
    )


def _statement_found(published: PublishedVerdict) -> dict[str, Any]:
    """The speaker and figures found in the approved sentence: the statement's own while
    it is still that sentence, else (a later revision reworded it, and the new wording
    awaits an editor) read again from the approved words alone."""
    statement = published.statement
    if (statement.article_id, statement.start, statement.end) == (
        published.article_id, published.start, published.end
    ):  # fmt: skip
        return {"speaker": statement.speaker, "figures": statement.figures}
    found = figures_find(published.quote, offset=published.start)
    return {"speaker": speaker_find(published.quote) or "", "figures": figure_dicts(found)}


def _claim_as_published(published: PublishedVerdict) -> dict[str, Any]:
    """The claim and claimant of the stored ClaimReview, so the article's statements say
    what the ClaimReview says."""
    document = claimreview_or_tombstone(published)
    return {
        "claim_reviewed": document["claimReviewed"],
        "claimant": document["itemReviewed"].get("author"),
    }


def published_public_get(*, published_id: int) -> PublishedVerdict | None:
    """A published verdict (withdrawn ones too) as committed now, or None: for its public
    page and the API's detail. Not held back like the lists (published_settled), so a
    public verdict is never missing while it is corrected or withdrawn."""
    return PublishedVerdict.objects.select_related("article").filter(pk=published_id).first()


def export_lines(*, column: str, updated_since: datetime | None = None) -> QuerySet[Any, str]:
    """One stored export line of every published verdict (``column``: document_json or
    document_csv), in sync order; iterating it reads the rows in chunks."""
    qs = published_settled()
    if updated_since is not None:
        qs = qs.filter(modified_at__gte=updated_since)
    return qs.order_by("modified_at", "id").values_list(column, flat=True)


def annotation_export_rows(*, updated_since: datetime | None = None):
    """Every published verdict in sync order with what a Web Annotation is built from:
    the approved sentence's offsets and its article's body and URL. Read in small chunks,
    since each row carries the article's body."""
    qs = published_settled().select_related("article")
    qs = qs.only(
        "id",
        "first_published_at",
        "modified_at",
        "withdrawn_at",
        "document",
        "start",
        "end",
        "article__body",
        "article__source_url",
    )
    if updated_since is not None:
        qs = qs.filter(modified_at__gte=updated_since)
    return qs.order_by("modified_at", "id").iterator(chunk_size=200)
