"""The desk's learned names as the tagger uses them (no database: annotations.tagging
reads the rows and keeps one LearnedPatterns per version of the list).

A reviewer who relabels or adds a mention teaches a name its label ("Rotterdam" is a
GPE); one who removes a mention teaches that the name, with that label, is not an entity.
Applied to every article tagged afterwards:

- an EntityRuler in front of the model marks each learned name where the article writes
  it exactly (token for token, case included: a learned "US" never matches "us"). The
  model's NER keeps entities already set on a doc and predicts around them, so the
  learned label and span win and everything else is still the model's;
- after the model, a mention whose alias key is a learned name takes the learned label
  (a case variant the ruler did not match, "ROTTERDAM"), and a mention with a rejected
  label and key is dropped (annotations.nlp.entities.spans).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.nlp.entities.names import NAME_LABELS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRuler

# The labels a correction teaches: names. A date or an amount is not learned ("Thursday"
# removed from one article says nothing about the next).
LEARNABLE_LABELS = NAME_LABELS
# On spans the ruler made: Span.ent_id_ is this prefix and the learned key.
RULER_ID_PREFIX = "learned:"


@dataclass(frozen=True)
class LearnedPattern:
    key: str  # entity_key of the name: what mentions are compared by
    name: str  # as the reviewer's mention wrote it, edges trimmed: the phrase the ruler matches
    label: str
    rejected: bool = False  # "not an entity": drop the model's mentions with this label


class LearnedPatterns:
    """One version of the desk's learned names: labels by key, rejections, the EntityRuler
    (built on first use for a pipeline, then kept with this object)."""

    def __init__(self, names: Iterable[LearnedPattern] = ()) -> None:
        names = list(names)
        self.names = tuple(names)
        self.labels: dict[str, str] = {n.key: n.label for n in names if not n.rejected}
        self.rejected: frozenset[tuple[str, str]] = frozenset(
            (n.label, n.key) for n in names if n.rejected
        )
        self._rulers: dict[int, EntityRuler] = {}

    def __bool__(self) -> bool:
        return bool(self.names)

    def ruler(self, nlp: Language) -> EntityRuler | None:
        """The EntityRuler of the learned labels for this pipeline (None if there are none)."""
        if not self.labels:
            return None
        ruler = self._rulers.get(id(nlp))
        if ruler is None:
            ruler = self._rulers[id(nlp)] = _ruler_build(nlp, self.names)
        return ruler


def _ruler_build(nlp: Language, names: Iterable[LearnedPattern]) -> EntityRuler:
    from spacy.pipeline import EntityRuler  # spaCy only where tagging runs

    # Not added to the pipeline: the cached pipeline stays the model's own, and each
    # version of the list gets a ruler of its own (annotations.nlp.entities.model).
    ruler = EntityRuler(nlp, name="learned_names", phrase_matcher_attr="ORTH")
    ruler.add_patterns(
        [
            {"label": n.label, "pattern": n.name, "id": f"{RULER_ID_PREFIX}{n.key}"}
            for n in names
            if not n.rejected and n.name.strip()
        ]
    )
    return ruler
