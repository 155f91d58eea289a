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
  sentence no veto excludes and keeps those at or above its threshold. The rules'
  reasons stay on every statement as the explanation a reviewer reads. The tagging job
  runs the same pass in two steps (``sentences_assess``, then ``statements_decide``), so
  that it can score the sentences on two threads in between.
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
    "RulesPass",
    "Sentence",
    "checkworthiness_assess",
    "claimant_type",
    "figures_find",
    "sentences_assess",
    "sentences_split",
    "speaker_find",
    "statements_decide",
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


@dataclass(frozen=True)
class RulesPass:
    """What the rules find in a body, sentence by sentence: the part of statement
    detection that needs no model (a few milliseconds). ``candidates`` are the indexes of
    the sentences no veto excludes: the only ones the trained model needs to score."""

    sentences: list[Sentence]
    speakers: list[str | None]
    figures: list[list[Figure]]
    assessments: list[Assessment]

    @property
    def candidates(self) -> list[int]:
        return [i for i, a in enumerate(self.assessments) if a.veto is None]

    @property
    def candidate_texts(self) -> list[str]:
        return [self.sentences[i].text for i in self.candidates]


def sentences_assess(body: str) -> RulesPass:
    """The rules' pass over ``body``: sentences, speakers, figures and assessments."""
    sentences = sentences_split(body)
    figures = [figures_find(s.text, offset=s.start) for s in sentences]
    return RulesPass(
        sentences=sentences,
        speakers=speakers_track(sentences),
        figures=figures,
        assessments=[
            checkworthiness_assess(s.text, figures=f)
            for s, f in zip(sentences, figures, strict=True)
        ],
    )


def statements_detect(
    body: str, *, model: CheckworthinessModel | None = None
) -> list[DetectedStatement]:
    """The checkable sentences of ``body``, in order, with figures and speakers: by the
    rules alone, or with ``model`` by the trained model's score and threshold."""
    rules = sentences_assess(body)
    if model is None:
        return statements_decide(rules)
    from annotations.nlp.statements.model import checkworthiness_scores

    scores = checkworthiness_scores(sentences=rules.candidate_texts, model=model)
    return statements_decide(rules, model=model, scores=scores)


def statements_decide(
    rules: RulesPass,
    *,
    model: CheckworthinessModel | None = None,
    scores: Sequence[float] | None = None,
) -> list[DetectedStatement]:
    """The statements of a rules' pass: those the rules call checkable, or with ``model``
    the candidates whose ``scores`` (that model's, one per ``rules.candidates``, in order)
    reach its threshold. A vetoed sentence is never kept, so the model never scores it;
    each sentence is scored alone, so leaving some out moves no other score."""
    assessments = rules.assessments
    if model is None:
        final = [a.score for a in assessments]
        kept = [a.is_checkable for a in assessments]
    else:
        candidates = rules.candidates
        if scores is None or len(scores) != len(candidates):
            given = "no" if scores is None else len(scores)
            raise ValueError(f"{given} scores for {len(candidates)} candidate sentences")
        final = [0.0] * len(assessments)
        kept = [False] * len(assessments)
        for index, score in zip(candidates, scores, strict=True):
            final[index] = score
            kept[index] = score >= model.threshold
    return [
        DetectedStatement(
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            order=order,
            score=round(final[order], 3),
            reasons=assessments[order].reasons,
            figures=tuple(rules.figures[order]),
            speaker=rules.speakers[order],
            scored_by=SCORED_BY_RULES if model is None else SCORED_BY_MODEL,
        )
        for order, sentence in enumerate(rules.sentences)
        if kept[order]
    ]
