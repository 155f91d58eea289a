"""Bulk exports of published verdicts, streamed with memory that does not grow with the
number of rows.

Each published verdict carries its ClaimReview document, frozen when it was published
(PublishedVerdict.document). On PostgreSQL the NDJSON export is PostgreSQL's own COPY of
that column, passed through chunk by chunk; elsewhere (SQLite) rows are read in batches
and written by Python. The CSV export flattens the same documents; the annotations export
builds a Web Annotation from each (publishing.webannotation), also row by row.
"""

import csv
import json
from collections.abc import Iterator
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


# CSV with a quote and a delimiter that never occur in JSON text (PostgreSQL escapes every
# control character inside JSON strings): each line is then the document, unaltered.
# (COPY's text format would double every backslash.) Table and column names come from the
# model's _meta, so a renamed table or column cannot leave this query behind.
_COPY_SQL = """
COPY (
  SELECT {document}::text FROM {table}
  WHERE {modified} <= {horizon} AND ({since}::timestamptz IS NULL OR {modified} >= {since})
  ORDER BY {modified}, {id}
) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')
"""


def ndjson_export(*, updated_since: datetime | None = None) -> Iterator[bytes | str]:
    """The export as chunks of NDJSON (one ClaimReview or tombstone a line)."""
    if connection.vendor == "postgresql":
        yield from _copy_chunks(updated_since=updated_since)
        return
    for published in export_rows(updated_since=updated_since):
        yield json.dumps(published.document, ensure_ascii=False) + "\n"


def _column(field_name: str) -> str:
    """The database column of one of PublishedVerdict's own fields."""
    field = PublishedVerdict._meta.get_field(field_name)
    if not isinstance(field, Field) or field.column is None:
        raise LookupError(f"PublishedVerdict.{field_name} is not a column")
    return field.column


def _copy_chunks(*, updated_since: datetime | None) -> Iterator[bytes]:
    from psycopg import sql

    query = sql.SQL(_COPY_SQL).format(
        table=sql.Identifier(PublishedVerdict._meta.db_table),
        document=sql.Identifier(_column("document")),
        modified=sql.Identifier(_column("modified_at")),
        id=sql.Identifier(_column("id")),
        horizon=sql.Literal(_horizon()),
        since=sql.Literal(updated_since),
    )
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(query) as copy:
        for chunk in copy:
            yield bytes(chunk)


def csv_export(*, updated_since: datetime | None = None) -> Iterator[str]:
    """The export as CSV: one row per published verdict (tombstones marked withdrawn)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for published in export_rows(updated_since=updated_since):
        yield writer.writerow(claimreview_csv_row(document=published.document))


class _Echo:
    """csv.writer writes to this and gets the line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def annotations_export(*, updated_since: datetime | None = None) -> Iterator[str]:
    """The export as NDJSON of Web Annotations (one JSON-LD annotation a line, withdrawn
    verdicts as annotations without a body), built row by row from the stored documents
    and the statements' offsets."""
    site = site_current()
    for published in annotation_export_rows(updated_since=updated_since):
        yield json.dumps(web_annotation_build(published=published, site=site), ensure_ascii=False)
        yield "\n"
