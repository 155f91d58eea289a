"""The evaluate_checkworthiness management command (no database needed): the rules and
the shipped model side by side."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

# Made-up sentences: two verifiable claims, one pleasantry and one claim phrased as a
# question (labelled 1, so the rules miss it: a false negative).
EXAMPLES = [
    {"text": "The city council spent €3 billion on new roads in 2023.", "label": 1, "id": 1},
    {"text": "Unemployment in the region fell to 4.2% last year.", "label": 1, "id": 2},
    {"text": "Thank you all so much for coming tonight!", "label": 0, "id": 3},
    {"text": "Did the council approve the budget?", "label": 1, "id": 4},
]


def _write(tmp_path, data, name="labelled.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _run(*args) -> str:
    out = StringIO()
    call_command("evaluate_checkworthiness", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def _column(output: str, which: int = 0) -> dict[str, str]:
    """Row name → the value in column ``which`` (0: rules, 1: model) of the table."""
    rows = {}
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] in {"TP", "FP", "FN", "TN", "precision", "recall", "F1"}:
            rows[cells[0]] = cells[1 + which]
    return rows


def test_prints_counts_precision_recall_and_f1_for_the_rules(tmp_path):
    output = _run(_write(tmp_path, EXAMPLES), "--rules-only")
    assert "n=4 positives=3" in output
    assert "rules@0.5" in output and "model@" not in output
    assert _column(output) == {
        "TP": "2", "FP": "0", "FN": "1", "TN": "1",
        "precision": "1.000", "recall": "0.667", "F1": "0.800",
    }  # fmt: skip


def test_prints_the_model_beside_the_rules_at_its_shipped_threshold(tmp_path):
    from annotations.nlp.statements.model import checkworthiness_model_get

    output = _run(_write(tmp_path, EXAMPLES))
    header = next(line for line in output.splitlines() if "rules@" in line)
    assert header.split() == ["rules@0.5", f"model@{checkworthiness_model_get().threshold:.3g}"]
    model = _column(output, 1)
    # Four sentences, each counted once; the question is vetoed, so the model misses it too.
    assert sum(int(model[k]) for k in ("TP", "FP", "FN", "TN")) == 4
    assert int(model["FN"]) >= 1


def test_a_model_threshold_of_zero_keeps_all_but_the_vetoed_question_and_exclamation(tmp_path):
    model = _column(_run(_write(tmp_path, EXAMPLES), "--model-threshold", "0"), 1)
    assert (model["TP"], model["FP"], model["FN"], model["TN"]) == ("2", "0", "1", "1")


def test_prints_how_often_each_reason_fired_and_its_share_of_positives(tmp_path):
    output = _run(_write(tmp_path, EXAMPLES))
    assert re.search(r"^\s+money figure\s+1\s+1\.00$", output, re.MULTILINE)
    assert re.search(r"^\s+thanks\s+1\s+0\.00$", output, re.MULTILINE)


def test_threshold_zero_makes_every_sentence_checkable_but_questions_and_exclamations(tmp_path):
    # "Thank you all so much for coming tonight!" is an exclamation: vetoed at any score.
    output = _run(_write(tmp_path, EXAMPLES), "--threshold", "0", "--rules-only")
    assert _column(output) == {
        "TP": "2", "FP": "0", "FN": "1", "TN": "1",
        "precision": "1.000", "recall": "0.667", "F1": "0.800",
    }  # fmt: skip


def test_show_errors_lists_the_misclassified_sentences(tmp_path):
    output = _run(_write(tmp_path, EXAMPLES), "--show-errors", "5", "--rules-only")
    false_negatives = output.split("False negatives (rules@0.5):")[1]
    assert "Did the council approve the budget?" in false_negatives
    assert "question" in false_negatives


def test_labels_may_be_booleans_and_extra_keys_are_ignored(tmp_path):
    examples = [{"text": e["text"], "label": bool(e["label"]), "x": None} for e in EXAMPLES]
    output = _run(_write(tmp_path, examples), "--rules-only")
    assert _column(output)["TP"] == "2" and _column(output)["FN"] == "1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"text": "a", "label": 1}, "expected a JSON list, got dict"),
        ([], "the list is empty"),
        (["just a string"], "item 0 is not an object"),
        ([{"text": "Only text."}], 'item 0 needs both "text" and "label"'),
        ([{"label": 1}], 'item 0 needs both "text" and "label"'),
        ([EXAMPLES[0], {"text": "Bad label.", "label": 2}], 'item 1: "label" must be 0 or 1'),
        ([{"text": 42, "label": 0}], 'item 0: "text" must be a string'),
    ],
)
def test_bad_input_raises_a_one_line_command_error(tmp_path, content, message):
    path = _write(tmp_path, content)
    with pytest.raises(CommandError, match=message) as excinfo:
        _run(path)
    assert "\n" not in str(excinfo.value)


def test_missing_file_raises_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run(tmp_path / "missing.json")


def test_file_that_is_not_utf8_raises_a_command_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"text": "caf\xe9", "label": 0}]'.encode("latin-1"))
    with pytest.raises(CommandError, match="cannot read"):
        _run(path)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--threshold", "1.5"), ("--model-threshold", "-0.1"), ("--show-errors", "-1")],
)
def test_out_of_range_options_raise_a_command_error(tmp_path, option, value):
    with pytest.raises(CommandError, match=option):
        _run(_write(tmp_path, EXAMPLES), option, value)


def test_a_model_that_does_not_match_its_hash_is_a_one_line_error(tmp_path):
    import shutil

    from annotations.nlp.statements.model import MODEL_DIR

    broken = tmp_path / "model"
    shutil.copytree(MODEL_DIR, broken)
    with (broken / "model.onnx").open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01")
    with pytest.raises(CommandError, match=r"does not match config\.json") as excinfo:
        _run(_write(tmp_path, EXAMPLES), "--model-dir", broken)
    assert "\n" not in str(excinfo.value)
