"""Records across articles, as PolitiFact shows a speaker's: every statement that mentions
a canonical entity, or that a claimant said, with its verdict and a count by rating; and
the editors' merge of two entities that are one.

A claimant is a speaker's name as statements carry it (case-insensitive; the reviewer's
corrected speaker where a verdict has one), not a row of its own: the same person is found
under one spelling, and the link from a statement's speaker goes straight to the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from annotations.core.errors import Forbidden, InvalidInput
from annotations.core.roles import user_is_editor
from annotations.models import (
    Entity,
    EntityAlias,
    EntityMention,
    EntityMerge,
    Statement,
    Verdict,
    statement_mentions_q,
    statement_untouched_q,
)

RECORD_ROWS = 200  # the newest statements of a record shown on its page
MERGE_CANDIDATES = 500


@dataclass(frozen=True)
class Record:
    """Statements (newest article first) with their published verdicts, and the published
    ratings counted: ``by_rating`` is (rating, label, count) in the scale's order."""

    statements: list[Statement]
    total: int
    by_rating: list[tuple[str, str, int]]
    published: int


def _record(statements: QuerySet[Statement]) -> Record:
    # A revised article's old text keeps the machine's statements nobody touched; the
    # newest text has its own, so counting both would count one sentence twice. The desk's
    # work left on an old revision (a sentence the new text dropped) still counts.
    statements = statements.filter(
        Q(article__next_revision__isnull=True) | ~statement_untouched_q()
    )
    rows = list(
        statements.select_related("article", "published").order_by(
            "-article__created_at", "-article_id", "start"
        )[:RECORD_ROWS]
    )
    counts: dict[str, int] = {}
    live = statements.filter(published__isnull=False, published__withdrawn_at__isnull=True)
    for rating in live.values_list("published__rating", flat=True):
        counts[rating] = counts.get(rating, 0) + 1
    by_rating = [(v, str(label), counts[v]) for v, label in Verdict.Rating.choices if v in counts]
    return Record(
        statements=rows,
        total=statements.count(),
        by_rating=by_rating,
        published=sum(counts.values()),
    )


def entity_statements(*, entity_id: int) -> QuerySet[Statement]:
    """Statements with a visible mention of the entity (the one definition of a
    statement's mentions)."""
    mentions = EntityMention.objects.filter(
        statement_mentions_q(start=OuterRef("start"), end=OuterRef("end")),
        article_id=OuterRef("article_id"),
        entity_id=entity_id,
    )
    return Statement.objects.filter(Exists(mentions))


def entity_record(*, entity_id: int) -> tuple[Entity, Record, list[EntityMerge]] | None:
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is None:
        return None
    merges = list(entity.merges.select_related("actor"))
    return entity, _record(entity_statements(entity_id=entity_id)), merges


def claimant_statements(*, name: str) -> QuerySet[Statement]:
    """The reviewer's speaker where there is a verdict (it may correct the detected one),
    else the detected speaker."""
    name = name.strip()
    return Statement.objects.filter(
        Q(verdict__speaker__iexact=name) | Q(verdict__isnull=True, speaker__iexact=name)
    )


def claimant_record(*, name: str) -> Record:
    return _record(claimant_statements(name=name))


def entity_merge_candidates(*, entity: Entity) -> list[Entity]:
    """Other entities with the same label, for the merge menu (bounded)."""
    return list(
        Entity.objects.filter(label=entity.label)
        .exclude(pk=entity.pk)
        .annotate(n_mentions=Count("mentions"))
        .order_by("name")[:MERGE_CANDIDATES]
    )


def entity_merge(*, entity_id: int, into_id: int, user: User) -> EntityMerge:
    """Merge entity ``entity_id`` into ``into_id`` (an editor's decision that they are
    one): its mentions and aliases move, the history keeps its name, the entity goes."""
    if not user_is_editor(user):
        raise Forbidden("Only editors merge entities.")
    if into_id <= 0:  # the menu's blank choice (ids start at 1)
        raise InvalidInput("Choose the entity to merge this one into.", field="into")
    if entity_id == into_id:
        raise InvalidInput("Choose another entity to merge into.", field="into")
    with transaction.atomic():
        # Both rows locked, in id order, so two merges of the same pair cannot deadlock
        # or move mentions to an entity that is being deleted.
        locked = {
            e.pk: e
            for e in Entity.objects.select_for_update()
            .filter(pk__in=[entity_id, into_id])
            .order_by("pk")
        }
        if entity_id not in locked or into_id not in locked:
            raise InvalidInput("No such entity (perhaps merged already).", field="into")
        merged, into = locked[entity_id], locked[into_id]
        if merged.label != into.label:
            raise InvalidInput(
                f"{merged.name} is {merged.label} and {into.name} is {into.label}: only"
                " entities with the same label can be one. Relabel the mentions first.",
                field="into",
            )
        moved = EntityMention.objects.filter(entity=merged).update(entity=into)
        taken = set(EntityAlias.objects.filter(entity=into).values_list("label", "key"))
        for alias in EntityAlias.objects.filter(entity=merged):
            if (alias.label, alias.key) in taken:
                alias.delete()
            else:
                alias.entity = into
                alias.save(update_fields=["entity"])
        EntityMerge.objects.filter(into=merged).update(into=into)  # earlier merges follow
        record = EntityMerge.objects.create(
            merged_name=merged.name,
            merged_id=merged.pk,
            into=into,
            mentions_moved=moved,
            actor=user,
        )
        merged.delete()
    return record
