"""The CSV export: PostgreSQL's COPY of columns read off the stored documents in SQL, and
Python's csv module elsewhere, must write the same bytes for the same rows."""

import csv
import io

import pytest
from django.db import connection

from annotations.editorial.services import verdict_withdraw
from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import CSV_COLUMNS, claimreview_csv_row
from annotations.publishing.export import csv_export, csv_export_python
from annotations.publishing.selectors import export_rows
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
    document = {**odd.document, "claimReviewed": ""}
    document.pop("citation", None)
    PublishedVerdict.objects.filter(pk=odd.pk).update(document=document)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_copy_csv_is_byte_for_byte_what_python_writes_for_the_same_rows():
    _verdicts_of_every_awkward_kind()
    copied = _bytes(csv_export())
    written = _bytes(csv_export_python(rows=export_rows()))
    assert copied == written
    assert copied.count(b"\n") > 4  # not two empty exports


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
