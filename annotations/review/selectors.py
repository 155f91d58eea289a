"""Read-side queries (HackSoft style): each returns what one page or command needs, in a
fixed number of queries."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from annotations.core.roles import REVIEWERS, user_has_desk_role
from annotations.ingest.revisions import revision_chain_ids
from annotations.models import (
    Article,
    EntityMention,
    ReviewEvent,
    Statement,
    TaggingJob,
    statement_mentions_q,
)
from annotations.nlp.entities import entity_key
from annotations.nlp.statements import claimant_type


def article_list(
    *, user: User, search: str = "", state: str = "", mine: bool = False
) -> QuerySet[Article]:
    """Articles newest first, as a user in Reviewers or Editors may see them (others see
    none). Filters use subqueries, not joins, so no DISTINCT or GROUP BY is needed and the
    paginator's COUNT stays cheap with thousands of articles."""
    if not user_has_desk_role(user):
        return Article.objects.none()
    # One row per article: its newest revision (earlier ones are linked from it).
    qs = Article.objects.select_related("tagging_job").defer("body").filter(next_revision=None)
    if search:
        # An article whose statements say the words, or with a mention anywhere that names
        # them: that covers every statement statement_search finds through its mentions,
        # without its subquery per statement (1.9 s a search at 20,000 statements).
        worded = Statement.objects.filter(_statement_words_q(search)).values("article_id")
        entities = EntityMention.objects.filter(_mention_matches_q(search), removed=False).values(
            "article_id"
        )
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(publisher__icontains=search)
            | Q(pk__in=worded)
            | Q(pk__in=entities)
        )
    if state:
        qs = qs.filter(pk__in=Statement.objects.filter(review_state=state).values("article_id"))
    if mine:
        qs = qs.filter(pk__in=Statement.objects.filter(assignee=user).values("article_id"))
    return qs.order_by("-created_at", "-id")


def _mention_matches_q(search: str, prefix: str = "") -> Q:
    """A mention whose text or canonical entity name contains ``search``."""
    return Q(**{f"{prefix}text__icontains": search}) | Q(
        **{f"{prefix}entity__name__icontains": search}
    )


def statement_search(*, search: str, article_ids: Sequence[int]) -> QuerySet[Statement]:
    """The statements of these articles whose text, verdict explanation, or one of whose
    entity mentions (text or canonical name) contains ``search``, case-insensitively."""
    in_mentions = EntityMention.objects.filter(
        _mention_matches_q(search),
        statement_mentions_q(start=OuterRef("start"), end=OuterRef("end")),
        article_id=OuterRef("article_id"),
    )
    return Statement.objects.filter(
        _statement_words_q(search) | Exists(in_mentions), article_id__in=article_ids
    )


def _statement_words_q(search: str) -> Q:
    """A statement whose text or verdict explanation contains ``search``."""
    return Q(text__icontains=search) | Q(verdict__explanation__icontains=search)


@dataclass(frozen=True)
class SearchHit:
    """A statement found by the article list's search, with where the words were found
    and the text around them (``before`` + ``match`` + ``after``)."""

    statement_id: int
    where: str  # "statement", "explanation" or "entity"
    before: str
    match: str
    after: str


SEARCH_HITS_PER_ARTICLE = 3
SEARCH_CONTEXT_CHARS = 60


def search_hits(*, article_ids: list[int], search: str) -> dict[int, list[SearchHit]]:
    """For a page of the article list, the first statements of each article the search
    found (``statement_search``), in one query."""
    if not search or not article_ids:
        return {}
    rows = (
        statement_search(search=search, article_ids=article_ids)
        .values_list("pk", "article_id", "text", "verdict__explanation")
        .order_by("article_id", "start")
    )
    hits: dict[int, list[SearchHit]] = {}
    for pk, article_id, text, explanation in rows:
        found = hits.setdefault(article_id, [])
        if len(found) < SEARCH_HITS_PER_ARTICLE:
            found.append(_search_hit(pk, search, text, explanation or ""))
    return hits


