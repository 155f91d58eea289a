"""Reviewers' corrections of the machine's work: statements the detector missed, entity
marks added, relabelled or removed. Every selection is checked against the article text
(offsets in code points) before anything is written.

Each entity correction is also remembered for the articles tagged afterwards, in the same
transaction (annotations.tagging.learned): a mark added or relabelled teaches its name
that label, a removal teaches that the name with that label is not an entity."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from annotations.core.errors import InvalidInput
from annotations.models import Article, EntityMention, ReviewEvent, Statement
from annotations.nlp.entities import LABELS_KEPT, EntitySpan, entities_cluster
from annotations.nlp.statements import checkworthiness_assess, figures_find, sentences_split
from annotations.review.services import event_record, reviewer_require
from annotations.tagging.learned import learned_name_teach
from annotations.tagging.resolution import entities_resolve

State = Statement.ReviewState


def span_validate(*, body: str, start: int, end: int, text: str) -> tuple[int, int]:
    """Check a selection against the body and trim surrounding white space.

    ``start`` and ``end`` are code point offsets (Python str indices); ``text`` is what
    the reviewer selected. A browser that counted anything else (UTF-16 code units, say)
    sends offsets that miss ``text``: refused, never stored on the wrong characters.
    """
    if not (0 <= start < end <= len(body)):
        raise InvalidInput("The selection is outside the article text.", field="start")
    if body[start:end] != text:
        raise InvalidInput(
            "The selected text does not match the article at these offsets; nothing was"
            " saved. Reload the page and select the text again.",
            field="text",
        )
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise InvalidInput("The selection is empty.", field="start")
    if "\n" in body[start:end]:
        raise InvalidInput("A selection can't span paragraphs.", field="start")
    return start, end


def statement_add(*, article_id: int, user: User, start: int, end: int, text: str) -> Statement:
    """Add a statement the detector missed, from a selection in the article (``text``
    is the selected text, checked against ``body[start:end]``)."""
    reviewer_require(user)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise InvalidInput("No such article.")
        start, end = span_validate(body=article.body, start=start, end=end, text=text)
        overlapping = Statement.objects.filter(article=article, start__lt=end, end__gt=start)
        if overlapping.exists():
            raise InvalidInput(
                "The selection overlaps a statement that is already marked.", field="start"
            )
        text = article.body[start:end]
        figures = figures_find(text, offset=start)
        assessment = checkworthiness_assess(text, figures=figures)
        order = sum(1 for s in sentences_split(article.body) if s.start <= start)
        statement = Statement.objects.create(
            article=article,
            start=start,
            end=end,
            text=text,
            order=max(order - 1, 0),
            score=round(assessment.score, 3),
            reasons=list(assessment.reasons),
            figures=[
                {"text": f.text, "start": f.start, "end": f.end, "kind": f.kind} for f in figures
            ],
            origin=Statement.Origin.HUMAN,
            created_by=user,
        )
        event_record(
            statement=statement,
            user=user,
            action=ReviewEvent.Action.ADDED,
            to_state=State.NOT_STARTED,
            from_state="",
        )
    return statement


def mention_add(
    *, article_id: int, user: User, start: int, end: int, text: str, label: str
) -> EntityMention:
    """Mark an entity the model missed; it replaces model mentions it overlaps. ``text`` is
    the selected text: checked first, so a refused mark never removes a model mention."""
    reviewer_require(user)
    _label_check(label)
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id).first()
        if article is None:
            raise InvalidInput("No such article.")
        start, end = span_validate(body=article.body, start=start, end=end, text=text)
        return _human_mention_put(article=article, user=user, start=start, end=end, label=label)


def mention_relabel(*, mention_id: int, user: User, label: str) -> EntityMention:
    """Give a mention another label; the next tagging run keeps the reviewer's choice,
    and later articles get the label for the same name."""
    reviewer_require(user)
    _label_check(label)
    with transaction.atomic():
        mention = _mention_lock(mention_id)
        return _human_mention_put(
            article=mention.article, user=user, start=mention.start, end=mention.end, label=label
        )


def entity_relabel_in_article(*, mention_id: int, user: User, label: str) -> list[EntityMention]:
    """Relabel every visible mention of this mention's entity in its article (one wrong
    label is seldom alone: "Rotterdam" tagged PERSON four times). Returns the new human
    mentions, the chosen one first; the name is taught once."""
    reviewer_require(user)
    _label_check(label)
    with transaction.atomic():
        chosen = _mention_lock(mention_id)
        # Locked too: a concurrent relabel or removal of one of them waits for this one.
        siblings = list(
            EntityMention.objects.select_for_update()
            .filter(article_id=chosen.article_id, entity_id=chosen.entity_id, removed=False)
            .exclude(pk=chosen.pk)
            .order_by("start")
        )
        return [
            _human_mention_put(
                article=chosen.article, user=user, start=m.start, end=m.end, label=label
            )
            for m in [chosen, *siblings]
        ]


def mention_remove(*, mention_id: int, user: User) -> None:
    """Remove a mention; a human tombstone stops the next tagging run re-adding it, and
    the name is remembered as not an entity (with this label) for other articles."""
    reviewer_require(user)
    with transaction.atomic():
        mention = _mention_lock(mention_id)
        _overlapping_mentions(mention.article_id, mention.start, mention.end).delete()
        learned_name_teach(text=mention.text, label=mention.label, user=user, rejected=True)
        EntityMention.objects.create(
            article_id=mention.article_id,
            entity_id=mention.entity_id,
            start=mention.start,
            end=mention.end,
            text=mention.text,
            label=mention.label,
            source=EntityMention.Source.HUMAN,
            removed=True,
            created_by=user,
        )


def _human_mention_put(
    *, article: Article, user: User, start: int, end: int, label: str
) -> EntityMention:
    text = article.body[start:end]
    clusters = entities_cluster([EntitySpan(start=start, end=end, text=text, label=label)])
    (entity,) = entities_resolve(clusters=clusters)
    _overlapping_mentions(article.pk, start, end).delete()
    learned_name_teach(text=text, label=label, user=user)
    return EntityMention.objects.create(
        article=article,
        entity=entity,
        start=start,
        end=end,
        text=text,
        label=label,
        source=EntityMention.Source.HUMAN,
        created_by=user,
    )


def _overlapping_mentions(article_id: int, start: int, end: int) -> QuerySet[EntityMention]:
    return EntityMention.objects.filter(article_id=article_id, start__lt=end, end__gt=start)


def _label_check(label: str) -> None:
    if label not in LABELS_KEPT:
        raise InvalidInput("Choose one of the listed entity labels.", field="label")


def _mention_lock(mention_id: int) -> EntityMention:
    mention = (
        EntityMention.objects.select_for_update()
        .select_related("article")
        .filter(pk=mention_id, removed=False)
        .first()
    )
    if mention is None:
        raise InvalidInput("No such entity mention.")
    return mention
