"""Checkable statements: sentence splitting, figures, check-worthiness and speakers.

Runs synchronously at ingestion, so everything here is plain Python over precompiled
regular expressions (a few milliseconds for a typical article). No spaCy model is loaded:
entity tagging is a separate, slower step.

Offsets: every Sentence, Figure and DetectedStatement carries ``start``/``end`` offsets
into the string it was computed from, and ``body[start:end] == text`` always holds.

Paragraphs: each non-blank line is a paragraph; blank lines only separate, they do not
count, so ``paragraph`` is the index among the non-blank lines.

Figure kinds, and the choices made for ambiguous cases:

- ``money``: a currency symbol or code with a number ("€210 billion", "US$5 bn", "£300m",
  "EUR 40"), or a number whose head noun is a currency ("5 million euros", "50 cents",
  "millions of dollars"). "pounds" alone counts as a weight, not money ("£" is the usual
  way to write sterling); "pounds sterling" is money.
- ``percent``: "12%", "38 percent", "3.5 per cent", "2 percentage points".
- ``count``: a number with the noun it counts, up to that head noun ("34 mostly European
  countries", "26 countries", "three million people", "thousands of troops"). A numeral
  with no countable noun after it is a bare count ("25,000"). Spelled-out numbers are
  figures only with a noun ("seven votes"): alone they are too often pronouns ("the two
  of them"), and "one" is never a count by itself ("one card", "one page").
  Hyphenated number compounds ("28-point plan", "two-state solution") are counts, the whole
  compound plus its head noun, unless the compound is a unit (below).
- ``quantity``: a number with a unit of measure, including time spans ("20 km",
  "5 tonnes", "3 hours", "two years", "a 10-year plan", "45-year-old man"). So "over the
  coming two years" yields the quantity "two years": a duration, not a date.
- ``date``: years (2026) and decades (1990s) unless the number counts something
  ("2000 people"), ranges ("2026-2027", "2026/27"), full or partial dates ("12 March 2025",
  "March 12, 2025", "Jan. 5", "March 2025", "2025-03-12", "3/12/2025"), month names,
  weekday names ("Thursday", "last Friday") and clock times ("10:30", "9 a.m.").
  Relative expressions ("today", "this weekend", "next week") are not figures: they cannot
  be checked without the publication date and would inflate check-worthiness.
- ``ordinal``: "third", "21st", "twenty-first".
- ``fraction``: "one third", "two-thirds", "three quarters", "a third of", "half of", "1/4".

Overlapping candidates are resolved by keeping the longest (then the kind listed first in
FIGURE_KINDS), so "€210 billion" is one money figure and never also a count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.nlp.lexicon import lexicon_entries, lexicon_words, words_pattern

__all__ = [
    "CHECKABLE_THRESHOLD",
    "FIGURE_KINDS",
    "Assessment",
    "DetectedStatement",
    "Figure",
    "Sentence",
    "checkworthiness_assess",
    "figures_find",
    "sentences_split",
    "speaker_find",
    "statements_detect",
]


# Order matters: on a tie in length, the kind listed first wins.
FIGURE_KINDS: tuple[str, ...] = (
    "money",
    "percent",
    "date",
    "fraction",
    "quantity",
    "count",
    "ordinal",
)

CHECKABLE_THRESHOLD: float = 0.5


@dataclass(frozen=True)
class Figure:
    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: tuple[str, ...]
    is_checkable: bool


@dataclass(frozen=True)
class DetectedStatement:
    start: int
    end: int
    text: str
    order: int
    score: float
    reasons: tuple[str, ...]
    figures: tuple[Figure, ...]
    speaker: str | None


# ---------------------------------------------------------------------------------------
# Sentence splitting
# ---------------------------------------------------------------------------------------

_OPENERS = "“\"‘'«([{"
_CLOSERS = "”\"’'»)]}"

_LINE_RE = re.compile(r"[^\r\n]+")
# A run of stops, the closing quotes/brackets that belong to it, then a space or the end.
_STOP_RE = re.compile(r"[.!?…]+[”\"’'»)\]]*(?=\s|$)")
# The "not.That" typo: a stop glued between a word and a capitalised word.
_GLUED_STOP_RE = re.compile(r"(?<=[a-z0-9%)])[.!?](?=[A-Z][a-z])")
_NEXT_WORD_RE = re.compile(r"[“\"‘'«(\[]*([A-Za-z]+)")
_INITIAL_RE = re.compile(r"[A-Z]")
_DOTTED_ACRONYM_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # "U.S", "e.g" (last dot is the stop)
_URLISH_RE = re.compile(r"://|www\.|@|\.(?:com|org|net|gov|edu|io|eu|uk)\b", re.IGNORECASE)

# Titles never end a sentence ("Dr. Smith", "Gen. Keane", "Roe v. Wade").
_TITLE_ABBREVIATIONS = lexicon_words("title_abbreviations")
# These end a sentence only if no number follows ("No. 10", "Jan. 5", "p. 12").
_NUMBER_ABBREVIATIONS = lexicon_words("number_abbreviations") | lexicon_words("month_abbreviations")
# These can end a sentence ("... in the U.S. The ..."): split only before a typical
# sentence opener, so "U.S. President" and "Apple Inc. shares" stay whole.
_AMBIGUOUS_ABBREVIATIONS = lexicon_words("ambiguous_abbreviations")
_SENTENCE_OPENERS = lexicon_words("sentence_openers")


def sentences_split(body: str) -> list[Sentence]:
    """Split ``body`` into sentences; every non-blank line is its own paragraph."""
    sentences: list[Sentence] = []
    paragraph = -1
    for line_match in _LINE_RE.finditer(body):
        line = line_match.group()
        if not line.strip():
            continue
        paragraph += 1
        base = line_match.start()
        previous_end = 0
        for end, next_start in _line_boundaries(line):
            _sentence_append(sentences, body, base, previous_end, end, paragraph)
            previous_end = next_start
        _sentence_append(sentences, body, base, previous_end, len(line), paragraph)
    return sentences


def _sentence_append(
    sentences: list[Sentence], body: str, base: int, start: int, end: int, paragraph: int
) -> None:
    """Append body[base+start:base+end], stripped; a piece without letters or digits
    (a stray quote or dash) is glued to the previous sentence of the same paragraph."""
    start, end = base + start, base + end
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        return
    text = body[start:end]
    if not any(ch.isalnum() for ch in text):
        if sentences and sentences[-1].paragraph == paragraph:
            last = sentences[-1]
            sentences[-1] = Sentence(last.start, end, body[last.start : end], paragraph)
        return
    sentences.append(Sentence(start, end, text, paragraph))


def _line_boundaries(line: str) -> list[tuple[int, int]]:
    """(end of sentence, start of the next one) pairs, as offsets into ``line``."""
    boundaries = []
    for match in _STOP_RE.finditer(line):
        next_start = match.end()
        while next_start < len(line) and line[next_start].isspace():
            next_start += 1
        if next_start < len(line) and _stop_ends_sentence(line, match, next_start):
            boundaries.append((match.end(), next_start))
    for match in _GLUED_STOP_RE.finditer(line):
        if _glued_stop_ends_sentence(line, match.start()):
            boundaries.append((match.end(), match.end()))
    boundaries.sort()
    return boundaries


def _stop_ends_sentence(line: str, match: re.Match[str], next_start: int) -> bool:
    following = line[next_start]
    if following.islower() or following in ",;:-–—":
        return False  # '“Really?” she asked', 'etc. and', 'p.m. on'
    stops = match.group().rstrip(_CLOSERS)
    if stops != ".":
        return True  # ?, !, … and "..." end a sentence before anything but lowercase
    word = _word_before(line, match.start())
    lowered = word.lower()
    if lowered in _TITLE_ABBREVIATIONS:
        return False
    if following.isdigit() and lowered in _NUMBER_ABBREVIATIONS:
        return False
    if (
        lowered in _AMBIGUOUS_ABBREVIATIONS
        or _INITIAL_RE.fullmatch(word)
        or _DOTTED_ACRONYM_RE.fullmatch(word)
    ):
        return _opens_sentence(line, next_start)
    return True


def _glued_stop_ends_sentence(line: str, stop: int) -> bool:
    if _word_before(line, stop).lower() in _TITLE_ABBREVIATIONS:
        return False  # "St.Petersburg"
    start = _token_start(line, stop)
    end = stop
    while end < len(line) and end - stop < _MAX_TOKEN and not line[end].isspace():
        end += 1
    return not _URLISH_RE.search(line, start, end)


def _word_before(line: str, position: int) -> str:
    return line[_token_start(line, position) : position].lstrip(_OPENERS)


_MAX_TOKEN = 200  # how far to look for the edge of a "word": keeps odd input linear


def _token_start(line: str, position: int) -> int:
    start = position
    while start > 0 and position - start < _MAX_TOKEN and not line[start - 1].isspace():
        start -= 1
    return start


def _opens_sentence(line: str, position: int) -> bool:
    if line[position] in "“«":
        return True
    match = _NEXT_WORD_RE.match(line, position)
    return bool(match) and match.group(1).lower() in _SENTENCE_OPENERS


# ---------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Not glued to a word ("G7", "COVID-19") and not the tail of a bigger number.
_NUM_START = r"(?<![\w.,/-])"
_NUM_END = r"(?![\w%]|[.,]\d)"
_RANGE = rf"(?:\s?[-–]\s?{_NUM})?"

_UNIT_NUMBER_WORDS = lexicon_entries("number_units")
_TEEN_NUMBER_WORDS = lexicon_entries("number_teens")
_TENS_NUMBER_WORDS = lexicon_entries("number_tens")
_SCALE_WORDS = lexicon_entries("number_scales")
_NUMBER_WORDS = frozenset(
    (*_UNIT_NUMBER_WORDS, *_TEEN_NUMBER_WORDS, *_TENS_NUMBER_WORDS, "dozen", "hundred")
)
_UNITS, _TEENS, _TENS = map(
    words_pattern, (_UNIT_NUMBER_WORDS, _TEEN_NUMBER_WORDS, _TENS_NUMBER_WORDS)
)
_WORDNUM = rf"\b(?i:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_TEENS}|{_UNITS}|a\s+dozen|dozen)\b"
_SCALE = rf"(?i:{words_pattern(_SCALE_WORDS)})"
# A number, spelled or not, with its scale words: "3", "1.5 million", "two hundred thousand".
_AMOUNT = rf"(?:{_NUM_START}{_NUM}|{_WORDNUM}|\b(?i:an?)(?=\s+{_SCALE}))(?:\s+{_SCALE}\b)*"

_CURRENCY_SYMBOL = r"(?:\b(?:US|U\.S\.|A|AU|C|CA|NZ|HK|S))?[$€£¥₹₽₴]"
_CURRENCY_CODE = rf"(?:{words_pattern(lexicon_entries('currency_codes'))})"
_MONEY_SCALE = rf"(?:\s?(?:bn|mn|mln|tn|trn)\b|(?:m|b|k)\b|\s+{_SCALE}s?\b)"

_MONTH_NAMES = lexicon_entries("months")
_MONTH_ABBREVIATIONS = lexicon_entries("month_abbreviations")
_MONTHS = words_pattern(_MONTH_NAMES)
_MONTH = rf"(?:{_MONTHS}|(?:{words_pattern(a.capitalize() for a in _MONTH_ABBREVIATIONS)})\.)"
_DAY = rf"{_NUM_START}\d{{1,2}}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_WEEKDAYS = lexicon_entries("weekdays")
_WEEKDAY = rf"(?:{words_pattern(day.capitalize() for day in _WEEKDAYS)})s?"
_PERCENT_WORD = r"(?i:percent|per\s?cent|percentage\s+points?|pct)\b"

_ORDINAL_WORDS = lexicon_entries("ordinal_words")
_FRACTION_WORDS = words_pattern(lexicon_entries("fraction_words"))

# (kind, gate, pattern). A pattern only runs when its gate lets it: _DIGIT needs a digit in
# the text, a set needs one of its words (lowercase, split at anything but a-z). Most
# sentences have few figures, and the gates keep figures_find to a few regex searches.
_DIGIT = "digit"
_MONTH_GATE = frozenset(month.lower() for month in _MONTH_NAMES) | frozenset(_MONTH_ABBREVIATIONS)
_WEEKDAY_GATE = frozenset(day + suffix for day in _WEEKDAYS for suffix in ("", "s"))
_NUMBER_WORD_GATE = frozenset(
    (*_UNIT_NUMBER_WORDS, *_TEEN_NUMBER_WORDS, *_TENS_NUMBER_WORDS)
) | frozenset(word + suffix for word in ("dozen", *_SCALE_WORDS) for suffix in ("", "s"))
_ORDINAL_GATE = frozenset(_ORDINAL_WORDS)
_FRACTION_GATE = frozenset(_FRACTION_WORDS.split("|"))
_FIGURE_PATTERNS: tuple[tuple[str, str | frozenset[str], re.Pattern[str]], ...] = tuple(
    (kind, gate, re.compile(pattern))
    for kind, gate, pattern in (
        ("money", _DIGIT, rf"{_CURRENCY_SYMBOL}\s?{_NUM}{_RANGE}{_MONEY_SCALE}?"),
        ("money", _DIGIT, rf"\b{_CURRENCY_CODE}\s?{_NUM}{_RANGE}{_MONEY_SCALE}?"),
        ("money", _DIGIT, rf"{_NUM_START}{_NUM}{_RANGE}{_MONEY_SCALE}?\s?{_CURRENCY_CODE}\b"),
        ("percent", _DIGIT, rf"{_NUM_START}{_NUM}{_RANGE}(?:\s?%|\s*{_PERCENT_WORD})"),
        ("percent", frozenset(["percent", "cent", "pct"]), rf"{_WORDNUM}\s*{_PERCENT_WORD}"),
        ("date", _DIGIT, rf"{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"),
        ("date", _DIGIT, rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?{_NUM_END}"),
        ("date", _DIGIT, rf"\b{_MONTH},?\s+{_YEAR}\b"),
        # All twelve names, "March" and "May" too (they are verbs as well): the pattern after
        # this one, for "in March"/"in May" alone, finds nothing this one misses.
        ("date", _MONTH_GATE, rf"\b(?:{_MONTHS})\b"),
        ("date", frozenset(["march", "may"]), r"(?<=[Ii]n )(?:March|May)\b"),
        ("date", _DIGIT, rf"{_NUM_START}\d{{4}}-\d{{2}}-\d{{2}}\b"),
        ("date", _DIGIT, rf"{_NUM_START}\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})\b"),
        ("date", _DIGIT, rf"{_NUM_START}{_YEAR}\s?[-–/]\s?(?:{_YEAR}|\d\d){_NUM_END}"),
        ("date", _DIGIT, rf"{_NUM_START}{_YEAR}{_NUM_END}"),
        ("date", _DIGIT, rf"{_NUM_START}(?:1[5-9]|20)\d0s\b|['’]\d0s\b"),
        ("date", _WEEKDAY_GATE, rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his)\s+)?{_WEEKDAY}\b"),
        (
            "date",
            _DIGIT,
            rf"{_NUM_START}\d{{1,2}}(?::\d\d)?\s?(?:[ap]\.m\.|[ap]m\b)|{_NUM_START}\d{{1,2}}:\d\d\b",
        ),
        ("ordinal", _DIGIT, rf"{_NUM_START}\d+(?:st|nd|rd|th)\b"),
        (
            "ordinal",
            _ORDINAL_GATE,
            rf"\b(?i:(?:{_TENS})-)?(?i:{words_pattern(_ORDINAL_WORDS)})\b",
        ),
        (
            "fraction",
            _FRACTION_GATE,
            rf"\b(?i:{words_pattern((*_UNIT_NUMBER_WORDS, 'ten'))})[- ](?i:{_FRACTION_WORDS})\b",
        ),
        (
            "fraction",
            frozenset(["third", "quarter", "fifth", "tenth"]),
            r"\b(?i:a)\s+(?i:third|quarter|fifth|tenth)(?=\s+of\b)",
        ),
        (
            "fraction",
            frozenset(["half"]),
            r"\b(?i:(?:one|a)[- ]half|half(?=\s+(?:of|the|a|an|its|their|our|his|her|all"
            r"|this|that|these|those)\b))",
        ),
        ("fraction", _DIGIT, r"[½¼¾⅓⅔]"),
    )
)
_DIGIT_RE = re.compile(r"[\d½¼¾⅓⅔]")
_ALPHA_RE = re.compile(r"[a-z]+")
_SLASHED_RE = re.compile(rf"{_NUM_START}(\d{{1,2}})/(\d{{1,2}})(?![\w/])")
_COMPOUND_RE = re.compile(rf"(?:{_NUM_START}{_NUM}|{_WORDNUM})-([a-z]+)(?:-([a-z]+))?\b")
_SCALES_PLURAL = words_pattern(f"{word}s" for word in ("dozen", *_SCALE_WORDS))
# Where a counted noun phrase may start: an amount, or "thousands of", "tens of millions of".
_COUNT_START_RE = re.compile(
    rf"(?:\b(?i:(?:tens|hundreds)\s+of\s+)?(?i:{_SCALES_PLURAL})\s+of"
    rf"|(?<![$€£¥₹₽₴])(?P<amount>{_AMOUNT}))(?![\w%-]|[.,]\d)"
)
_FOLLOWING_WORD_RE = re.compile(r"[ \t\u00a0]+([A-Za-z][A-Za-z’'-]*)")
_PLAIN_YEAR_RE = re.compile(_YEAR)
_PRECEDING_WORD_RE = re.compile(r"([A-Za-z]+)[ \t\u00a0]+$")
_LABEL_BEFORE_RE = re.compile(r"\b(?:[Nn]umber|No\.)\s*$")

_UNIT_WORDS = lexicon_words("unit_words")
_UNIT_ABBREVIATIONS = lexicon_words("unit_abbreviations")
_CURRENCY_WORDS = lexicon_words("currency_words")
_IRREGULAR_PLURALS = lexicon_words("irregular_plurals")
# Words that end a counted noun phrase without being its head.
_PHRASE_BREAKERS = lexicon_words("phrase_breakers")
_NOT_PLURAL = lexicon_words("not_plural")
_YEAR_PREPOSITIONS = lexicon_words("year_prepositions")


def figures_find(text: str, *, offset: int = 0) -> list[Figure]:
    """Figures in ``text``, in order, never overlapping; offsets are ``offset`` + index."""
    words = frozenset(_ALPHA_RE.findall(text.lower()))
    has_digit = _DIGIT_RE.search(text) is not None
    candidates = [
        c for c in _pattern_candidates(text, words, has_digit) if not _is_list_marker(text, c)
    ]
    if has_digit:
        candidates.extend(_slashed_candidates(text))
    if has_digit or not words.isdisjoint(_NUMBER_WORD_GATE):
        candidates.extend(_compound_candidates(text))
        candidates.extend(_counted_candidates(text))
    rank = {kind: index for index, kind in enumerate(FIGURE_KINDS)}
    candidates.sort(key=lambda c: (c[0] - c[1], rank[c[2]], c[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, kind in candidates:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, kind))
    taken.sort()
    return [Figure(text[s:e], offset + s, offset + e, kind) for s, e, kind in taken]


def _pattern_candidates(text: str, words: frozenset[str], has_digit: bool):
    for kind, gate, pattern in _FIGURE_PATTERNS:
        if not has_digit if gate is _DIGIT else gate.isdisjoint(words):
            continue
        for match in pattern.finditer(text):
            yield match.start(), match.end(), kind


def _is_list_marker(text: str, candidate: tuple[int, int, str]) -> bool:
    """ "First of all", or "Second," opening a sentence: discourse, not a figure."""
    start, end, kind = candidate
    if kind != "ordinal":
        return False
    if text.startswith(" of all", end):
        return True
    return not text[:start].strip(_OPENERS + " ") and text.startswith(",", end)


def _slashed_candidates(text: str):
    """ "1/4" is a fraction, "9/11" a month/day date; other slashes are left alone."""
    for match in _SLASHED_RE.finditer(text):
        top, bottom = int(match.group(1)), int(match.group(2))
        if 0 < top < bottom <= 10:
            yield match.start(), match.end(), "fraction"
        elif 1 <= top <= 12 and 1 <= bottom <= 31:
            yield match.start(), match.end(), "date"


def _compound_candidates(text: str):
    """ "28-point plan", "10-year plan", "45-year-old man": the compound and its noun."""
    for match in _COMPOUND_RE.finditer(text):
        suffix = match.group(1)
        if suffix in _NUMBER_WORDS or suffix in _ORDINAL_GATE or suffix in _FRACTION_GATE:
            continue  # "twenty-five", "twenty-first", "two-thirds": found by other patterns
        is_unit = suffix in _UNIT_WORDS
        if match.group().lower().startswith("one-") and not is_unit:
            continue  # "one-off", "one-sided"
        end = match.end()
        following = _FOLLOWING_WORD_RE.match(text, end)
        if following and following.group(1).lower() not in _PHRASE_BREAKERS:
            end = following.end()
        yield match.start(), end, "quantity" if is_unit else "count"


def _counted_candidates(text: str):
    """Numbers with the noun they count: count, quantity (unit) or money (currency)."""
    for match in _COUNT_START_RE.finditer(text):
        amount = match.group("amount")
        is_numeral = amount is not None and amount[0].isdigit()
        is_year = is_numeral and bool(_PLAIN_YEAR_RE.fullmatch(amount))
        if is_numeral and _LABEL_BEFORE_RE.search(text, max(0, match.start() - 8), match.start()):
            continue  # "No. 10", "number 2": a label, not a figure
        if is_year and _follows_year_preposition(text, match.start()):
            continue  # "in 2020 voters chose": a date
        head_end, kind, modifiers = _counted_head(text, match.end())
        if kind is None:
            bare = is_numeral and not is_year  # "25,000"; a year is left to the date pattern
            if bare:
                yield match.start(), match.end(), "count"
            continue
        if is_year and modifiers:
            continue  # a year, then an unrelated phrase ("2019 new elections were held")
        if amount is not None and amount.lower() in ("one", "a", "an") and kind == "count":
            continue  # "one card", "one page": not figures
        yield match.start(), head_end, kind


def _counted_head(text: str, position: int) -> tuple[int, str | None, int]:
    """Look up to four words ahead for the counted noun.

    Returns (end of the head noun, kind, number of modifiers skipped), or kind None when
    a function word, punctuation or the window end comes first.
    """
    for modifiers in range(4):
        following = _FOLLOWING_WORD_RE.match(text, position)
        if not following:
            break
        word = following.group(1)
        kind = _head_kind(word)
        if kind:
            return following.end(), kind, modifiers
        if word.lower() in _PHRASE_BREAKERS:
            break
        position = following.end()
    return position, None, 0


def _head_kind(word: str) -> str | None:
    if word in _UNIT_ABBREVIATIONS:
        return "quantity"
    lowered = word.lower()
    if lowered in _CURRENCY_WORDS:
        return "money"
    if lowered in _UNIT_WORDS:
        return "quantity"
    if lowered in _IRREGULAR_PLURALS:
        return "count"
    if (
        len(lowered) > 3
        and lowered.endswith("s")
        and not lowered.endswith(("ss", "us", "is", "’s", "'s"))
        and lowered not in _NOT_PLURAL
        and lowered not in _PHRASE_BREAKERS
    ):
        return "count"
    return None


def _follows_year_preposition(text: str, position: int) -> bool:
    match = _PRECEDING_WORD_RE.search(text, max(0, position - 20), position)
    return bool(match) and match.group(1).lower() in _YEAR_PREPOSITIONS


# ---------------------------------------------------------------------------------------
# Speakers
# ---------------------------------------------------------------------------------------

_SPEECH_VERB_ENTRIES = lexicon_entries("speech_verbs")
_SPEECH_VERBS = rf"(?:{words_pattern(_SPEECH_VERB_ENTRIES)})"
_SPEECH_ADVERBS = r"(?:(?:also|then|later|again|previously|further|has|had|have|had\s+also)\s+)*"
_NAME_PARTICLES = lexicon_words("name_particles")
_NAME_TOKEN = r"[A-Z][\w’'.-]*"
# At most eight words: names are short, and the bound keeps ALL-CAPS text from backtracking.
_NAME_RUN = (
    rf"{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|(?:{words_pattern(sorted(_NAME_PARTICLES))})\b)){{0,7}}"
)
# A quotation closing before its attribution: right after punctuation ('...,” he said'),
# or followed by a comma (British style, '...”, he said'). A bare ’ could be an apostrophe.
_CLOSING_QUOTE = r"(?:(?<=[,.!?…])[”\"’']|[”\"](?=,))"
_QUOTE_THEN_SUBJECT_RE = re.compile(
    rf"{_CLOSING_QUOTE}\s*,?\s*(?P<subject>[^”“\"]{{1,160}}?)\s+{_SPEECH_ADVERBS}{_SPEECH_VERBS}\b"
)
_QUOTE_THEN_VERB_RE = re.compile(
    rf"{_CLOSING_QUOTE}\s*,?\s*{_SPEECH_VERBS}\s+(?P<subject>{_NAME_RUN}|he|she)\b"
)
_NAME_THEN_VERB_RE = re.compile(rf"(?P<subject>{_NAME_RUN})\s+{_SPEECH_ADVERBS}{_SPEECH_VERBS}\b")
_PRONOUN_THEN_VERB_RE = re.compile(rf"\b(?:he|she)\s+{_SPEECH_ADVERBS}{_SPEECH_VERBS}\b")
_ACCORDING_TO_RE = re.compile(rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?P<subject>{_NAME_RUN})")

_TITLE_WORDS = lexicon_words("title_words")
# Capitalised words that start a sentence or name nobody.
_NOT_NAMES = lexicon_words("not_names")


def speaker_find(sentence: str, *, previous_speaker: str | None = None) -> str | None:
    """The person (or body) a sentence attributes its words to, or None.

    A pronoun subject ("he wrote on X") resolves to ``previous_speaker``.
    """
    for pattern in (_QUOTE_THEN_SUBJECT_RE, _QUOTE_THEN_VERB_RE):
        match = pattern.search(sentence)
        if match:
            name = _speaker_name(match.group("subject"), previous_speaker)
            if name:
                return name
    for match in _NAME_THEN_VERB_RE.finditer(sentence):
        name = _speaker_name(match.group("subject"), previous_speaker)
        if name:
            return name
    if _PRONOUN_THEN_VERB_RE.search(sentence):
        return previous_speaker
    match = _ACCORDING_TO_RE.search(sentence)
    if match:
        return _speaker_name(match.group("subject"), previous_speaker)
    return None


def _speaker_name(subject: str, previous_speaker: str | None) -> str | None:
    """ "Ukrainian President Volodymyr Zelenskyy" -> "Volodymyr Zelenskyy"; "Ursula von der
    Leyen, the president of ..." -> "Ursula von der Leyen"; "he" -> previous_speaker."""
    subject = subject.split(",")[0].strip()
    if subject.lower() in ("he", "she"):
        return previous_speaker
    tokens = subject.split()
    last_title = -1
    for index, token in enumerate(tokens):
        bare = token.strip(".,").lower()
        if token.endswith(("’s", "'s")) or any(p in _TITLE_WORDS for p in bare.split("-")):
            last_title = index  # "Germany’s Foreign Minister": everything up to here goes
    name: list[str] = []
    for token in tokens[last_title + 1 :]:
        if token[0].isupper() or (name and token in _NAME_PARTICLES):
            name.append(token)
        else:
            break
    while name and name[0].lower() in _NOT_NAMES:
        name.pop(0)
    while name and name[-1] in _NAME_PARTICLES:
        name.pop()
    return " ".join(name).rstrip(".") or None


