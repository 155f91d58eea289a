"""Bulk exports of published verdicts, streamed with memory that does not grow with the
number of rows.

Each published verdict carries its ClaimReview document, frozen when it was published
(PublishedVerdict.document, and as JSON text in document_json). On PostgreSQL the NDJSON
export is PostgreSQL's own COPY of the text column, passed through in 64 KiB chunks, and
the CSV export COPY's CSV of columns read off the documents in SQL; elsewhere (SQLite)
rows are read in batches and written by Python. The annotations export builds a Web
Annotation from each (publishing.webannotation), row by row.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Field
from django.utils import timezone

from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import CSV_COLUMNS, claimreview_csv_row, site_current
from annotations.publishing.selectors import annotation_export_rows, export_rows
from annotations.publishing.webannotation import web_annotation_build


def _horizon() -> datetime:
    return timezone.now() - timedelta(seconds=settings.API_SYNC_LAG_SECONDS)


# COPY of the published rows in sync order, up to the horizon: {columns}, {lateral} and
# {options} differ between the NDJSON and the CSV export. Table and column names come from the
# model's _meta, so a renamed table or column cannot leave these queries behind.
_COPY_SQL = """
COPY (
  SELECT {columns} FROM {table}{lateral}
  WHERE {modified} <= {horizon} AND ({since}::timestamptz IS NULL OR {modified} >= {since})
  ORDER BY {modified}, {id}
) TO STDOUT WITH ({options})
"""
# NDJSON: CSV with a quote and a delimiter that never occur in JSON text (JSON
# text escapes every control character inside strings), so each line is the document,
# unaltered. (COPY's text format would double every backslash.)
_NDJSON_OPTIONS = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"


def _copy_sql(*, columns, options: str, updated_since: datetime | None, lateral=None):
    """``lateral``: a function of the row to read ``columns`` from (``, f(...) AS r``)."""
    from psycopg import sql

    return sql.SQL(_COPY_SQL).format(
        columns=columns,
        lateral=sql.SQL("") if lateral is None else sql.SQL(", ") + lateral,
        options=sql.SQL(options),
        table=sql.Identifier(PublishedVerdict._meta.db_table),
        modified=sql.Identifier(_column("modified_at")),
        id=sql.Identifier(_column("id")),
        horizon=sql.Literal(_horizon()),
        since=sql.Literal(updated_since),
    )


def ndjson_export(*, updated_since: datetime | None = None) -> Iterator[bytes | str]:
    """The export as chunks of NDJSON (one ClaimReview or tombstone a line)."""
    if connection.vendor == "postgresql":
        from psycopg import sql

        document = sql.Identifier(_column("document_json"))
        query = _copy_sql(columns=document, options=_NDJSON_OPTIONS, updated_since=updated_since)
        yield from _copy_chunks(query=query)
        return
    for published in export_rows(updated_since=updated_since):
        yield published.document_json + "\n"


def _column(field_name: str) -> str:
    """The database column of one of PublishedVerdict's own fields."""
    field = PublishedVerdict._meta.get_field(field_name)
    if not isinstance(field, Field) or field.column is None:
        raise LookupError(f"PublishedVerdict.{field_name} is not a column")
    return field.column


# psycopg hands COPY's output over about a row at a time; the server writes each chunk
# it is given to the socket, so rows are gathered into chunks of this size first.
COPY_CHUNK_BYTES = 64 * 1024


def _copy_chunks(*, query) -> Iterator[bytes]:
    connection.ensure_connection()
    buffer = bytearray()
    with connection.connection.cursor() as cursor, cursor.copy(query) as copy:
        for chunk in copy:
            buffer += chunk
            if len(buffer) >= COPY_CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def csv_export(*, updated_since: datetime | None = None) -> Iterator[bytes | str]:
    """The export as CSV: a header, then one row per published verdict (tombstones marked
    withdrawn), lines ending in LF. On PostgreSQL it is COPY's own CSV of the columns read
    off the stored documents in SQL (_CSV_SQL); elsewhere Python's csv module writes the
    same bytes (tests/publishing/test_csv_export.py compares the two)."""
    if connection.vendor == "postgresql":
        yield from _copy_chunks(query=_csv_copy_sql(updated_since=updated_since))
        return
    yield from csv_export_python(rows=export_rows(updated_since=updated_since))


