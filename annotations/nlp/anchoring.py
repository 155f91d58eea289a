"""Re-anchoring: where a quote from one revision of a text stands in the next.

As Hypothesis re-anchors annotations on a changed page: first the exact quote (of several
occurrences, the one whose context, CONTEXT characters either side, and relative position
agree best); failing that, when the quote is a sentence whose wording moved, the most
similar unclaimed sentence of the new text, scored by rapidfuzz on the quote (at least
FUZZY_MIN) and a little on its context. Nothing found: the quote is orphaned (None).

Each span of the new text anchors at most one quote, so two statements never land on one
sentence. Pure functions of the two texts: no database, no model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

CONTEXT = 32
# Below this similarity (0-100, rapidfuzz's normalised Indel ratio) a sentence is another
# sentence, not a re-wording: measured on the revision tests' edits, a changed figure or
# an inserted clause scores 85-97, a neighbouring sentence of the same article under 60.
FUZZY_MIN = 75.0
# How much the context weighs against the quote when ranking candidates.
CONTEXT_WEIGHT = 0.15


@dataclass(frozen=True)
class Quote:
    """A span of the old text with its surroundings (a TextQuoteSelector, in W3C terms)."""

    text: str
    prefix: str
    suffix: str
    position: float  # where it started, as a fraction of the old text's length


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: bool
    score: float  # 100 for an exact quote; the similarity of the new wording otherwise


def quote_at(*, body: str, start: int, end: int) -> Quote:
    return Quote(
        text=body[start:end],
        prefix=body[max(0, start - CONTEXT) : start],
        suffix=body[end : end + CONTEXT],
        position=start / max(1, len(body)),
    )


def anchors_find(
    *, quotes: Sequence[Quote], body: str, sentences: Sequence[tuple[int, int]] = ()
) -> list[Anchor | None]:
    """Where each quote stands in ``body`` (None: not found), in the quotes' order.

    ``sentences`` are the new text's sentence spans, the candidates for a quote whose
    wording changed; without them only exact quotes are found (entity names, say).
    """
    anchors: list[Anchor | None] = [None] * len(quotes)
    claimed: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < c_end and c_start < end for c_start, c_end in claimed)

    for index, quote in enumerate(quotes):
        found = _exact_best(quote=quote, body=body, free=free)
        if found is not None:
            anchors[index] = Anchor(start=found, end=found + len(quote.text), exact=True, score=100)
            claimed.append((found, found + len(quote.text)))

    # Every (quote, sentence) pair above the bar, best first, taken greedily.
    pairs = []
    for index, quote in enumerate(quotes):
        if anchors[index] is not None:
            continue
        for start, end in sentences:
            similarity = fuzz.ratio(quote.text, body[start:end])
            if similarity >= FUZZY_MIN:
                rank = similarity + CONTEXT_WEIGHT * _context_similarity(quote, body, start, end)
                pairs.append((rank, similarity, index, start, end))
    for _rank, similarity, index, start, end in sorted(pairs, reverse=True):
        if anchors[index] is None and free(start, end):
            anchors[index] = Anchor(start=start, end=end, exact=False, score=round(similarity, 1))
            claimed.append((start, end))
    return anchors


def _exact_best(*, quote: Quote, body: str, free) -> int | None:
    if not quote.text:
        return None
    best, best_rank = None, -1.0
    at = body.find(quote.text)
    while at != -1:
        end = at + len(quote.text)
        if free(at, end):
            # Context first; among equal contexts the occurrence nearest the old position.
            distance = abs(at / max(1, len(body)) - quote.position)
            rank = _context_similarity(quote, body, at, end) - distance
            if rank > best_rank:
                best, best_rank = at, rank
        at = body.find(quote.text, at + 1)
    return best


def _context_similarity(quote: Quote, body: str, start: int, end: int) -> float:
    prefix = body[max(0, start - CONTEXT) : start]
    suffix = body[end : end + CONTEXT]
    return (fuzz.ratio(quote.prefix, prefix) + fuzz.ratio(quote.suffix, suffix)) / 2