# ---------------------------------------------------------------------------------------
# Check-worthiness
# ---------------------------------------------------------------------------------------

# Transparent weighted rules: every feature that fires adds its weight once, and the score
# is _BASE_SCORE plus the sum, clipped to [0, 1]. The features are generic cues of a
# verifiable assertion (figures, named actors, past events, records) against cues of
# something that cannot be checked (questions, opinions, promises, exhortations). Weights
# were set by hand and checked against ClaimBuster (debate transcripts) with the
# evaluate_checkworthiness command; no word list was mined from that data.
_BASE_SCORE = 0.15
_WEIGHTS: dict[str, float] = {
    # figures
    "money figure": 0.6,
    "percentage": 0.7,
    "count": 0.5,
    "quantity": 0.3,
    "date": 0.25,
    "fraction": 0.35,
    "ordinal": 0.1,
    # who did or said what
    "attributed quote": 0.15,
    "reported speech": 0.35,
    "named actor": 0.15,
    "concrete past action": 0.2,
    "past state": 0.1,
    "time reference": 0.25,
    "comparison": 0.25,
    "policy or statistics term": 0.2,
    # what cannot be checked
    "question": -0.3,
    "thanks": -0.5,
    "opinion": -0.25,
    "evaluative language": -0.2,
    "prediction": -0.15,
    "obligation": -0.25,
    "hypothetical": -0.15,
    "second person": -0.1,
    "short fragment": -0.35,
    "headline": -0.3,
}
_FIGURE_REASONS = {
    "money": "money figure",
    "percent": "percentage",
    "count": "count",
    "quantity": "quantity",
    "date": "date",
    "fraction": "fraction",
    "ordinal": "ordinal",
}

