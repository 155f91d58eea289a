"""What the partner API reads. Only PublishedVerdict rows ever leave the site: drafts,
reviewers' names and editors' notes are not reachable from these querysets."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import BigIntegerField, Count, Exists, Func, OuterRef, Q, QuerySet
from django.utils import timezone

from annotations.models import (
    Article,
    Entity,
    EntityMention,
    PublishedVerdict,
    Statement,
    mention_in_statement,
    statement_mentions_q,
)
from annotations.publishing.claimreview import claimreview_or_tombstone

# The largest id a row can have (BigAutoField): a larger number cannot name one, and the
# database would refuse to compare with it.
ID_MAX = 2**63 - 1


def published_settled() -> QuerySet[PublishedVerdict]:
    """Published verdicts (tombstones included) modified long enough ago that no
    transaction still in flight can add an earlier one (see API_SYNC_LAG_SECONDS)."""
    horizon = timezone.now() - timedelta(seconds=settings.API_SYNC_LAG_SECONDS)
    return PublishedVerdict.objects.filter(modified_at__lte=horizon)


def claimreview_list(
    *,
    updated_since: datetime | None = None,
    verdict: str | None = None,
    article: int | None = None,
    entity: int | str | None = None,
    claimant: str | None = None,
) -> QuerySet[PublishedVerdict]:
    """``entity``: a canonical entity's id, or its name in any case (as text, digits are
    tried as both); ``claimant``: the published claimant's name, any case."""
    qs = published_settled()
    if updated_since is not None:
        qs = qs.filter(modified_at__gte=updated_since)
    if verdict:
        qs = qs.filter(rating=verdict, withdrawn_at__isnull=True)
    if article:
        qs = qs.filter(statement__article_id=article)
    if entity is not None:
        in_statement = EntityMention.objects.filter(
            statement_mentions_q(
                start=OuterRef("statement__start"), end=OuterRef("statement__end")
            ),
            article_id=OuterRef("statement__article_id"),
            entity__in=_entities_named(entity),
        )
        qs = qs.filter(Exists(in_statement))
    if claimant:
        # The name as published (the frozen document), so partners filter by what they got.
        qs = qs.filter(document__itemReviewed__author__name__iexact=claimant.strip())
    return qs.order_by("modified_at", "id")


# The columns of a row of claimreview_page_rows, in order.
PAGE_ROW_ID, PAGE_ROW_MODIFIED_AT, PAGE_ROW_DOCUMENT_JSON = range(3)


class EpochMicroseconds(Func):
    """A date-time column as whole microseconds since 1970 (UTC), computed by the
    database: an integer is read at C speed, where Django's loader of PostgreSQL's
    timestamptz is pure Python (101 of them cost 0.26 ms of every API list page: the
    page's query took 0.47 ms with the column decoded, 0.21 ms with it as this number)."""

    arity = 1
    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite holds the UTC instant as text, "YYYY-MM-DD HH:MM:SS[.ffffff]". The %s of
        # strftime is written %%%%s: this template is %-formatted, then the query too.
        template = (
            "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s || '.000000', 21, 6) AS INTEGER)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def claimreview_page_rows(queryset: QuerySet[PublishedVerdict]) -> QuerySet[Any, Any]:
    """``claimreview_list`` as the API list reads a page of it: tuples of the row's id,
    ``modified_at`` in microseconds since 1970 (its position, EpochMicroseconds) and its
    stored document's JSON text (``document_json``), nothing joined or decoded: the
    documents are frozen, so a page is the rows' text put together. (Tuples, not model
    instances or dicts: a page of 100 models cost a third of the request.)"""
    # values_list() joins nothing, whatever the queryset's select_related says.
    return queryset.values_list("id", EpochMicroseconds("modified_at"), "document_json")


def _entities_named(entity: int | str) -> QuerySet[Entity]:
    if isinstance(entity, int):
        return Entity.objects.filter(pk=entity)
    named = Q(name__iexact=entity)
    if entity.isascii() and entity.isdigit() and int(entity) <= ID_MAX:
        named |= Q(pk=int(entity))
    return Entity.objects.filter(named)


def _live_published() -> Q:
    return Q(published__isnull=False, published__withdrawn_at__isnull=True)


def api_article_list() -> QuerySet[Article]:
    """Articles with at least one live published verdict, with that count."""
    live = Statement.objects.filter(
        article_id=OuterRef("pk"), published__isnull=False, published__withdrawn_at__isnull=True
    )
    return (
        Article.objects.filter(Exists(live))
        .annotate(
            published_count=Count(
                "statements",
                filter=Q(
                    statements__published__isnull=False,
                    statements__published__withdrawn_at__isnull=True,
                ),
            )
        )
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
    statements = list(
        Statement.objects.filter(article=article)
        .filter(_live_published())
        .select_related("published")
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
                id=s.pk,
                start=s.start,
                end=s.end,
                text=s.text,
                speaker=s.speaker,
                figures=s.figures,
                published=s.published,
                mentions=[m for m in mentions if mention_in_statement(m, start=s.start, end=s.end)],
                **_claim_as_published(s.published),
            )
            for s in statements
        ],
    )


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
    return (
        PublishedVerdict.objects.select_related("statement__article")
        .filter(pk=published_id)
        .first()
    )


def export_lines(*, column: str, updated_since: datetime | None = None) -> QuerySet[Any, str]:
    """One stored export line of every published verdict (``column``: document_json or
    document_csv), in sync order; iterating it reads the rows in chunks."""
    qs = published_settled()
    if updated_since is not None:
        qs = qs.filter(modified_at__gte=updated_since)
    return qs.order_by("modified_at", "id").values_list(column, flat=True)


def annotation_export_rows(*, updated_since: datetime | None = None):
    """Every published verdict in sync order with what a Web Annotation is built from:
    the statement's offsets and its article's body and URL. Read in small chunks, since
    each row carries the article's body."""
    qs = published_settled().select_related("statement__article")
    qs = qs.only(
        "id",
        "first_published_at",
        "modified_at",
        "withdrawn_at",
        "document",
        "statement__start",
        "statement__end",
        "statement__article__body",
        "statement__article__source_url",
    )
    if updated_since is not None:
        qs = qs.filter(modified_at__gte=updated_since)
    return qs.order_by("modified_at", "id").iterator(chunk_size=200)
