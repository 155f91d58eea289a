"""python manage.py evaluate_checkworthiness PATH — the rules and the model, side by side.

PATH is a JSON list of objects with "text" and "label" (1 = check-worthy, 0 = not); other
keys are ignored. Every text is judged twice, as the product judges a sentence: by the
rules (checkworthiness_assess, figures found by figures_find, as at ingestion) and by the
trained model at its shipped threshold (the tagging job's pass), the vetoes (questions,
exhortations) applying to both. Both are compared with the labels.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.nlp.statements import CHECKABLE_THRESHOLD, checkworthiness_assess
from annotations.nlp.statements.model import (
    ModelArtefactError,
    checkworthiness_model_get,
    checkworthiness_model_load,
    checkworthiness_scores,
)


@dataclass
class _Tally:
    """Confusion counts, per-reason hits and the misclassified examples."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    reason_hits: Counter = field(default_factory=Counter)
    reason_positives: Counter = field(default_factory=Counter)
    false_positives: list = field(default_factory=list)
    false_negatives: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class Command(BaseCommand):
    help = (
        "Evaluate the check-worthiness rules and the trained model on a labelled JSON list "
        "of {text, label} objects: prints the confusion counts, precision, recall and F1 "
        "for label 1 of each, side by side, and how often each reason fired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", type=Path)
        parser.add_argument(
            "--threshold",
            type=float,
            default=CHECKABLE_THRESHOLD,
            help=f"Rule score from which a sentence is checkable (default {CHECKABLE_THRESHOLD}).",
        )
        parser.add_argument(
            "--model-threshold",
            type=float,
            default=None,
            help="The model's threshold (default: the one shipped in its config.json).",
        )
        parser.add_argument(
            "--model-dir",
            type=Path,
            default=None,
            help="Evaluate the model artefact in this folder (default: the shipped one).",
        )
        parser.add_argument(
            "--rules-only", action="store_true", help="Leave the model out (no onnxruntime)."
        )
        parser.add_argument(
            "--show-errors",
            type=int,
            default=0,
            metavar="N",
            help="Print up to N false positives and N false negatives.",
        )

    def handle(
        self,
        *args,
        path: Path,
        threshold: float,
        model_threshold: float | None,
        model_dir: Path | None,
        rules_only: bool,
        show_errors: int,
        **opts,
    ) -> None:
        for name, value in (("--threshold", threshold), ("--model-threshold", model_threshold)):
            if value is not None and not 0.0 <= value <= 1.0:
                raise CommandError(f"{name} must be between 0 and 1; got {value}")
        if show_errors < 0:
            raise CommandError(f"--show-errors must be 0 or more; got {show_errors}")
        examples = _examples_load(path)
        assessments = [checkworthiness_assess(text) for text, _ in examples]
        tallies = {
            f"rules@{threshold:g}": _tally(
                examples,
                scores=[a.score for a in assessments],
                predicted=[a.score >= threshold and not a.veto for a in assessments],
                reasons=[a.reasons for a in assessments],
                keep_errors=show_errors,
            )
        }
        if not rules_only:
            try:
                model = (
                    checkworthiness_model_get()
                    if model_dir is None
                    else checkworthiness_model_load(directory=model_dir)
                )
            except ModelArtefactError as exc:
                raise CommandError(
                    f"the model cannot be loaded: {exc} (or use --rules-only)"
                ) from None
            cut = model.threshold if model_threshold is None else model_threshold
            scores = checkworthiness_scores(sentences=[text for text, _ in examples], model=model)
            tallies[f"model@{cut:.3g}"] = _tally(
                examples,
                scores=scores,
                predicted=[
                    s >= cut and not a.veto for s, a in zip(scores, assessments, strict=True)
                ],
                reasons=[a.reasons for a in assessments],
                keep_errors=show_errors,
            )
        self._report(tallies, len(examples))
        for name, tally in tallies.items() if show_errors else ():
            self._errors_print(f"False positives ({name})", tally.false_positives)
            self._errors_print(f"False negatives ({name})", tally.false_negatives)

    def _report(self, tallies: dict[str, "_Tally"], n: int) -> None:
        out = self.stdout.write
        first = next(iter(tallies.values()))
        out(f"n={n} positives={first.tp + first.fn}")
        out(f"{'':<10}" + "".join(f"{name:>16}" for name in tallies))
        for row in ("tp", "fp", "fn", "tn", "precision", "recall", "f1"):
            values = [getattr(t, row) for t in tallies.values()]
            cells = "".join(f"{v:>16.3f}" if isinstance(v, float) else f"{v:>16}" for v in values)
            out(f"{row.upper() if len(row) == 2 else row:<10}{cells}")
        out("Reasons (sentences where the reason fired, and the share labelled 1):")
        for reason, hits in first.reason_hits.most_common():
            share = first.reason_positives[reason] / hits
            out(f"  {reason:<28} {hits:>6}  {share:.2f}")

    def _errors_print(self, title: str, errors: list) -> None:
        self.stdout.write(f"{title}:")
        for score, reasons, text in errors:
            self.stdout.write(f"  {score:.2f} [{', '.join(reasons)}] {text}")


def _examples_load(path: Path) -> list[tuple[str, int]]:
    """Read and check the file; every problem is a one-line CommandError."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise CommandError(f"{path}: expected a JSON list, got {type(data).__name__}")
    if not data:
        raise CommandError(f"{path}: the list is empty")
    return [_example_check(path, index, item) for index, item in enumerate(data)]


def _example_check(path: Path, index: int, item: object) -> tuple[str, int]:
    where = f"{path}: item {index}"
    if not isinstance(item, dict):
        raise CommandError(f"{where} is not an object")
    if "text" not in item or "label" not in item:
        raise CommandError(f'{where} needs both "text" and "label"')
    text, label = item["text"], item["label"]
    if not isinstance(text, str):
        raise CommandError(f'{where}: "text" must be a string')
    # bool is an int subclass: true/false are accepted as 1/0.
    if not isinstance(label, int) or label not in (0, 1):
        raise CommandError(f'{where}: "label" must be 0 or 1, got {label!r}')
    return text, int(label)


def _tally(
    examples: list[tuple[str, int]],
    *,
    scores: list[float],
    predicted: list[bool],
    reasons: list[tuple[str, ...]],
    keep_errors: int,
) -> _Tally:
    tally = _Tally()
    for (text, label), score, is_checkable, fired in zip(
        examples, scores, predicted, reasons, strict=True
    ):
        for reason in set(fired):
            tally.reason_hits[reason] += 1
            tally.reason_positives[reason] += label
        error = (score, fired, text)
        if is_checkable and label:
            tally.tp += 1
        elif is_checkable:
            tally.fp += 1
            if len(tally.false_positives) < keep_errors:
                tally.false_positives.append(error)
        elif label:
            tally.fn += 1
            if len(tally.false_negatives) < keep_errors:
                tally.false_negatives.append(error)
        else:
            tally.tn += 1
    return tally