_APOS = "['’]"
# Past actions are recognised on the sentence's words: "-ed" forms, common irregular pasts
# and negated pasts ("didn't" gives "didn" + "t").
_IRREGULAR_PAST = lexicon_words("irregular_past")
# "-ed" words that are mostly adjectives ("a balanced budget", "used to") rather than past
# actions. "said"/"told" count as speech, "got" is mostly "have got" and "won" is mostly
# "won't", so none of them is an action here.
_NOT_PAST = lexicon_words("not_past")
_NEGATED_PAST_RE = re.compile(r"\b(?:did|has|had)\s+not\b")
_ATTRIBUTED_QUOTE_RE = re.compile(rf"{_CLOSING_QUOTE}\s*,?\s*[^”“\"]{{0,80}}?\b{_SPEECH_VERBS}\b")
_PROPER_NOUN_RE = re.compile(r"\b[A-Z][\w’'-]*[A-Za-z]")
_NOT_ACTORS = re.compile(r"I\b|OK\b|Okay\b")  # "I", "I’m", "OK"


# A speech verb's first word is enough to try the pattern ("pointed" for "pointed out").
_SPEECH_TRIGGERS = frozenset(verb.split()[0] for verb in _SPEECH_VERB_ENTRIES) | {"according"}

# (reason, trigger words, pattern): a rule fires when the sentence has one of its trigger
# words (lowercase, split at anything but a-z) and, if there is a pattern, the pattern
# matches the lowercased sentence. The trigger keeps most patterns from running at all.
# Triggers that mirror their pattern are written beside it, as one string; the lists that
# are the whole rule come from the lexicon.
_RULES: tuple[tuple[str, frozenset[str], re.Pattern[str] | None], ...] = tuple(
    (
        reason,
        trigger if isinstance(trigger, frozenset) else frozenset(trigger.split()),
        re.compile(pattern) if pattern else None,
    )
    for reason, trigger, pattern in (
        (
            "reported speech",
            _SPEECH_TRIGGERS,
            rf"\b{_SPEECH_VERBS}\s+(?:that\b|(?:he|she|it|they|we|i)\s)|\baccording\s+to\b",
        ),
        ("past state", "was were been", r"\b(?:was|were|had\s+been)\b"),
        ("time reference", "today yesterday currently recently ago", None),
        (
            "time reference",
            "far year month week",
            r"\bso\s+far\b|\b(?:this|last)\s+(?:year|month|week)\b",
        ),
        (
            "comparison",
            lexicon_words("comparison_words"),
            None,
        ),
        (
            "comparison",
            "than capita history time one",
            r"\b(?:more|less|fewer|higher|lower|bigger|smaller|larger|greater|faster|slower"
            r"|worse|better)\s+than\b|\bper\s+capita\b|\bin\s+history\b|\bfirst\s+time\b"
            r"|\bnumber\s+one\b",
        ),
        (
            "policy or statistics term",
            lexicon_words("policy_terms"),
            None,
        ),
        (
            "thanks",
            "thank thanks good hello hi welcome congratulations",
            rf"^\W*(?:thanks?\b|thank\s+you|(?:i|we)\s+(?:(?:would|{_APOS}d)\s+like\s+to\s+"
            r"|want\s+to\s+)?thank\b|good\s+(?:morning|afternoon|evening|night)\b|hello\b"
            r"|hi\b|welcome\b|congratulations\b)",
        ),
        (
            "opinion",
            """think believe feel hope guess suppose wish doubt opinion view judgment sure
            positive convinced confident certain optimistic proud glad happy worried know
            seems""",
            r"\b(?:i|we)\s+(?:really\s+|do\s+|still\s+|just\s+|strongly\s+)?(?:think|believe"
            r"|feel|hope|guess|suppose|wish|doubt)\b|\bin\s+my\s+(?:opinion|view|judgment)\b"
            rf"|\b(?:i{_APOS}m|i\s+am|we{_APOS}re|we\s+are)\s+(?:not\s+)?(?:sure|positive"
            r"|convinced|confident|certain|optimistic|proud|glad|happy|worried)\b"
            rf"|\bi\s+(?:don{_APOS}t|do\s+not)\s+know\b|\bit\s+seems\b",
        ),
        (
            "evaluative language",
            lexicon_words("evaluative_words"),
            None,
        ),
        ("prediction", "will shall gonna ll", None),
        (
            "prediction",
            "won going want wants plan plans intend intends hope hopes promise promises",
            rf"\bwon{_APOS}t\b|\bgoing\s+to\s+(?!be\s+\w+ed\b)\w"
            r"|\b(?:wants?|plans?|intends?|hopes?|promises?)\s+to\b",
        ),
        (
            "obligation",
            "should must ought need needs have has got let",
            rf"\b(?:should|must|ought\s+to|needs?\s+to|have\s+to|has\s+to|got\s+to|let{_APOS}s"
            r"|let\s+us)\b",
        ),
        ("hypothetical", "would could might", None),
        ("hypothetical", "d", rf"\b(?:i|we|you){_APOS}d\b"),
        ("second person", "you your", None),
    )
)
_WORD_RE = re.compile(r"[\w’'-]+")
_SENTENCE_END_RE = re.compile(r"[.!?…][”\"’'»)\]]*\s*$")


