import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from annotations.models import Article, Statement

SAMPLE_PATH = Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt"

pytestmark = pytest.mark.django_db


def run_ingest(*args: str) -> list[dict]:
    out = StringIO()
    call_command("ingest", *args, "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_json_output_has_one_object_per_article_with_statements_and_figures(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Headline\nThe minister said 12% of the 300 schools closed in 2024.\n")
    first, second = run_ingest(str(SAMPLE_PATH), str(other), "--publisher", "Desk")
    assert {"id", "title", "sha256", "statements", "tagging"} <= first.keys()
    assert first["tagging"]["state"] in {"queued", "running", "succeeded"}
    money = [f for s in first["statements"] for f in s["figures"] if f["text"] == "€210 billion"]
    assert money and money[0]["kind"] == "money"
    statement = first["statements"][0]
    assert {"id", "start", "end", "text", "score", "reasons", "figures", "speaker"} <= set(
        statement
    )
    assert any(f["kind"] == "percent" for s in second["statements"] for f in s["figures"])
    assert Article.objects.filter(publisher="Desk").count() == 2


@pytest.mark.django_db(transaction=True)  # tagging is queued on commit
def test_wait_prints_the_tagged_entities_with_their_canonical_names():
    (article,) = run_ingest(str(SAMPLE_PATH), "--wait", "--timeout", "20")
    assert article["tagging"]["state"] == "succeeded"
    # The final set: the model's pass has confirmed or dropped every provisional statement.
    assert article["statements"]
    assert {s["scored_by"] for s in article["statements"]} == {"model"}
    names = {e["entity"] for e in article["entities"] if e["label"] == "PERSON"}
    assert "Volodymyr Zelenskyy" in names
    body = Article.objects.get(pk=article["id"]).body
    for e in article["entities"]:
        assert body[e["start"] : e["end"]] == e["text"]


def test_re_ingesting_a_file_returns_the_same_article(tmp_path):
    (first,) = run_ingest(str(SAMPLE_PATH))
    (again,) = run_ingest(str(SAMPLE_PATH), "--title", "Another title")
    assert again["id"] == first["id"]
    assert Article.objects.count() == 1


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 prices rose 12% in 2024.".encode("latin-1"))
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    huge = tmp_path / "huge.txt"
    huge.write_text("word " * (settings.ARTICLE_MAX_CHARS // 5 + 10))
    return {
        "missing": (tmp_path / "nope.txt", "no such file"),
        "empty": (empty, "empty"),
        "not utf-8": (latin1, "not valid UTF-8"),
        "binary": (binary, "binary"),
        "too large": (huge, "longer than"),
        "directory": (tmp_path, "directory"),
    }


@pytest.mark.parametrize(
    "case", ["missing", "empty", "not utf-8", "binary", "too large", "directory"]
)
def test_bad_input_is_a_one_line_error_naming_the_file_and_nothing_is_stored(tmp_path, case):
    path, message = _bad_files(tmp_path)[case]
    with pytest.raises(CommandError, match=message) as error:
        # The good sample comes first: it must not be stored either.
        call_command("ingest", str(SAMPLE_PATH), str(path), stdout=StringIO())
    assert "\n" not in str(error.value)
    assert str(path) in str(error.value)
    assert Article.objects.count() == 0
    assert Statement.objects.count() == 0


def test_title_with_several_files_is_refused():
    with pytest.raises(CommandError, match="single PATH"):
        call_command("ingest", str(SAMPLE_PATH), str(SAMPLE_PATH), "--title", "T")


def test_source_url_must_be_http_or_https():
    with pytest.raises(CommandError, match="not an http"):
        call_command("ingest", str(SAMPLE_PATH), "--source-url", "javascript:alert(1)")


def test_the_command_line_exits_non_zero_with_the_error_on_one_stderr_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", str(tmp_path / "missing.txt")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'missing.txt'}: no such file"
    ]


def test_json_output_lists_the_published_verdicts_each_statement_resembles(tmp_path):
    from tests.factories import PublishedVerdictFactory

    (sample,) = run_ingest(str(SAMPLE_PATH))
    money = next(s for s in sample["statements"] if "€210 billion" in s["text"])
    published = PublishedVerdictFactory(
        statement=Statement.objects.get(pk=money["id"]), rating="half_true"
    )
    assert money["matches"] == []  # nothing was published when it was ingested

    later = tmp_path / "later.txt"
    later.write_text("Frozen assets\nEurope holds €210bn of frozen Russian central bank money.\n")
    (article,) = run_ingest(str(later))
    (statement,) = article["statements"]
    (match,) = statement["matches"]
    assert (match["claimreview"], match["rating"]) == (published.pk, "half_true")
    assert 0.6 <= match["score"] <= 1.0
    # Re-printing the sample: its own verdict is never a match of itself.
    (again,) = run_ingest(str(SAMPLE_PATH))
    assert next(s for s in again["statements"] if s["id"] == money["id"])["matches"] == []


@pytest.mark.parametrize("value", ["-5", "0", "soon", "inf"])
def test_a_wait_timeout_that_is_no_positive_number_of_seconds_is_refused(value):
    with pytest.raises(CommandError, match="--timeout"):
        call_command("ingest", str(SAMPLE_PATH), "--wait", "--timeout", value)
    assert not Article.objects.exists()
