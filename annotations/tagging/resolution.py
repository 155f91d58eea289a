"""Canonical entities: find or create the Entity of each of an article's clusters.

Runs inside the tagging write phase (annotations.tagging.jobs.mentions_replace) and for a
reviewer's added mention (annotations.review.services.mention_add).

Cross-article entity policy (the per-article rules are in annotations.nlp.entities.clusters):

- an entity is found again by label + alias key; an article's cluster matching several
  existing entities merges them into the oldest (mentions and aliases re-pointed);
- weak keys (a person's surname, an acronym joined to its long form) never merge two
  existing entities. A surname is an alias of a person only while exactly one known
  person has it: when a second "… Johnson" appears the alias "johnson" is retired, and
  a later article saying only "Johnson" gets an entity of its own that a reviewer can
  resolve. An entity named by the bare surname or acronym alone (created before the full
  name was known) is adopted by the full name when that is unambiguous. Acronyms are
  first come, first served (no retiring): their long forms rarely collide in news.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_

from django.db.models import Q

from annotations.models import Entity, EntityAlias, EntityMention
from annotations.nlp.entities import EntityCluster, entity_key, name_rank, name_surname

logger = logging.getLogger(__name__)


def entities_resolve(*, clusters: Sequence[EntityCluster]) -> list[Entity]:
    """The Entity for each cluster, found by alias or created; aliases recorded.

    Runs inside the caller's transaction. Aliases are inserted with ON CONFLICT DO NOTHING
    and read back: if a concurrent worker registered the same name first, its entity wins
    (merged into the oldest), so the unique (label, key) constraint never aborts the
    transaction. What is left (a merged entity gaining a mention concurrently) surfaces as
    IntegrityError or a deadlock, and jobs.article_entities_tag runs the write phase again.
    """
    if not clusters:
        return []
    return _Resolver(clusters).resolve()


class _Resolver:
    def __init__(self, clusters: Sequence[EntityCluster]) -> None:
        self.clusters = clusters
        self.aliases = _aliases_fetch((c.label, k) for c in clusters for k in c.keys | c.weak_keys)
        self.holders = _surname_holders(
            {k for c in clusters if c.label == "PERSON" for k in c.weak_keys}, clusters=clusters
        )
        self.merged_into: dict[int, Entity] = {}

    def resolve(self) -> list[Entity]:
        targets: list[Entity | None] = []
        for cluster in self.clusters:
            found = {
                self.aliases[p].entity
                for k in cluster.keys
                if (p := (cluster.label, k)) in self.aliases
            }
            if found:
                target = self.merge(found, name=cluster.name)
            else:
                target = self.bare_entity_adoptable(cluster)
                if target is not None:
                    _entity_rename(target, cluster.name)
            targets.append(target)
        created = iter(
            Entity.objects.bulk_create(
                Entity(label=c.label, name=c.name)
                for c, t in zip(self.clusters, targets, strict=True)
                if t is None
            )
        )
        entities = [t if t is not None else next(created) for t in targets]
        self.aliases_register(entities)
        return [self.current(e) for e in entities]

    def current(self, entity: Entity) -> Entity:
        while entity.pk in self.merged_into:
            entity = self.merged_into[entity.pk]
        return entity

    def merge(self, entities: Iterable[Entity], *, name: str) -> Entity:
        """Fold entities into the oldest: mentions and aliases move, the best name stays."""
        keep, *others = sorted(
            {self.current(e) for e in entities}, key=lambda e: (e.created_at, e.pk)
        )
        for other in others:
            _entity_rename(keep, other.name)
        _entity_rename(keep, name)
        if others:
            ids = [e.pk for e in others]
            logger.info("Merging entities %s into %s (%s)", ids, keep.pk, keep.name)
            EntityMention.objects.filter(entity_id__in=ids).update(entity=keep)
            EntityAlias.objects.filter(entity_id__in=ids).update(entity=keep)
            Entity.objects.filter(pk__in=ids).delete()
            self.merged_into.update(dict.fromkeys(ids, keep))
        return keep

    def bare_entity_adoptable(self, cluster: EntityCluster) -> Entity | None:
        """An existing entity known only by one of the cluster's weak keys ("Zelenskyy",
        "EU") when that key is unambiguous: the full name takes it over."""
        for key in sorted(cluster.weak_keys):
            alias = self.aliases.get((cluster.label, key))
            if alias is not None and _is_bare(alias.entity, key):
                entity = self.current(alias.entity)
                if not self.ambiguous(cluster, key, entity):
                    return entity
        return None

    def ambiguous(self, cluster: EntityCluster, key: str, entity: Entity) -> bool:
        """A surname also held by another known person (acronyms: first come, first served)."""
        if cluster.label != "PERSON":
            return False
        return bool(self.holders.get(key, set()) - {cluster, entity.pk})

    def aliases_register(self, entities: list[Entity]) -> None:
        wanted: dict[tuple[str, str], Entity] = {}
        weak: set[tuple[str, str]] = set()
        for cluster, entity in zip(self.clusters, entities, strict=True):
            for key in cluster.keys:
                wanted[(cluster.label, key)] = entity
            for key in sorted(cluster.weak_keys):
                pair = (cluster.label, key)
                alias = self.aliases.get(pair)
                owner = self.current(alias.entity) if alias else None
                if self.ambiguous(cluster, key, self.current(entity)):
                    if alias is not None and not _is_bare(owner, key):
                        alias.delete()  # retired: "johnson" no longer names one person
                        del self.aliases[pair]
                elif owner is None:
                    wanted[pair] = entity
                    weak.add(pair)
                elif _is_bare(owner, key):
                    # "Zelenskyy" had an entity of its own; now the full name is known.
                    self.merge({owner, entity}, name=self.current(entity).name)
        missing = sorted(pair for pair in wanted if pair not in self.aliases)
        if not missing:
            return
        # Sorted inserts: two workers take the unique-index locks in the same order.
        EntityAlias.objects.bulk_create(
            [
                EntityAlias(label=lb, key=k, entity=self.current(wanted[(lb, k)]))
                for lb, k in missing
            ],
            ignore_conflicts=True,
        )
        stored = _aliases_fetch(missing)
        for pair in missing:
            alias = stored.get(pair)
            mine = self.current(wanted[pair])
            if alias is None or pair in weak or self.current(alias.entity).pk == mine.pk:
                continue  # ours, or a weak key another entity took first (it keeps it)
            # A concurrent worker registered this full name first: same entity, merge.
            self.merge({alias.entity, mine}, name=mine.name)


def _aliases_fetch(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], EntityAlias]:
    by_label: dict[str, set[str]] = defaultdict(set)
    for label, key in pairs:
        by_label[label].add(key)
    if not by_label:
        return {}
    query = reduce(or_, (Q(label=label, key__in=keys) for label, keys in by_label.items()))
    return {(a.label, a.key): a for a in EntityAlias.objects.filter(query).select_related("entity")}


def _surname_holders(
    surnames: set[str], *, clusters: Sequence[EntityCluster]
) -> dict[str, set[object]]:
    """For each surname, the people it could name: ids of known entities with a full name
    ending in it, and this article's full-name clusters."""
    holders: dict[str, set[object]] = defaultdict(set)
    if surnames:
        query = reduce(or_, (Q(key__endswith=f" {s}") for s in surnames))
        for key, entity_id in EntityAlias.objects.filter(query, label="PERSON").values_list(
            "key", "entity_id"
        ):
            if (surname := name_surname(key)) in surnames:
                holders[surname].add(entity_id)
    for cluster in clusters:
        if cluster.label == "PERSON":
            for key in cluster.keys:
                if surname := name_surname(key):
                    holders[surname].add(cluster)
    return holders


def _is_bare(entity: Entity | None, key: str) -> bool:
    """Is this the entity of a bare surname or acronym (its name is just ``key``)?"""
    return entity is not None and entity_key(entity.name) == key


def _entity_rename(entity: Entity, name: str) -> None:
    """Keep the most complete name seen: "Zelenskyy" becomes "Volodymyr Zelenskyy"."""
    if name_rank(name) > name_rank(entity.name):
        entity.name = name
        entity.save(update_fields=["name"])