def checkworthiness_assess(text: str, *, figures: Sequence[Figure] | None = None) -> Assessment:
    """Score how worth checking a sentence is, with the reasons that fired.

    ``figures`` may be passed when already computed (their offsets do not matter here).
    """
    if figures is None:
        figures = figures_find(text)
    lowered = text.lower()
    words = frozenset(_ALPHA_RE.findall(lowered))
    reasons = _figure_reasons(figures) + _actor_reasons(text, lowered, words)
    for reason, trigger, pattern in _RULES:
        if reason in reasons or trigger.isdisjoint(words):
            continue
        if pattern is None or pattern.search(lowered):
            reasons.append(reason)
    reasons += _form_reasons(text, figures)
    if "attributed quote" in reasons and "reported speech" in reasons:
        reasons.remove("reported speech")  # one attribution, counted once
    score = _BASE_SCORE + sum(_WEIGHTS[reason] for reason in reasons)
    score = round(min(1.0, max(0.0, score)), 3)
    return Assessment(score, tuple(reasons), score >= CHECKABLE_THRESHOLD)


def _figure_reasons(figures: Sequence[Figure]) -> list[str]:
    kinds = {figure.kind for figure in figures}
    return [_FIGURE_REASONS[kind] for kind in FIGURE_KINDS if kind in kinds]


