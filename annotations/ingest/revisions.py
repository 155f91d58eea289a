"""Revised articles: a new text of an article becomes its next revision, and the desk's
work moves onto it.

What is carried (``revision_carry``, inside the ingest transaction):

- every statement a person has touched (``models.statement_untouched_q``) that is not
  already orphaned, with its verdict and history (the row moves, so every link to it
  stays valid). It is re-anchored (``nlp.anchoring``): the exact quote →
  ``anchor="carried"``, offsets and figures moved, and its published copy with it; a
  sentence of the new text worded differently → ``"changed"``, text and figures from the
  new text, the old wording kept in ``previous_text``; not found → ``"orphaned"``, left on
  the previous revision, whose text its offsets still slice, and shown on the new
  revision's page. Never deleted.
- the desk's own mentions (human marks and removals), by exact quote; those not found stay
  on the previous revision.

The new text's own detected statements give way to carried statements they overlap, and
untouched machine statements of the old text stay with it: the new text's tagging job
scores its sentences afresh. A published verdict on a changed sentence goes back to an
editor (approved → submitted, so it is approved again, four eyes, before the new wording
is published); partners and the public page keep the published version, quoted from the
revision it was approved on (PublishedVerdict's article, offsets and quote), until then.
Every carried statement's history says what happened.
"""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User

from annotations.models import Article, EntityMention, PublishedVerdict, ReviewEvent, Statement
from annotations.models import statement_untouched_q as untouched_q
from annotations.nlp.anchoring import Anchor as AnchorFound
from annotations.nlp.anchoring import anchors_find, quote_at
from annotations.nlp.statements.figures import Figure, figures_find
from annotations.nlp.statements.sentences import sentences_split

Anchor = Statement.Anchor
State = Statement.ReviewState


@dataclass(frozen=True)
class RevisionCarry:
    """What moved onto a new revision, for the message the desk sees and the CLI/API."""

    revision: int
    previous_id: int
    carried: int
    changed: int
    orphaned: int
    mentions_carried: int
    mentions_left: int


def article_revision_latest(*, source_url: str) -> Article | None:
    """The newest revision of the article published at ``source_url``, if any."""
    if not source_url:
        return None
    return (
        Article.objects.filter(source_url=source_url, next_revision__isnull=True)
        .defer("body")
        .order_by("-id")
        .first()
    )


def revision_chain_ids(*, article: Article) -> list[int]:
    """The ids of every earlier revision of ``article``, newest first (a few at most)."""
    ids, previous_id = [], article.previous_revision_id
    while previous_id is not None:
        ids.append(previous_id)
        previous_id = (
            Article.objects.filter(pk=previous_id)
            .values_list("previous_revision_id", flat=True)
            .first()
        )
    return ids


def revision_carry(*, previous: Article, article: Article, user: User | None) -> RevisionCarry:
    """Move the desk's work from ``previous`` onto its next revision ``article`` (which has
    just been stored with its detected statements). Call inside the ingest transaction."""
    statements = list(
        Statement.objects.filter(~untouched_q(), article=previous)
        .exclude(anchor=Anchor.ORPHANED)
        .select_related("verdict")
        .order_by("start")
    )
    sentences = sentences_split(article.body)
    anchors = anchors_find(
        quotes=[quote_at(body=previous.body, start=s.start, end=s.end) for s in statements],
        body=article.body,
        sentences=[(x.start, x.end) for x in sentences],
    )
    placed = [(a.start, a.end) for a in anchors if a is not None]
    overlapped = [
        s.pk
        for s in Statement.objects.filter(article=article).only("pk", "start", "end")
        if any(s.start < end and start < s.end for start, end in placed)
    ]
    Statement.objects.filter(pk__in=overlapped).delete()

    starts = [x.start for x in sentences]
    counts = {Anchor.CARRIED: 0, Anchor.CHANGED: 0, Anchor.ORPHANED: 0}
    for statement, anchor in zip(statements, anchors, strict=True):
        from_state, place = statement.review_state, (statement.start, statement.end)
        note = _statement_place(
            statement, anchor=anchor, article=article, previous=previous, starts=starts
        )
        counts[Anchor(statement.anchor)] += 1
        statement.save()
        if statement.anchor == Anchor.CARRIED:
            # The same words: a published verdict approved here follows its statement
            # onto the new revision. One reworded stays where it was approved.
            PublishedVerdict.objects.filter(
                statement=statement, article=previous, start=place[0], end=place[1]
            ).update(article=article, start=statement.start, end=statement.end)
        verdict = getattr(statement, "verdict", None)
        ReviewEvent.objects.create(
            statement=statement,
            actor=user,
            action=ReviewEvent.Action.REANCHORED,
            from_state=from_state,
            to_state=statement.review_state,
            note=note,
            verdict_version=verdict.version if verdict else None,
        )
    carried, left = _mentions_carry(previous=previous, article=article)
    return RevisionCarry(
        revision=article.revision,
        previous_id=previous.pk,
        carried=counts[Anchor.CARRIED],
        changed=counts[Anchor.CHANGED],
        orphaned=counts[Anchor.ORPHANED],
        mentions_carried=carried,
        mentions_left=left,
    )


