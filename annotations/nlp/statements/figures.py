"""Figures in a sentence: money, percentages, counts, quantities, dates, ordinals and
fractions, each with its offsets (``text[start:end]`` is the figure, plus ``offset``).

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
from dataclasses import dataclass

from annotations.nlp.lexicon import lexicon_entries, lexicon_words, words_pattern
from annotations.nlp.statements.sentences import OPENERS

__all__ = ["FIGURE_KINDS", "Figure", "figures_find"]

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


@dataclass(frozen=True)
class Figure:
    text: str
    start: int
    end: int
    kind: str


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
_FRACTION_SINGULAR = words_pattern(
    word for word in lexicon_entries("fraction_words") if not word.endswith("s") and word != "half"
)
# Python's look-behind needs a fixed width: one per hedge word.
_FRACTION_HEDGED = "(?:{})".format(
    "|".join(
        f"(?<=\\b{word} )"
        for word in ("almost", "nearly", "about", "roughly", "around", "some", "over", "by")
    )
)
# What may follow "a third" for it to be a share rather than a rank: "of", a preposition or
# conjunction, or the end of the clause.
_FRACTION_FOLLOWS = (
    r"\s+(?:of|in|on|from|since|over|to|than|between|last|this|and|or|compared)\b"
    r"|\s*[.,;:!?)”\"’]|\s*$"
)

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
            # "a third of", "fell by almost a fifth", "cut by a quarter.": a fraction when
            # "of" or no noun follows, or after a hedge; "a third term" stays an ordinal.
            "fraction",
            _FRACTION_GATE,
            rf"(?:{_FRACTION_HEDGED}\b(?i:a)\s+(?i:{_FRACTION_SINGULAR})\b"
            rf"|\b(?i:a)\s+(?i:{_FRACTION_SINGULAR})(?={_FRACTION_FOLLOWS}))",
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
        if not has_digit if isinstance(gate, str) else gate.isdisjoint(words):
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
    return not text[:start].strip(OPENERS + " ") and text.startswith(",", end)


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
    return match is not None and match.group(1).lower() in _YEAR_PREPOSITIONS
