"""Grouping an article's mentions into canonical entities (``entities_cluster``).

Rules for grouping the mentions of one article:

- mentions with the same label and the same normalised key are one entity
  ("the European Union" = "European Union");
- a one-word PERSON, ORG or GPE mention equal to the surname (last word, with the name
  particles before it: "von der Leyen") of exactly one multi-word PERSON in the article
  joins that person: "Zelenskyy" → "Volodymyr Zelenskyy".
  ORG and GPE are included because the small model often labels a bare surname as one
  ("Trump" as ORG); such a mention takes the PERSON label. With two candidates ("Boris
  Johnson", "Mike Johnson") the bare surname stays a separate entity;
- an all-capitals ORG or GPE acronym (2 to 6 letters, "EU", "U.S.") equal to the initials
  of exactly one multi-word ORG or GPE in the article (ignoring of/the/and/for) joins it:
  "EU" → "European Union";
- a mention the desk's learned names decided (``EntitySpan.learned``) joins nobody: its
  label is the desk's.

Keys a mention joined through one of these rules are *weak*: they are recorded as aliases
for finding the entity again, but the service never merges two existing entities
because of them (see annotations.tagging.resolution for the cross-article policy).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from annotations.nlp.entities.names import (
    NAME_MAX_CHARS,
    EntitySpan,
    entity_key,
    entity_name_clean,
    is_acronym,
    is_bare_surname,
    name_initials,
    name_rank,
    name_surname,
)

_ACRONYM_LABELS = frozenset({"ORG", "GPE"})
_SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE"})


@dataclass(frozen=True)
class EntityCluster:
    """The mentions of one entity within an article, with the names to find it by."""

    label: str
    name: str  # canonical display name: the most complete form seen
    keys: frozenset[str]  # normalised names the mentions themselves had
    weak_keys: frozenset[str]  # surnames and acronyms joined (or implied) by a rule
    spans: tuple[EntitySpan, ...]  # all carry ``label`` (a joined "Trump"/ORG is PERSON)


# --- Grouping within an article ---------------------------------------------------------


@dataclass
class _Group:
    label: str
    key: str
    spans: list[EntitySpan]
    names: list[str]  # cleaned display forms, in text order
    joined_to: _Group | None = None  # set when a rule attaches this group to another

    @property
    def words(self) -> int:
        return len(self.key.split(" "))

    @property
    def learned(self) -> bool:
        return any(s.learned for s in self.spans)


def entities_cluster(spans: list[EntitySpan]) -> list[EntityCluster]:
    """Group an article's mentions into entities (rules in the module docstring)."""
    groups: dict[tuple[str, str], _Group] = {}
    for span in spans:
        name = entity_name_clean(span.text)
        key = entity_key(span.text)
        if not key or len(name) > NAME_MAX_CHARS or len(key) > NAME_MAX_CHARS:
            continue
        group = groups.setdefault((span.label, key), _Group(span.label, key, [], []))
        group.spans.append(span)
        group.names.append(name)

    full_people: dict[str, list[_Group]] = defaultdict(list)
    initials: dict[str, list[_Group]] = defaultdict(list)
    for group in groups.values():
        if group.words < 2:
            continue
        if group.label == "PERSON" and (surname := name_surname(group.key)):
            full_people[surname].append(group)
        abbr = name_initials(group.key)
        # "U.S. Senate" abbreviates to "us" too, but a name containing the acronym is not
        # its expansion.
        if group.label in _ACRONYM_LABELS and abbr and abbr not in group.key.split(" "):
            initials[abbr].append(group)

    for group in groups.values():
        if group.learned or not is_bare_surname(group.key):
            continue
        shown = Counter(group.names).most_common(1)[0][0]
        if group.label in _ACRONYM_LABELS and group.words == 1 and is_acronym(shown):
            candidates = initials.get(group.key, [])
        elif group.label in _SURNAME_LABELS:
            candidates = full_people.get(group.key, [])
        else:
            continue
        if len(candidates) == 1:  # two candidates: ambiguous, keep it apart
            group.joined_to = candidates[0]

    members: dict[int, list[_Group]] = defaultdict(list)
    roots: list[_Group] = []
    for group in groups.values():
        root = group.joined_to or group
        if root is group:
            roots.append(group)
        members[id(root)].append(group)

    clusters = []
    for root in roots:
        own = members[id(root)]
        keys = frozenset(g.key for g in own if g.joined_to is None)
        weak = {g.key for g in own if g.joined_to is not None}
        if root.label == "PERSON" and (surname := name_surname(root.key)):
            # Implied even when the article never uses the bare surname, so that a later
            # article saying only "Zelenskyy" can find this person (if unambiguous).
            weak.add(surname)
        names = [n for g in own if g.joined_to is None for n in g.names]
        # The most complete form; among equals the most frequent, then the first seen.
        counts = Counter(names)
        name = max(names, key=lambda n: (*name_rank(n), counts[n], -names.index(n)))
        cluster_spans = sorted(
            (s if s.label == root.label else _relabel(s, root.label)) for g in own for s in g.spans
        )
        clusters.append(
            EntityCluster(
                label=root.label,
                name=name,
                keys=keys,
                weak_keys=frozenset(weak - keys),
                spans=tuple(cluster_spans),
            )
        )
    clusters.sort(key=lambda c: (c.label, min(c.keys)))
    return clusters


def _relabel(span: EntitySpan, label: str) -> EntitySpan:
    return EntitySpan(start=span.start, end=span.end, text=span.text, label=label)