def _search_hit(pk: int, search: str, text: str, explanation: str) -> SearchHit:
    for where, haystack in (("statement", text), ("explanation", explanation)):
        at = haystack.casefold().find(search.casefold())
        # casefold() can change a string's length (ß → ss): trust the offset only if the
        # slice really matches.
        if at >= 0 and haystack[at : at + len(search)].casefold() == search.casefold():
            end = at + len(search)
            lead = max(0, at - SEARCH_CONTEXT_CHARS)
            return SearchHit(
                statement_id=pk,
                where=where,
                before=("…" if lead else "") + haystack[lead:at],
                match=haystack[at:end],
                after=haystack[end : end + SEARCH_CONTEXT_CHARS]
                + ("…" if end + SEARCH_CONTEXT_CHARS < len(haystack) else ""),
            )
    # Found through an entity (its canonical name, or a case the slice could not show).
    short = (
        text if len(text) <= 2 * SEARCH_CONTEXT_CHARS else text[: 2 * SEARCH_CONTEXT_CHARS] + "…"
    )
    return SearchHit(statement_id=pk, where="entity", before=short, match="", after="")


def article_progress(*, article_ids: list[int]) -> dict[int, dict[str, int]]:
    """Statement counts by review state for the given articles, in one query."""
    progress: dict[int, dict[str, int]] = {pk: {"total": 0} for pk in article_ids}
    rows = (
        Statement.objects.filter(article_id__in=article_ids)
        .values_list("article_id", "review_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for article_id, state, n in rows:
        progress[article_id][state] = n
        progress[article_id]["total"] += n
    return progress


@dataclass(frozen=True)
class ArticleRow:
    """An article of the list, with its statement counts by review state and "total"."""

    article: Article
    progress: dict[str, int]
    hits: list["SearchHit"] = field(default_factory=list)  # with a search: what it found


def article_rows(*, articles: Iterable[Article], search: str = "") -> list[ArticleRow]:
    """A page of ``article_list`` with each article's progress, in one more query, and
    with a search, the statements it found (one more)."""
    page = list(articles)
    ids = [a.pk for a in page]
    progress = article_progress(article_ids=ids)
    hits = search_hits(article_ids=ids, search=search)
    return [ArticleRow(article=a, progress=progress[a.pk], hits=hits.get(a.pk, [])) for a in page]


def article_get(*, article_id: int) -> Article | None:
    """The article with its tagging job, author and archived source (without the page's
    bytes: the page only links to them)."""
    return (
        Article.objects.select_related(
            "tagging_job", "created_by", "archived_source", "next_revision"
        )
        .defer("archived_source__content", "next_revision__body")
        .filter(pk=article_id)
        .first()
    )


@dataclass(frozen=True)
class RevisionInfo:
    """Where an article's text stands among its revisions, for the review page."""

    number: int
    previous_id: int | None
    newer: Article | None  # the next revision, when this text has been superseded
    carried: int  # statements carried from the previous revision, unchanged
    changed: int  # and reworded
    # Earlier revisions' statements this text lost (shown on the newest revision only).
    orphans: list[Statement]


def article_revision_info(
    *, article: Article, statements: Sequence[Statement]
) -> RevisionInfo | None:
    """None for an article with one revision (no query then: ``article`` comes from
    article_get, with its next revision joined)."""
    newer = getattr(article, "next_revision", None)
    if article.previous_revision_id is None and newer is None:
        return None
    orphans: list[Statement] = []
    if newer is None:
        orphans = list(
            Statement.objects.filter(
                article_id__in=revision_chain_ids(article=article),
                anchor=Statement.Anchor.ORPHANED,
            )
            .select_related("article")
            .only("pk", "text", "review_state", "article__id", "article__revision")
            .order_by("-article__revision", "start")
        )
    anchors = Counter(s.anchor for s in statements)
    return RevisionInfo(
        number=article.revision,
        previous_id=article.previous_revision_id,
        newer=newer,
        carried=anchors[Statement.Anchor.CARRIED],
        changed=anchors[Statement.Anchor.CHANGED],
        orphans=orphans,
    )


def statement_list(*, article: Article) -> list[Statement]:
    """The article's statements in text order, each with its verdict and assignee."""
    return list(
        Statement.objects.filter(article=article)
        .select_related("verdict", "assignee")
        .order_by("start", "end")
    )


class MentionSpan(NamedTuple):
    """An entity mention as the text pane marks it and the article's JSON lists it."""

    pk: int
    start: int
    end: int
    text: str
    label: str
    source: str
    entity_id: int
    entity_name: str


def mention_list(*, article: Article) -> list[MentionSpan]:
    """Entity mentions to show, in text order: a reviewer's removals (tombstones) are left
    out. Read as values: a long article's thousand mentions as model instances (with their
    entities) were a third of the review page's time."""
    rows = (
        EntityMention.objects.filter(article=article, removed=False)
        .order_by("start", "end")
        .values_list("pk", "start", "end", "text", "label", "source", "entity_id", "entity__name")
    )
    return [MentionSpan(*row) for row in rows]


def statement_for_panel(*, statement_id: int) -> Statement | None:
    """One statement with its verdict, the verdict's sources and its last editor."""
    return (
        Statement.objects.select_related(
            "article",
            "assignee",
            "verdict__last_edited_by",
            "verdict__author",
            "verdict__reused_from__statement",
        )
        .prefetch_related("verdict__sources")
        .filter(pk=statement_id)
        .first()
    )


def reviewer_list() -> list:
    """Active members of Reviewers, for the "Assign to" menu."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=REVIEWERS)
        .order_by("username")
        .only("id", "username", "first_name", "last_name")
    )


def queue_for(*, user: User) -> list[Statement]:
    """My queue: the statements assigned to ``user`` that still need work, and every
    verdict ``user`` wrote that is a draft or was returned, assigned or not (a reviewer
    may write a verdict without the statement being assigned to them, and its return must
    still reach them). Returned verdicts first, as they wait on the reviewer; then oldest
    first, by assignment or, unassigned, by when the verdict was started. One query."""
    open_states = [
        Statement.ReviewState.NOT_STARTED,
        Statement.ReviewState.DRAFT,
        Statement.ReviewState.RETURNED,
    ]
    mine = Q(assignee=user, review_state__in=open_states) | Q(
        verdict__author=user,
        review_state__in=[Statement.ReviewState.DRAFT, Statement.ReviewState.RETURNED],
    )
    returned_first = Case(
        When(review_state=Statement.ReviewState.RETURNED, then=Value(0)), default=Value(1)
    )
    return list(
        Statement.objects.filter(mine)
        .select_related("article", "verdict", "assignee")
        .defer("article__body")
        .order_by(returned_first, Coalesce("assigned_at", "verdict__created_at"), "id")
    )


@dataclass(frozen=True)
class QueueItem:
    """A statement of My queue, with the editor's note if it was returned."""

    statement: Statement
    returned_note: ReviewEvent | None


def queue_items(*, user: User) -> list[QueueItem]:
    """``queue_for`` with the latest "returned" note of each statement, in one more query."""
    statements = queue_for(user=user)
    notes = returned_notes(statement_ids=[s.pk for s in statements])
    return [QueueItem(statement=s, returned_note=notes.get(s.pk)) for s in statements]


def tagging_state(*, article: Article) -> str:
    job: TaggingJob | None = getattr(article, "tagging_job", None)
    return job.state if job else "none"


def article_as_dict(*, article: Article, with_entities: bool = False) -> dict[str, Any]:
    """The article as the CLI (`ingest --json`) and, later, the API print it."""
    data: dict[str, Any] = {
        "id": article.pk,
        "title": article.title,
        "sha256": article.body_sha256,
        "source_url": article.source_url,
        "publisher": article.publisher,
        "revision": article.revision,
        "previous_revision": article.previous_revision_id,
        "statements": [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "score": s.score,
                "scored_by": s.scored_by,
                "reasons": s.reasons,
                "figures": s.figures,
                "speaker": s.speaker or None,
                "anchor": s.anchor or None,
                "previous_text": s.previous_text or None,
            }
            for s in statement_list(article=article)
        ],
        "tagging": {"state": tagging_state(article=article)},
    }
    if with_entities:
        data["entities"] = [
            {
                "text": m.text,
                "label": m.label,
                "start": m.start,
                "end": m.end,
                "entity": m.entity_name,
                "source": m.source,
            }
            for m in mention_list(article=article)
        ]
    return data


def statement_mention_list(*, statement: Statement) -> list[EntityMention]:
    """The mentions of one statement (models.statement_mentions_q), for its verdict panel
    and the approval page."""
    return list(
        EntityMention.objects.filter(
            statement_mentions_q(start=statement.start, end=statement.end),
            article_id=statement.article_id,
        )
        .select_related("entity")
        .order_by("start", "end")
    )


def entity_mention_counts(*, article_id: int, entity_ids: Iterable[int]) -> dict[int, int]:
    """How many visible mentions each entity has in the article (one query), for the
    panel's "relabel all N mentions" choice."""
    ids = set(entity_ids)
    if not ids:
        return {}
    rows = (
        EntityMention.objects.filter(article_id=article_id, removed=False, entity_id__in=ids)
        .values("entity_id")
        .annotate(n=Count("id"))
    )
    return {row["entity_id"]: row["n"] for row in rows}


def speaker_labels(*, article_id: int, speaker: str) -> list[str]:
    """The labels of the article's entity mentions named like ``speaker`` (the mention's
    text, or its canonical entity's name, compared as alias keys), one per mention: what
    tells a Person from an Organization (nlp.statements.claimant_type). One query; none
    without a speaker."""
    if not speaker:
        return []
    key = entity_key(speaker)
    rows = EntityMention.objects.filter(article_id=article_id, removed=False).values_list(
        "text", "entity__name", "label"
    )
    return [label for text, name, label in rows if key in (entity_key(text), entity_key(name))]


def speaker_type_guess(*, article_id: int, speaker: str) -> str:
    """Person or Organization for ``speaker`` as the article's tagging and the name rule see
    it ("" without a speaker): what the panel offers until a reviewer chooses."""
    if not speaker:
        return ""
    return claimant_type(
        speaker=speaker, labels=speaker_labels(article_id=article_id, speaker=speaker)
    )


def statement_history(*, statement_id: int) -> list[ReviewEvent]:
    """Every save and transition of a statement, oldest first, with who did it."""
    return list(
        ReviewEvent.objects.filter(statement_id=statement_id)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def returned_note(*, statement_id: int) -> ReviewEvent | None:
    """The editor's last "returned" entry, for the reviewer to read."""
    return (
        ReviewEvent.objects.filter(statement_id=statement_id, action=ReviewEvent.Action.RETURNED)
        .select_related("actor")
        .order_by("-id")
        .first()
    )


def returned_notes(*, statement_ids: list[int]) -> dict[int, ReviewEvent]:
    """Each statement's open return note, in one query: its latest "returned" entry,
    unless the verdict was submitted again since (a returned verdict the reviewer has
    started reworking is a draft, and the note still says what to change)."""
    events = (
        ReviewEvent.objects.filter(
            statement_id__in=statement_ids,
            action__in=[ReviewEvent.Action.RETURNED, ReviewEvent.Action.SUBMITTED],
        )
        .select_related("actor")
        .order_by("statement_id", "id")
    )
    notes: dict[int, ReviewEvent] = {}
    for event in events:
        if event.action == ReviewEvent.Action.RETURNED:
            notes[event.statement_id] = event
        else:
            notes.pop(event.statement_id, None)
    return notes
