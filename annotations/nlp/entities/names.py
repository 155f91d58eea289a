"""Entity spans and the names they carry: cleaning a mention into a display name, the
normalised alias key, surnames and initials. Pure functions.

Spans are exactly what the body says (``text[start:end] == span.text``); the clean-up
here ("the", possessive "'s", curly quotes) only shapes entity names and alias keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from annotations.nlp.lexicon import lexicon_words

# People, organisations, places, money and dates. Left out: CARDINAL, ORDINAL, QUANTITY
# and TIME (numbers; statements already carry figures), PRODUCT, WORK_OF_ART and
# LANGUAGE (rare in news and mostly wrong with the small model).
LABELS_KEPT = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "MONEY", "DATE", "PERCENT"}
)
# Labels of names (not dates or amounts): the ones the span rules, the label vote and the
# desk's learned names work on.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW"})
# Model columns: EntityMention.text max_length, Entity.name / EntityAlias.key max_length.
MENTION_MAX_CHARS = 500
NAME_MAX_CHARS = 300

_INITIALS_SKIP = frozenset({"of", "the", "and", "for", "&"})
# A surname is the last word of a name with the particles before it, skipping
# generational suffixes. A name ending in a particle was cut short: it has no surname.
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# The same particles that let a speaker's name run on (statements.speakers).
NAME_PARTICLES = lexicon_words("name_particles")

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
    # Decided by the desk's learned names (annotations.nlp.entities.learned), not the
    # model: the span rules leave it alone and the clustering never relabels it.
    learned: bool = field(default=False, compare=False)


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
    """The surname of a full-name key: its last word with the particles before it
    ("ursula von der leyen" → "von der leyen"), skipping "Jr."-style suffixes. None for a
    name with no given name before the surname ("zelenskyy", "von der leyen")."""
    words = key.split(" ")
    while len(words) > 1 and words[-1].rstrip(".") in _NAME_SUFFIXES:
        words.pop()
    if len(words) < 2 or len(words[-1]) < 2 or words[-1] in NAME_PARTICLES:
        return None
    first = len(words) - 1
    while first > 0 and words[first - 1] in NAME_PARTICLES:
        first -= 1
    return " ".join(words[first:]) if first > 0 else None


def is_bare_surname(key: str) -> bool:
    """A surname said alone: one word, or particles and a word ("von der leyen")."""
    words = key.split(" ")
    return words[-1] not in NAME_PARTICLES and all(w in NAME_PARTICLES for w in words[:-1])


def name_initials(key: str) -> str | None:
    """ "european union" → "eu"; None for a single word (nothing to abbreviate)."""
    words = [w for w in re.split(r"[\s-]+", key) if w and w not in _INITIALS_SKIP]
    if len(words) < 2:
        return None
    return "".join(w[0] for w in words)


def is_acronym(name: str) -> bool:
    return bool(_ACRONYM.match(name))


def name_rank(name: str) -> tuple[int, int]:
    """How complete a name is: more words, then more characters ("Volodymyr Zelenskyy")."""
    return (len(name.split()), len(name))
