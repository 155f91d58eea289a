"""Sentence embeddings for "checked before" claim matching, and how two claims compare.

The encoder is all-MiniLM-L6-v2 as int8 ONNX with its mean pooling and L2 normalisation
inside the graph (annotations/nlp/models/sentence-encoder/, see its MODEL_CARD.md; built by
training/export_sentence_encoder.py, no training). One unit vector of 384 floats per
sentence, so cosine similarity is a dot product. Each sentence is encoded alone, as the
check-worthiness model scores alone: dynamic int8 quantisation picks its scales per batch,
and a claim's vector must not depend on the sentences it was encoded with.

Embeddings match paraphrase, but two claims about different figures on the same topic
("unemployment fell to 3.9%" / "inflation rose to 3.9%" aside) often look alike to them:
``claims_compare`` lowers the score when both claims give figures and share none.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.nlp.statements.model import (
    artefact_config_read,
    artefact_file_checked,
    onnx_session_open,
)

if TYPE_CHECKING:
    import numpy as np
    from onnxruntime import InferenceSession
    from tokenizers import Tokenizer

__all__ = [
    "ENCODER_DIR",
    "FIGURE_CONFLICT_PENALTY",
    "ClaimComparison",
    "SentenceEncoder",
    "claim_vectors",
    "claim_windows",
    "claims_compare",
    "sentence_encoder_get",
    "sentence_encoder_load",
    "sentences_embed",
    "vectors_from_bytes",
    "vectors_to_bytes",
]

ENCODER_DIR = Path(__file__).resolve().parent / "models" / "sentence-encoder"
DIMENSIONS = 384
# Subtracted from the cosine when both claims state figures and none is shared; chosen
# with the threshold on bench/data/paraphrase_pairs.tsv (bench/bench_matching.py).
FIGURE_CONFLICT_PENALTY = 0.15


@dataclass(frozen=True)
class SentenceEncoder:
    session: InferenceSession
    tokenizer: Tokenizer
    threshold: float  # a match is shown at or above this score
    version: str  # the first 12 hex digits of model.onnx's sha256


def sentence_encoder_load(*, directory: Path = ENCODER_DIR, threads: int = 1) -> SentenceEncoder:
    """Load and verify the shipped encoder (sha256 of both files against config.json)."""
    from tokenizers import Tokenizer  # here: only processes that embed pay for it

    config = artefact_config_read(directory)
    model_path = artefact_file_checked(directory, "model.onnx", config["model_sha256"])
    tokenizer_path = artefact_file_checked(directory, "tokenizer.json", config["tokenizer_sha256"])
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=int(config["max_length"]))
    tokenizer.no_padding()
    return SentenceEncoder(
        session=onnx_session_open(model_path, threads=threads),
        tokenizer=tokenizer,
        threshold=float(config["threshold"]),
        version=config["model_sha256"][:12],
    )


# Words glued by a lost space ("billion inRussian sovereign assets") are split before
# encoding: the tokenizer makes nonsense of them (measured: cosine 0.47 against 0.61 for
# the same clause with the space). Only the encoder's input changes, never the text.
_GLUED = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")


@functools.cache
def sentence_encoder_get() -> SentenceEncoder:
    """The shipped encoder, loaded once per process."""
    return sentence_encoder_load()


def sentences_embed(texts: Sequence[str], *, encoder: SentenceEncoder | None = None) -> np.ndarray:
    """Unit vectors, one row of float32 per text, in input order."""
    import numpy as np

    encoder = encoder or sentence_encoder_get()
    rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    prepared = [_GLUED.sub(" ", text) for text in texts]
    for i, encoding in enumerate(encoder.tokenizer.encode_batch(prepared)):
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        (out,) = encoder.session.run(None, {"input_ids": ids, "attention_mask": mask})
        rows[i] = out[0]
    return rows


# A long sentence is also encoded in windows of words: a later article repeats one of its
# clauses ("Europe holds €210bn of frozen Russian money" against a 58-word sentence that
# mentions the €210 billion among other things), and one vector of the whole dilutes it.
LONG_WORDS = 16
WINDOW_WORDS = 12
WINDOW_STRIDE = 6
MAX_VECTORS = 10


def claim_windows(text: str) -> list[str]:
    """The texts a claim is encoded as: itself, then overlapping windows if it is long."""
    words = text.split()
    if len(words) <= LONG_WORDS:
        return [text]
    starts = range(0, len(words) - WINDOW_WORDS + WINDOW_STRIDE, WINDOW_STRIDE)
    windows = [" ".join(words[i : i + WINDOW_WORDS]) for i in starts]
    return [text, *windows][:MAX_VECTORS]


def claim_vectors(text: str, *, encoder: SentenceEncoder | None = None) -> np.ndarray:
    """The unit vectors of ``claim_windows(text)``, one row each."""
    return sentences_embed(claim_windows(text), encoder=encoder)


def vectors_to_bytes(vectors: np.ndarray) -> bytes:
    """Stored as little-endian float16: 768 bytes a vector (a cosine moves by < 0.001)."""
    import numpy as np

    return np.asarray(vectors, dtype="<f2").tobytes()


def vectors_from_bytes(data: bytes | memoryview) -> np.ndarray:
    import numpy as np

    return np.frombuffer(bytes(data), dtype="<f2").reshape(-1, DIMENSIONS)


# A number as a claim writes it: 210, 3.9, 3,400, 1.55 (thousands separators dropped).
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _figures(text: str) -> set[str]:
    """The numbers a claim states, years left out (a year is context, not the figure)."""
    found = set()
    for raw in _NUMBER.findall(text):
        number = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw
        number = number.replace(",", ".")
        if re.fullmatch(r"(19|20)\d\d", number):
            continue
        found.add(number)
    return found


@dataclass(frozen=True)
class ClaimComparison:
    score: float  # the cosine, lowered by FIGURE_CONFLICT_PENALTY on a figure conflict
    cosine: float
    shared_figures: tuple[str, ...]
    figures_conflict: bool


def claims_compare(*, cosine: float, text: str, other: str) -> ClaimComparison:
    """How alike two claims are, from their vectors' cosine and the figures they state."""
    mine, theirs = _figures(text), _figures(other)
    shared = tuple(sorted(mine & theirs))
    conflict = bool(mine and theirs and not shared)
    score = cosine - FIGURE_CONFLICT_PENALTY if conflict else cosine
    return ClaimComparison(
        score=round(score, 4),
        cosine=round(cosine, 4),
        shared_figures=shared,
        figures_conflict=conflict,
    )
