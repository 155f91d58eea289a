"""The CSV export: each published verdict's stored CSV line (derived from its document
when it is saved), one after the other, whatever the database."""

import csv
import io
import json

import pytest

from annotations.editorial.services import verdict_withdraw
from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import CSV_COLUMNS, claimreview_csv_row
from annotations.publishing.export import csv_export, ndjson_export
from tests.factories import EditorFactory, PublishedVerdictFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    settings.API_SYNC_LAG_SECONDS = 0


def _bytes(chunks) -> bytes:
    return b"".join(c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks)


def _verdicts_of_every_awkward_kind() -> None:
    PublishedVerdictFactory(
        statement=StatementFactory(speaker='Jane “JJ” O\'Neil, "the minister"'),
        explanation='Commas, "quotes",\nnew lines,\r\nCRLF, a lone \r, a tab\t, \\ and 😀.',
    )
    PublishedVerdictFactory(rating="misleading")
    withdrawn = PublishedVerdictFactory(rating="half_true")
    verdict_withdraw(statement_id=withdrawn.statement_id, user=EditorFactory(), reason="r")
    # A document with an empty claim and no citations at all: empty cells, not "".
    odd = PublishedVerdictFactory(rating="true")
    odd.document = {**odd.document, "claimReviewed": ""}
    odd.document.pop("citation", None)
    odd.save(update_fields=["document"])


def test_the_csv_and_ndjson_exports_have_one_line_per_verdict_in_the_same_order():
    _verdicts_of_every_awkward_kind()
    text = _bytes(csv_export()).decode("utf-8")
    ids = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    documents = [json.loads(line) for line in _bytes(ndjson_export()).decode().splitlines()]
    assert ids == [str(d["id"]) for d in documents]
    assert len(ids) == 4


def test_the_export_is_sent_in_chunks_of_many_lines_not_one_huge_write(settings):
    for _ in range(3):
        PublishedVerdictFactory()
    chunks = list(csv_export())
    assert chunks[0] == (",".join(CSV_COLUMNS) + "\n").encode()
    assert len(chunks) == 2  # the header, then the three rows together
    assert chunks[1].count(b"\n") == 3


def test_every_csv_row_reads_back_as_the_stored_document_says():
    _verdicts_of_every_awkward_kind()
    text = _bytes(csv_export()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == CSV_COLUMNS
    expected = [
        [str(value) for value in claimreview_csv_row(document=p.document)]
        for p in PublishedVerdict.objects.order_by("modified_at", "id")
    ]
    assert rows[1:] == expected
    assert text.endswith("\n") and not text.endswith("\r\n")
    awkward = next(r for r in rows[1:] if "😀" in r[CSV_COLUMNS.index("reviewBody")])
    assert "a lone \r, a tab\t" in awkward[CSV_COLUMNS.index("reviewBody")]