def _actor_reasons(text: str, lowered: str, words: frozenset[str]) -> list[str]:
    reasons = []
    if _ATTRIBUTED_QUOTE_RE.search(text):
        reasons.append("attributed quote")
    if _has_named_actor(text):
        reasons.append("named actor")
    if _has_past_action(lowered, words):
        reasons.append("concrete past action")
    return reasons


def _has_past_action(lowered: str, words: frozenset[str]) -> bool:
    if not words.isdisjoint(_IRREGULAR_PAST):
        return True
    for word in words:
        if len(word) <= 3 or not word.endswith("ed") or word in _NOT_PAST:
            continue
        # "so-called", "state-owned": hyphenated "-ed" words are adjectives
        if f" {word}" in lowered or f"-{word}" not in lowered:
            return True
    return "not" in words and _NEGATED_PAST_RE.search(lowered) is not None


def _has_named_actor(text: str) -> bool:
    """A capitalised word that is neither the first word of the sentence or of a
    quotation, nor "I"/"I'm"."""
    body = text.lstrip(_OPENERS + " ")
    for match in _PROPER_NOUN_RE.finditer(body):
        if match.start() == 0 or _NOT_ACTORS.match(match.group()):
            continue
        if body[match.start() - 1] in _OPENERS:
            continue
        return True
    return False