def _statement_place(
    statement: Statement,
    *,
    anchor: AnchorFound | None,
    article: Article,
    previous: Article,
    starts: list[int],
) -> str:
    """Set ``statement`` (unsaved) where ``anchor`` puts it in ``article``, or orphan it;
    returns the note for its history."""
    if anchor is None:
        statement.anchor = Anchor.ORPHANED
        return (
            f"Not found in revision {article.revision} of the article: kept on revision "
            f"{previous.revision}, whose text it quotes."
        )
    delta = anchor.start - statement.start
    statement.article = article
    statement.order = max(0, bisect_right(starts, anchor.start) - 1)
    statement.start, statement.end = anchor.start, anchor.end
    if anchor.exact:
        statement.anchor, statement.previous_text = Anchor.CARRIED, ""
        statement.figures = [
            {**f, "start": f["start"] + delta, "end": f["end"] + delta} for f in statement.figures
        ]
        return f"Carried unchanged to revision {article.revision} of the article."
    statement.anchor, statement.previous_text = Anchor.CHANGED, statement.text
    statement.text = article.body[anchor.start : anchor.end]
    statement.figures = figure_dicts(figures_find(statement.text, offset=anchor.start))
    note = (
        f"Revision {article.revision} of the article words it differently "
        f"({anchor.score:.0f}% alike); it was: “{statement.previous_text}”"
    )
    if statement.review_state == State.APPROVED:
        # Not in review.workflow's table: no person takes this step. The published
        # verdict was approved for the old wording, so an editor approves it again (or
        # returns it) for the new one.
        statement.review_state = State.SUBMITTED
        note += " The published verdict goes back to an editor."
    return note


def _mentions_carry(*, previous: Article, article: Article) -> tuple[int, int]:
    """Move the desk's mentions (marks and removals) whose quote the new text has; the
    rows on one span move together. Returns (moved, left behind)."""
    mentions = list(
        EntityMention.objects.filter(article=previous, source=EntityMention.Source.HUMAN)
    )
    spans = sorted({(m.start, m.end) for m in mentions})
    anchors = anchors_find(
        quotes=[quote_at(body=previous.body, start=start, end=end) for start, end in spans],
        body=article.body,
    )
    moved = dict(zip(spans, anchors, strict=True))
    carried = []
    for mention in mentions:
        anchor = moved[(mention.start, mention.end)]
        if anchor is not None:
            mention.article, mention.start, mention.end = article, anchor.start, anchor.end
            carried.append(mention)
    EntityMention.objects.bulk_update(carried, fields=["article", "start", "end"])
    return len(carried), len(mentions) - len(carried)


def figure_dicts(figures: Sequence[Figure]) -> list[dict]:
    """Figures as Statement.figures stores them."""
    return [{"text": f.text, "start": f.start, "end": f.end, "kind": f.kind} for f in figures]
