"""Sentence splitting: every non-blank line is a paragraph, cut into sentences at the
stops that end one, and not at those that belong to an abbreviation ("Dr. Smith",
"No. 10", "U.S. President") or to an address ("example.com"); a glued stop ("not.That")
does split.

Offsets: every Sentence carries ``start``/``end`` offsets into the body it was computed
from, and ``body[start:end] == text`` always holds. Paragraphs: blank lines only separate,
they do not count, so ``paragraph`` is the index among the non-blank lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotations.nlp.lexicon import lexicon_words

__all__ = ["CLOSERS", "OPENERS", "SENTENCE_END_RE", "Sentence", "sentences_split"]


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


# Quotes and brackets around a sentence or a quotation: figures, speakers and
# check-worthiness look past them too.
OPENERS = "“\"‘'«([{"
CLOSERS = "”\"’'»)]}"
# Text that ends like a sentence (a stop, then any closing quotes or brackets); a line
# without one reads as a headline.
SENTENCE_END_RE = re.compile(r"[.!?…][”\"’'»)\]]*\s*$")

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
    """(end of sentence, start of the next one) pairs, as offsets into ``line``.

    No sentence ends inside a quotation: '“A. B,” Merz said.' is one sentence, so a
    statement never starts or ends mid-quote. A quotation split by attribution ('“A,” he
    said. “B.”') still gives two.
    """
    quotes = _quotations(line)
    return [
        (end, next_start)
        for end, next_start in _stop_boundaries(line)
        if not any(opened < end <= closed for opened, closed in quotes)
    ]


# Double quotes pair up; a single curly quote opens only after a space or an opener (so
# the apostrophe in "Ukraine’s" never does) and closes before a non-letter.
_QUOTATION_RE = re.compile(
    r"“[^“”]*”|«[^«»]*»|„[^„“”]*[“”]|\"[^\"]*\"|(?:(?<=[\s(\[])|^)‘[^‘]*?’(?![A-Za-z])"
)


def _quotations(line: str) -> list[tuple[int, int]]:
    """(opening, closing) quote-mark offsets of the line's closed quotations. A quotation
    left open at the end of the line (a quote running on to the next paragraph) does not
    count: it would swallow every sentence after it."""
    return [(m.start(), m.end() - 1) for m in _QUOTATION_RE.finditer(line)]


def _stop_boundaries(line: str) -> list[tuple[int, int]]:
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
    stops = match.group().rstrip(CLOSERS)
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
    return line[_token_start(line, position) : position].lstrip(OPENERS)


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
    return match is not None and match.group(1).lower() in _SENTENCE_OPENERS
