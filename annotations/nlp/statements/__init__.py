"""Checkable statements: sentence splitting, figures, check-worthiness and speakers.

Runs synchronously at ingestion, so everything here is plain Python over precompiled
regular expressions (a few milliseconds for a typical article). No spaCy model is loaded:
entity tagging is a separate, slower step.

Offsets: every Sentence, Figure and DetectedStatement carries ``start``/``end`` offsets
into the string it was computed from, and ``body[start:end] == text`` always holds.

The steps, one module each: ``sentences`` (splitting), ``figures`` (money, counts,
dates...), ``checkworthiness`` (a rule score with reasons, and the vetoes: questions and
exhortations are never statements) and ``speakers`` (who said it); the word lists they use
are data files, in annotations.nlp.lexicon. This module puts them together and re-exports
their public API, so callers import from ``annotations.nlp.statements`` alone.

Two passes decide which sentences are statements:

- ``statements_detect(body)``, the rules alone, at ingestion: provisional statements,
  visible at once;
- ``statements_detect(body, model=...)``, in the tagging job: the trained model
  (``statements.model``, an ONNX graph, tens of milliseconds per article) scores every
  sentence and keeps those at or above its threshold, vetoes still applying. The rules'
  reasons stay on every statement as the explanation a reviewer reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.nlp.statements.checkworthiness import (
    CHECKABLE_THRESHOLD,
    Assessment,
    checkworthiness_assess,
)
from annotations.nlp.statements.figures import FIGURE_KINDS, Figure, figures_find
from annotations.nlp.statements.sentences import Sentence, sentences_split
from annotations.nlp.statements.speakers import claimant_type, speaker_find, speakers_track

if TYPE_CHECKING:
    from annotations.nlp.statements.model import CheckworthinessModel

__all__ = [
    "CHECKABLE_THRESHOLD",
    "FIGURE_KINDS",
    "SCORED_BY_MODEL",
    "SCORED_BY_RULES",
    "Assessment",
    "DetectedStatement",
    "Figure",
    "Sentence",
    "checkworthiness_assess",
    "claimant_type",
    "figures_find",
    "sentences_score",
    "sentences_split",
    "speaker_find",
    "statements_detect",
]


SCORED_BY_RULES = "rules"
SCORED_BY_MODEL = "model"


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
    scored_by: str = SCORED_BY_RULES  # which pass decided: SCORED_BY_RULES or SCORED_BY_MODEL


def sentences_score(body: str, *, model: CheckworthinessModel) -> list[float]:
    """The model's score of every sentence of ``body`` (vetoed ones too), in order: what
    ``statements_detect(body, model=model, scores=...)`` takes. Tokenizer and onnxruntime
    do nearly all of it outside the GIL, so it runs well beside spaCy on another thread."""
    return _scores(sentences=[s.text for s in sentences_split(body)], model=model)


def _scores(*, sentences: Sequence[str], model: CheckworthinessModel) -> list[float]:
    from annotations.nlp.statements.model import checkworthiness_scores

    return checkworthiness_scores(sentences=sentences, model=model)


def statements_detect(
    body: str,
    *,
    model: CheckworthinessModel | None = None,
    scores: Sequence[float] | None = None,
) -> list[DetectedStatement]:
    """The checkable sentences of ``body``, in order, with figures and speakers: by the
    rules alone, or with ``model`` by the trained model's score and threshold.

    ``scores``, with ``model``: that model's scores of every sentence, from
    ``sentences_score`` (the tagging job computes them on a second thread while spaCy runs).
    """
    sentences = sentences_split(body)
    speakers = speakers_track(sentences)
    figures = [figures_find(s.text, offset=s.start) for s in sentences]
    assessments = [
        checkworthiness_assess(s.text, figures=f) for s, f in zip(sentences, figures, strict=True)
    ]
    if model is None:
        scores = [a.score for a in assessments]
        kept = [a.is_checkable for a in assessments]
    else:
        if scores is None:
            # A vetoed sentence is never kept, so the model (the slow part) never sees it;
            # each sentence is scored alone, so skipping some moves no other score.
            scores = [0.0] * len(sentences)
            candidates = [i for i, a in enumerate(assessments) if a.veto is None]
            scored = _scores(sentences=[sentences[i].text for i in candidates], model=model)
            for index, score in zip(candidates, scored, strict=True):
                scores[index] = score
        elif len(scores) != len(sentences):
            raise ValueError(f"{len(scores)} scores for {len(sentences)} sentences")
        kept = [
            a.veto is None and score >= model.threshold
            for score, a in zip(scores, assessments, strict=True)
        ]
    return [
        DetectedStatement(
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            order=order,
            score=round(scores[order], 3),
            reasons=assessments[order].reasons,
            figures=tuple(figures[order]),
            speaker=speakers[order],
            scored_by=SCORED_BY_RULES if model is None else SCORED_BY_MODEL,
        )
        for order, sentence in enumerate(sentences)
        if kept[order]
    ]
