"""From the model's spans to the mentions a reader would mark (``spans_tidy``). Pure.

The small model's spans are close, not clean. The rules, in the order they run, each
reading the article text so that ``body[start:end] == text`` keeps holding:

1. edges: quote marks, brackets and punctuation around a name are not part of it ('the
   “Coalition of the Willing' → 'Coalition of the Willing', 'X.' → 'X'); the stop of an
   abbreviation stays ('U.S.', 'Inc.', 'Jr.');
2. name particles: a PERSON ending in, or followed by, lowercase particles (von der, de,
   bin, al-) runs on through them to the next capitalised word, absorbing the fragment
   the model made of it: "Ursula von der" + "Leyen" → "Ursula von der Leyen";
3. organisation words: a name holding a word only bodies carry (organisation_words:
   "Statistics Netherlands", "Coalition of the Willing") is an ORG whatever the model
   said, unless it is a LAW named as one (law_words: "Bank Secrecy Act");
4. titles: a one-word name right after a person's title (person_titles) is a person:
   "General Grynkewich", and both names of "Generals Keane and Grynkewich";
5. job-title fragments: a one-word mention of a portfolio (portfolio_words: "State",
   "Defence") standing next to a title word ("Secretary of State", "Defence Secretary")
   names nobody and is dropped;
6. the desk: a mention of a learned name takes the learned label; one the desk rejected
   (same label and key) is dropped (annotations.nlp.entities.learned);
7. surnames: a one-word ORG or GPE equal to the surname of exactly one person found in
   the article is that person ("Zelenskyy" as ORG and as GPE; the clustering joins them);
8. one label per name: the mentions of one name (alias key) take the label most of them
   have, the first seen breaking a tie ("Rotterdam" four times PERSON and once GPE is
   PERSON five times: one reviewer's GPE then fixes every later article);
9. the rest of the article: a name the model found is marked wherever else the article
   writes it exactly and the model did not ("Coalition of the Willing" three times, not
   once), and so is the surname of a person it found ("Merz told reporters"), unless the
   occurrence runs into another capitalised word (part of a longer name) or the article
   also has the name as a date or an amount ("May").

Rules 2 to 8 leave alone the spans the desk's learned names made (``learned=True``).
Rules 2 to 5 and 7 to 9 only concern names (NAME_LABELS); dates and amounts pass through.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from annotations.nlp.entities.learned import LearnedPatterns
from annotations.nlp.entities.names import (
    LABELS_KEPT,
    MENTION_MAX_CHARS,
    NAME_LABELS,
    NAME_PARTICLES,
    EntitySpan,
    entity_key,
    name_surname,
)
from annotations.nlp.lexicon import lexicon_words, words_pattern

_QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"
_LEADING = _QUOTES + _DASHES + "([{<*,;:!?/\u2026 \t\r\n"
_TRAILING = _QUOTES + _DASHES + ")]}>*,;:!?/\u2026 \t\r\n"
# 'the “Coalition of the Willing': the name starts after the quote mark.
_DETERMINER_THEN_QUOTE = re.compile(r"(?:[Tt]he|[Aa]n?)\s+[\"'`\u2018\u201c\u201e\u00ab]")
_DETERMINERS = frozenset({"the", "a", "an"})
# A full stop that belongs to the name: "U.S.", "Inc.", "Jr.", "St.".
_DOTTED = re.compile(r"(?:\w\.)+\w?")
_STOP_KEEPERS = (
    lexicon_words("title_abbreviations")
    | lexicon_words("ambiguous_abbreviations")
    | lexicon_words("month_abbreviations")
)

_SPACE = r"[^\S\n]+"  # white space within a paragraph
_PARTICLE = rf"(?:{words_pattern(sorted(NAME_PARTICLES, key=len, reverse=True))})"
_ENDS_WITH_PARTICLE = re.compile(rf"(?:^|\s){_PARTICLE}$")
_AFTER_PERSON = re.compile(
    rf"(?P<gap>(?:{_SPACE}{_PARTICLE}(?=\s))*){_SPACE}(?P<prefix>{_PARTICLE}-)?[A-Z][\w’'-]*"
)

_ORGANISATION_WORDS = lexicon_words("organisation_words")
_LAW_WORDS = lexicon_words("law_words")
_TO_ORG = frozenset({"PERSON", "GPE", "LOC", "NORP", "LAW", "PRODUCT", "WORK_OF_ART"})
_WORD = re.compile(r"\w+")

_CAP_NAME = r"[A-Z][\w’'-]*"


def _capitalised(words) -> str:
    return words_pattern(sorted((w[:1].upper() + w[1:] for w in words), key=len, reverse=True))


# "General Grynkewich", "Generals Keane and Grynkewich", "Dr. Smith": the end of the text
# before a one-word mention.
_PERSON_TITLE_BEFORE = re.compile(
    rf"(?<!\w)(?:{_capitalised(lexicon_words('person_titles'))})s?\.?{_SPACE}"
    rf"(?:{_CAP_NAME}(?:,{_SPACE}{_CAP_NAME})*,?{_SPACE}and{_SPACE})?$"
)
_TO_PERSON = frozenset({"GPE", "ORG", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART"})

_TITLE_WORDS = lexicon_words("title_words")
_PORTFOLIO_WORDS = lexicon_words("portfolio_words")
_TITLE = rf"(?:{_capitalised(_TITLE_WORDS)})(?![\w])"
_TITLE_AFTER = re.compile(rf"(?:{_SPACE}|-){_TITLE}")  # "Defence Secretary"
_TITLE_OF_BEFORE = re.compile(rf"(?<!\w){_TITLE}{_SPACE}(?:of|for){_SPACE}(?:the{_SPACE})?$")

_PERSON_TITLES = lexicon_words("person_titles")
_NOT_NAMES = lexicon_words("not_names")
_CAP_WORD_BEFORE = re.compile(rf"({_CAP_NAME}){_SPACE}$")
_CAP_WORD_AFTER = re.compile(rf"{_SPACE}[A-Z]")
_LEADING_THE = re.compile(r"^[Tt]he\s+")
_SURNAME_LABELS = frozenset({"ORG", "GPE"})


@dataclass(frozen=True)
class Extraction:
    """An article's tidy mentions, and what the desk's learned names did to them."""

    spans: list[EntitySpan]
    applied: dict[str, int]  # learned key -> mentions it labelled or dropped


def spans_tidy(
    text: str, spans: list[EntitySpan], *, learned: LearnedPatterns | None = None
) -> Extraction:
    """The rules of the module docstring over the model's spans of ``text`` (any labels:
    the ones not in LABELS_KEPT are dropped after rule 3 has had its chance)."""
    learned = learned or LearnedPatterns()
    spans = sorted(s for s in (_trimmed(text, s) for s in spans) if s is not None)
    spans = _particles_joined(text, spans)
    spans = [_relabelled(text, s) for s in spans]
    spans = [
        s
        for s in spans
        if not _is_job_title_fragment(text, s)
        and s.label in LABELS_KEPT
        and s.end - s.start <= MENTION_MAX_CHARS
    ]
    spans, applied = _desk_applied(spans, learned)
    spans = _surnames_personified(spans)
    spans = _labels_voted(spans)
    spans = _names_spread(text, spans, learned)
    for span in spans:
        if span.learned:
            applied[entity_key(span.text)] += 1
    return Extraction(spans=spans, applied=dict(applied))


# --- 1. Edges ---------------------------------------------------------------------------


def span_trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the quote marks, brackets and punctuation around the name
    (rule 1); ``start == end`` when nothing is left."""
    while True:
        before = (start, end)
        while start < end and text[start] in _LEADING:
            start += 1
        if quoted := _DETERMINER_THEN_QUOTE.match(text, start, end):
            start = quoted.end()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if end > start and text[end - 1] == "." and not _stop_belongs(text[start : end - 1]):
            end -= 1
        if (start, end) == before:
            return start, end


