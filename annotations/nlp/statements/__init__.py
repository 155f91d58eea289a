"""Checkable statements: sentence splitting, figures, check-worthiness and speakers.

Runs synchronously at ingestion, so everything here is plain Python over precompiled
regular expressions (a few milliseconds for a typical article). No spaCy model is loaded:
entity tagging is a separate, slower step.

Offsets: every Sentence, Figure and DetectedStatement carries ``start``/``end`` offsets
into the string it was computed from, and ``body[start:end] == text`` always holds.

The steps, one module each: ``sentences`` (splitting), ``figures`` (money, counts,
dates...), ``checkworthiness`` (a score with reasons) and ``speakers`` (who said it); the
word lists they use are data files, in annotations.nlp.lexicon. This module puts them
together (``statements_detect``) and re-exports their public API, so callers import from
``annotations.nlp.statements`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.nlp.statements.checkworthiness import (
    CHECKABLE_THRESHOLD,
    Assessment,
    checkworthiness_assess,
)
from annotations.nlp.statements.figures import FIGURE_KINDS, Figure, figures_find
from annotations.nlp.statements.sentences import Sentence, sentences_split
from annotations.nlp.statements.speakers import speaker_find, speakers_track

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


def statements_detect(body: str) -> list[DetectedStatement]:
    """The checkable sentences of ``body``, in order, with figures and speakers."""
    sentences = sentences_split(body)
    speakers = speakers_track(sentences)
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