def csv_export_python(*, rows: Iterable[PublishedVerdict]) -> Iterator[str]:
    """CSV written by Python, quoting as COPY does: a value holding a comma, a quote, CR
    or LF is quoted (csv quotes CR and LF only when the line terminator has both, so rows
    are written with CRLF and end in LF)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(CSV_COLUMNS)[:-2] + "\n"
    for published in rows:
        yield writer.writerow(claimreview_csv_row(document=published.document))[:-2] + "\n"


class _Echo:
    """csv.writer writes to this and gets the line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


# Each CSV column (claimreview.CSV_FIELDS, same order) read off the document in SQL. The
# document's top-level keys are taken apart once per row (jsonb_to_record, as _CSV_KEYS
# types them): the jsonb may be stored compressed, and every -> on the column itself would
# decompress it again (14 times a row: 3x slower). NULLIF: an empty value is NULL, which
# COPY writes as nothing, as csv writes ""; COPY would write an empty string as "".
_CSV_KEYS = {
    "id": "text",
    "url": "text",
    "claimReviewed": "text",
    "reviewRating": "jsonb",
    "datePublished": "text",
    "dateModified": "text",
    "withdrawn": "text",  # JSON true/false as the text true/false
    "withdrawnAt": "text",
    "itemReviewed": "jsonb",
    "reviewBody": "text",
    "citation": "jsonb",
}
_CSV_SQL_COLUMNS = {
    "id": 'r."id"',
    "url": 'r."url"',
    "claimReviewed": 'r."claimReviewed"',
    "verdict": "r.\"reviewRating\"->>'alternateName'",
    "ratingValue": "r.\"reviewRating\"->>'ratingValue'",
    "datePublished": 'r."datePublished"',
    "dateModified": 'r."dateModified"',
    "withdrawn": 'r."withdrawn"',
    "withdrawnAt": 'r."withdrawnAt"',
    "speaker": "r.\"itemReviewed\"->'author'->>'name'",
    "articleUrl": "r.\"itemReviewed\"->'appearance'->>'url'",
    "articleHeadline": "r.\"itemReviewed\"->'appearance'->>'headline'",
    "reviewBody": 'r."reviewBody"',
    "sources": "(SELECT string_agg(c->>'url', ' ' ORDER BY n)"
    ' FROM jsonb_array_elements(r."citation") WITH ORDINALITY AS t(c, n))',
}


def _csv_copy_sql(*, updated_since: datetime | None):
    from psycopg import sql

    if list(_CSV_SQL_COLUMNS) != CSV_COLUMNS:
        raise LookupError("the CSV export's SQL columns differ from CSV_COLUMNS")
    columns = sql.SQL(", ").join(
        sql.SQL("NULLIF({expression}, '') AS {name}").format(
            expression=sql.SQL(expression), name=sql.Identifier(name)
        )
        for name, expression in _CSV_SQL_COLUMNS.items()
    )
    record = sql.SQL("jsonb_to_record({document}) AS r({keys})").format(
        document=sql.Identifier(_column("document")),
        keys=sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(key), sql.SQL(kind))
            for key, kind in _CSV_KEYS.items()
        ),
    )
    return _copy_sql(
        columns=columns, lateral=record, options="FORMAT csv, HEADER", updated_since=updated_since
    )


def annotations_export(*, updated_since: datetime | None = None) -> Iterator[str]:
    """The export as NDJSON of Web Annotations (one JSON-LD annotation a line, withdrawn
    verdicts as annotations without a body), built row by row from the stored documents
    and the statements' offsets."""
    site = site_current()
    for published in annotation_export_rows(updated_since=updated_since):
        yield json.dumps(web_annotation_build(published=published, site=site), ensure_ascii=False)
        yield "\n"