def _stop_belongs(name: str) -> bool:
    word = name.rsplit(None, 1)[-1] if name.strip() else ""
    return bool(_DOTTED.fullmatch(word) and "." in word) or word.casefold() in _STOP_KEEPERS


def _trimmed(text: str, span: EntitySpan) -> EntitySpan | None:
    start, end = span_trim(text, span.start, span.end)
    if start == end or text[start:end].casefold() in _DETERMINERS:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return replace(span, start=start, end=end, text=text[start:end])


# --- 2. Name particles ------------------------------------------------------------------


def _particles_joined(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    dropped: set[int] = set()
    joined = list(spans)
    for index, span in enumerate(spans):
        if span.label != "PERSON" or span.learned or index in dropped:
            continue
        match = _AFTER_PERSON.match(text, span.end)
        if not match:
            continue
        if not (match["gap"] or match["prefix"] or _ENDS_WITH_PARTICLE.search(span.text)):
            continue  # "Trump Tower": no particle, not one name
        end = match.end()
        absorbed = [
            i for i, s in enumerate(spans) if i != index and s.start < end and span.start < s.end
        ]
        if any(
            spans[i].learned or spans[i].end > end or spans[i].start < span.start for i in absorbed
        ):
            continue
        dropped.update(absorbed)
        joined[index] = replace(span, end=end, text=text[span.start : end])
    return [s for i, s in enumerate(joined) if i not in dropped]


# --- 3, 4. Labels from the words of the name and around it -----------------------------


def _has_organisation_word(span: EntitySpan) -> bool:
    return any(
        w[0].isupper() and w.casefold() in _ORGANISATION_WORDS for w in _WORD.findall(span.text)
    )


def _relabelled(text: str, span: EntitySpan) -> EntitySpan:
    if span.learned:
        return span
    if span.label in _TO_ORG and _has_organisation_word(span):
        words = {w.casefold() for w in _WORD.findall(span.text)}
        if span.label != "LAW" or not words & _LAW_WORDS:
            return replace(span, label="ORG")
    if (
        span.label in _TO_PERSON
        and " " not in span.text
        and span.text[0].isupper()
        and not span.text.isupper()  # "NATO", "EU": acronyms are bodies
        and not _has_organisation_word(span)
        and _PERSON_TITLE_BEFORE.search(text, max(0, span.start - 120), span.start)
    ):
        return replace(span, label="PERSON")
    return span


# --- 5. Fragments of job titles ---------------------------------------------------------


def _is_job_title_fragment(text: str, span: EntitySpan) -> bool:
    if span.learned or " " in span.text or span.text.casefold() not in _PORTFOLIO_WORDS:
        return False
    return bool(
        _TITLE_AFTER.match(text, span.end)
        or _TITLE_OF_BEFORE.search(text, max(0, span.start - 40), span.start)
    )


# --- 6, 7, 8. The desk's labels, surnames, then one label per name ---------------------


def _desk_applied(
    spans: list[EntitySpan], learned: LearnedPatterns
) -> tuple[list[EntitySpan], Counter[str]]:
    dropped: Counter[str] = Counter()
    if not learned:
        return spans, dropped
    kept = []
    for span in spans:
        key = entity_key(span.text)
        if not span.learned and (span.label, key) in learned.rejected:
            dropped[key] += 1
            continue
        label = learned.labels.get(key)
        if label is not None and not span.learned:
            span = replace(span, label=label, learned=True)
        kept.append(span)
    return kept, dropped


def _surnames_personified(spans: list[EntitySpan]) -> list[EntitySpan]:
    surnames = _surnames(spans)
    return [
        replace(span, label="PERSON")
        if span.label in _SURNAME_LABELS
        and not span.learned
        and " " not in span.text
        and entity_key(span.text) in surnames
        else span
        for span in spans
    ]


def _labels_voted(spans: list[EntitySpan]) -> list[EntitySpan]:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[tuple[str, str], int] = {}
    for index, span in enumerate(spans):
        if span.label in NAME_LABELS and not span.learned:
            key = entity_key(span.text)
            votes[key][span.label] += 1
            first_seen.setdefault((key, span.label), index)
    winner = {
        key: max(counts, key=lambda label, k=key: (counts[label], -first_seen[(k, label)]))
        for key, counts in votes.items()
        if len(counts) > 1
    }
    return [
        replace(span, label=winner[key])
        if span.label in NAME_LABELS
        and not span.learned
        and (key := entity_key(span.text)) in winner
        and span.label != winner[key]
        else span
        for span in spans
    ]


# --- 9. The rest of the article ---------------------------------------------------------


def _names_spread(text: str, spans: list[EntitySpan], learned: LearnedPatterns) -> list[EntitySpan]:
    labels: dict[str, str] = {}  # surface form as written -> label
    label_of_key: dict[str, str] = {}
    # A name the article also writes as a date or an amount ("May") is not spread.
    not_names = {entity_key(s.text) for s in spans if s.label not in NAME_LABELS}
    for span in spans:
        key = entity_key(span.text)
        if span.label not in NAME_LABELS or key in not_names:
            continue
        label_of_key.setdefault(key, span.label)
        surface = _LEADING_THE.sub("", span.text)
        if len(surface) >= 2 and any(c.isupper() for c in surface):
            labels.setdefault(surface, span.label)
    for surname, surface in _surnames(spans).items():
        if surname not in not_names and label_of_key.get(surname, "PERSON") == "PERSON":
            labels.setdefault(surface, "PERSON")
    if not labels:
        return spans
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(
            _SPACE.join(map(re.escape, s.split())) for s in sorted(labels, key=len, reverse=True)
        )
        + r")(?!\w)"
    )
    covered = bytearray(len(text))
    for span in spans:
        covered[span.start : span.end] = b"\x01" * (span.end - span.start)
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(covered[start:end]) or _runs_into_a_name(text, start, end):
            continue
        name = match.group()
        label = labels.get(name) or labels[" ".join(name.split())]
        key = entity_key(name)
        found.append(
            EntitySpan(start=start, end=end, text=name, label=label, learned=key in learned.labels)
        )
        covered[start:end] = b"\x01" * (end - start)
    return sorted(spans + found)


def _surnames(spans: list[EntitySpan]) -> dict[str, str]:
    """Surname key -> surname as written, for the surnames of exactly one person found."""
    people: dict[str, set[str]] = defaultdict(set)
    written: dict[str, str] = {}
    for span in spans:
        if span.label != "PERSON":
            continue
        key = entity_key(span.text)
        surname = name_surname(key)
        if surname is None:
            continue
        surface = " ".join(span.text.split()[-len(surname.split()) :])
        if entity_key(surface) == surname:
            people[surname].add(key)
            written.setdefault(surname, surface)
    return {s: written[s] for s, keys in people.items() if len(keys) == 1}


def _runs_into_a_name(text: str, start: int, end: int) -> bool:
    """Is the occurrence part of a longer capitalised name ("Trump Tower", "Berlin Merz")?
    A title or a possessive before it does not count ("Chancellor Merz", "Germany’s Merz")."""
    if _CAP_WORD_AFTER.match(text, end):
        return True
    before = _CAP_WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is None:
        return False
    word = before.group(1)
    bare = word.rstrip(".").casefold()
    return not (
        bare in _TITLE_WORDS
        or bare in _PERSON_TITLES
        or bare in _NOT_NAMES
        or word.endswith(("’s", "'s"))
    )