def _form_reasons(text: str, figures: Sequence[Figure]) -> list[str]:
    """Negative cues from the shape of the sentence: a question, a fragment, a headline."""
    reasons = []
    if text.rstrip().rstrip(_CLOSERS).endswith("?"):
        reasons.append("question")
    words = len(_WORD_RE.findall(text))
    if words < 5:
        reasons.append("short fragment")
    elif not _SENTENCE_END_RE.search(text) and words <= 12 and not figures:
        reasons.append("headline")
    return reasons


# ---------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------


def statements_detect(body: str) -> list[DetectedStatement]:
    """The checkable sentences of ``body``, in order, with figures and speakers."""
    sentences = sentences_split(body)
    speakers = _speakers_track(sentences)
    statements = []
    for order, sentence in enumerate(sentences):
        figures = figures_find(sentence.text, offset=sentence.start)
        assessment = checkworthiness_assess(sentence.text, figures=figures)
        if not assessment.is_checkable:
            continue
        statements.append(
            DetectedStatement(
                start=sentence.start,
                end=sentence.end,
                text=sentence.text,
                order=order,
                score=assessment.score,
                reasons=assessment.reasons,
                figures=tuple(figures),
                speaker=speakers[order],
            )
        )
    return statements


def _speakers_track(sentences: Sequence[Sentence]) -> list[str | None]:
    """Speaker of every sentence, following the article.

    Pronouns resolve to the last named speaker; a surname alone resolves to the full name
    seen before ("Zelenskyy" -> "Volodymyr Zelenskyy"). A sentence inside a quotation with
    no attribution of its own takes the attribution that closes the quotation later in the
    paragraph, or else the speaker in effect before it (a quote running on).
    """
    inside_quote = _quotation_states(sentences)
    found: list[str | None] = []
    before: list[str | None] = []
    previous: str | None = None
    full_names: list[str] = []
    for sentence in sentences:
        before.append(previous)
        speaker = speaker_find(sentence.text, previous_speaker=previous)
        if speaker:
            speaker = _full_name(speaker, full_names)
            previous = speaker
        found.append(speaker)
    speakers = list(found)
    for index, sentence in enumerate(sentences):
        if speakers[index] or not inside_quote[index]:
            continue
        if not _SENTENCE_END_RE.search(sentence.text):
            continue  # a quoted headline ("‘The coming week will be decisive’") stands alone
        speakers[index] = before[index]
        for later in range(index + 1, len(sentences)):
            if sentences[later].paragraph != sentence.paragraph or not inside_quote[later]:
                break
            if found[later]:
                speakers[index] = found[later]
                break
    return speakers


def _full_name(speaker: str, full_names: list[str]) -> str:
    if " " in speaker:
        full_names.append(speaker)
        return speaker
    for name in reversed(full_names):
        if name.endswith(" " + speaker):
            return name
    return speaker


_DOUBLE_QUOTE_RE = re.compile('[“”"]')


def _quotation_states(sentences: Sequence[Sentence]) -> list[bool]:
    """Whether each sentence starts inside (or with) a quotation of its paragraph."""
    states = []
    paragraph = -1
    is_open = False
    for sentence in sentences:
        if sentence.paragraph != paragraph:
            paragraph, is_open = sentence.paragraph, False
        states.append(is_open or sentence.text[0] in '“"‘')
        for char in _DOUBLE_QUOTE_RE.findall(sentence.text):
            is_open = (char == "“") if char != '"' else not is_open
    return states
