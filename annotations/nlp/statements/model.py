"""The trained check-worthiness model at run time: an int8 ONNX graph and its tokenizer.

The artefact lives in annotations/nlp/models/checkworthiness/ (see its MODEL_CARD.md; it
is built by ``make train``). config.json there records the sha256 of model.onnx and
tokenizer.json: the loader refuses files that do not match, so a truncated checkout or a
hand-edited model never scores silently. Only onnxruntime and tokenizers are needed (no
torch), and nothing is ever downloaded.

Each sentence is scored alone, so its score is a function of the sentence only. Dynamic
int8 quantisation picks its activation scales per batch (padding included): measured on
the 1,197 held-out sentences, batches of 32 moved 79 of them by more than 0.05 (one by
0.51) against scoring alone, so the same sentence in another article, or a re-run, could
have crossed the threshold. Alone is also no slower here: nothing is padded. Training
measures and picks its threshold the same way (training/train_checkworthiness.py).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Encoding, Tokenizer

__all__ = [
    "MODEL_DIR",
    "CheckworthinessModel",
    "ModelArtefactError",
    "SentenceScoring",
    "artefact_config_read",
    "artefact_file_checked",
    "checkworthiness_model_get",
    "checkworthiness_model_load",
    "checkworthiness_scores",
    "file_sha256",
    "onnx_session_open",
]

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "checkworthiness"


class ModelArtefactError(RuntimeError):
    """The model's files are missing, unreadable or not the ones config.json names."""


@dataclass(frozen=True)
class CheckworthinessModel:
    session: InferenceSession
    tokenizer: Tokenizer
    threshold: float
    version: str  # the first 12 hex digits of model.onnx's sha256


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks (training uses it too)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


ARTEFACT_KEYS = ("threshold", "max_length", "model_sha256", "tokenizer_sha256")


def artefact_config_read(directory: Path) -> dict[str, Any]:
    """A shipped model's config.json, with the keys every loader needs (the sentence
    encoder of annotations.nlp.encoder is checked the same way)."""
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelArtefactError(f"{directory}/config.json: {exc}") from exc
    for key in ARTEFACT_KEYS:
        if key not in config:
            raise ModelArtefactError(f"{directory}/config.json has no {key!r}")
    return config


def artefact_file_checked(directory: Path, name: str, expected: str) -> Path:
    """The path of a shipped file whose sha256 is the one config.json names."""
    path = directory / name
    if not path.is_file():
        raise ModelArtefactError(f"{path} is missing (run `make train`, or check out the file)")
    actual = file_sha256(path)
    if actual != expected:
        # A Git LFS pointer or a half-written file ends up here too.
        raise ModelArtefactError(
            f"{path}: sha256 {actual[:12]}… does not match config.json ({expected[:12]}…)"
        )
    return path


def checkworthiness_model_load(
    *, directory: Path = MODEL_DIR, threads: int = 1
) -> CheckworthinessModel:
    """Load and verify the artefact. One intra-op thread by default: a worker process
    scores one article at a time, and parallelism comes from running more workers."""
    from tokenizers import Tokenizer  # here, not at the top: only processes that score pay

    config = artefact_config_read(directory)
    model_path = artefact_file_checked(directory, "model.onnx", config["model_sha256"])
    tokenizer_path = artefact_file_checked(directory, "tokenizer.json", config["tokenizer_sha256"])

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=int(config["max_length"]))
    tokenizer.no_padding()  # one sentence at a time: padding would only move its score

    return CheckworthinessModel(
        session=onnx_session_open(model_path, threads=threads),
        tokenizer=tokenizer,
        threshold=float(config["threshold"]),
        version=config["model_sha256"][:12],
    )


def onnx_session_open(model_path: Path, *, threads: int) -> InferenceSession:
    """A CPU session on a verified model file, with ``threads`` intra-op threads."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelArtefactError(f"{model_path}: {exc}") from exc


@functools.cache
def checkworthiness_model_get() -> CheckworthinessModel:
    """The shipped model, loaded once per process (a worker child keeps it)."""
    return checkworthiness_model_load()


def checkworthiness_scores(
    *, sentences: Sequence[str], model: CheckworthinessModel | None = None
) -> list[float]:
    """The probability that each sentence is check-worthy, in input order."""
    scoring = SentenceScoring(sentences=sentences, model=model or checkworthiness_model_get())
    scoring.run()
    return scoring.scores()


class SentenceScoring:
    """The scores of some sentences, computed by whichever threads call ``run``.

    The tagging job starts ``run`` on a second thread beside spaCy, then calls it on its
    own thread once spaCy is done, so both cores finish the scoring together. Each
    sentence is scored alone, so which thread scores which moves no score. The
    tokenizing is done by the first ``run`` too, so that it happens on the second thread
    (the tokenizer releases the GIL), not on the one about to run spaCy.
    """

    def __init__(self, *, sentences: Sequence[str], model: CheckworthinessModel) -> None:
        self._model = model
        self._sentences = list(sentences)
        self._encodings: list[Encoding] | None = None
        self._encoding = threading.Lock()
        self._scores: list[float | None] = [None] * len(self._sentences)
        # next() on an itertools.count is one C call under the GIL: each index is handed
        # to exactly one thread, without a lock.
        self._claims = itertools.count()

    def _encoded(self) -> list[Encoding]:
        """The sentences' token ids: computed by the first thread in, waited for by any
        other."""
        with self._encoding:
            if self._encodings is None:
                self._encodings = self._model.tokenizer.encode_batch(self._sentences)
            return self._encodings

    def run(self) -> None:
        """Score sentences no other thread has taken, until none is left. onnxruntime
        allows concurrent runs of one session and releases the GIL while it computes."""
        import numpy as np

        session = self._model.session
        encodings = self._encoded()
        while (index := next(self._claims)) < len(encodings):
            encoding = encodings[index]
            ids = np.array([encoding.ids], dtype=np.int64)
            mask = np.array([encoding.attention_mask], dtype=np.int64)
            (out,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
            self._scores[index] = float(out[0])

    def scores(self) -> list[float]:
        """Every score, in input order, once every ``run`` has returned."""
        if None in self._scores:
            raise RuntimeError("scores() was called before every sentence was scored")
        return cast("list[float]", self._scores)
