"""python manage.py evaluate_checkworthiness PATH — measure the check-worthiness rules.

PATH is a JSON list of objects with "text" and "label" (1 = check-worthy, 0 = not); other
keys are ignored. Every text goes through checkworthiness_assess (figures found by
figures_find, as at ingestion) and the verdicts are compared with the labels.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.nlp.statements import CHECKABLE_THRESHOLD, checkworthiness_assess


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
        "Evaluate the check-worthiness rules on a labelled JSON list of {text, label} "
        "objects: prints the confusion counts, precision, recall and F1 for label 1, and "
        "how often each reason fired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", type=Path)
        parser.add_argument(
            "--threshold",
            type=float,
            default=CHECKABLE_THRESHOLD,
            help=f"Score from which a sentence is checkable (default {CHECKABLE_THRESHOLD}).",
        )
        parser.add_argument(
            "--show-errors",
            type=int,
            default=0,
            metavar="N",
            help="Print up to N false positives and N false negatives.",
        )

    def handle(self, *args, path: Path, threshold: float, show_errors: int, **opts) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise CommandError(f"--threshold must be between 0 and 1; got {threshold}")
        if show_errors < 0:
            raise CommandError(f"--show-errors must be 0 or more; got {show_errors}")
        examples = _examples_load(path)
        tally = _evaluate(examples, threshold, keep_errors=show_errors)
        self._report(tally, len(examples), threshold)
        if show_errors:
            self._errors_print("False positives", tally.false_positives)
            self._errors_print("False negatives", tally.false_negatives)

    def _report(self, tally: _Tally, n: int, threshold: float) -> None:
        out = self.stdout.write
        out(f"n={n} positives={tally.tp + tally.fn} threshold={threshold:g}")
        out(f"TP={tally.tp} FP={tally.fp} FN={tally.fn} TN={tally.tn}")
        out(f"precision={tally.precision:.3f} recall={tally.recall:.3f} F1={tally.f1:.3f}")
        out("Reasons (sentences where the reason fired, and the share labelled 1):")
        for reason, hits in tally.reason_hits.most_common():
            share = tally.reason_positives[reason] / hits
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


def _evaluate(examples: list[tuple[str, int]], threshold: float, *, keep_errors: int) -> _Tally:
    tally = _Tally()
    for text, label in examples:
        assessment = checkworthiness_assess(text)
        predicted = assessment.score >= threshold
        for reason in set(assessment.reasons):
            tally.reason_hits[reason] += 1
            tally.reason_positives[reason] += label
        error = (assessment.score, assessment.reasons, text)
        if predicted and label:
            tally.tp += 1
        elif predicted:
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
