"""Bulk exports of published verdicts, streamed with memory that does not grow with the
number of rows.

Each published verdict carries its ClaimReview document, frozen when it was published
(PublishedVerdict.document). On PostgreSQL the NDJSON export is PostgreSQL's own COPY of
that column, passed through chunk by chunk; elsewhere (SQLite) rows are read in batches
and written by Python. The CSV export flattens the same documents.
"""

import csv
import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from annotations.publishing.selectors import export_rows


def _horizon() -> datetime:
    return timezone.now() - timedelta(seconds=settings.API_SYNC_LAG_SECONDS)


# CSV with a quote and a delimiter that never occur in JSON text (PostgreSQL escapes every
# control character inside JSON strings): each line is then the document, unaltered.
# (COPY's text format would double every backslash.)
_COPY_SQL = """
COPY (
  SELECT document::text FROM annotations_publishedverdict
  WHERE modified_at <= {horizon} AND ({since}::timestamptz IS NULL OR modified_at >= {since})
  ORDER BY modified_at, id
) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')
"""


def ndjson_export(*, updated_since: datetime | None = None) -> Iterator[bytes | str]:
    """The export as chunks of NDJSON (one ClaimReview or tombstone a line)."""
    if connection.vendor == "postgresql":
        yield from _copy_chunks(updated_since=updated_since)
        return
    for published in export_rows(updated_since=updated_since):
        yield json.dumps(published.document, ensure_ascii=False) + "\n"


def _copy_chunks(*, updated_since: datetime | None) -> Iterator[bytes]:
    from psycopg import sql

    query = sql.SQL(_COPY_SQL).format(
        horizon=sql.Literal(_horizon()), since=sql.Literal(updated_since)
    )
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(query) as copy:
        for chunk in copy:
            yield bytes(chunk)


CSV_COLUMNS = [
    "id", "url", "claimReviewed", "verdict", "ratingValue", "datePublished", "dateModified",
    "withdrawn", "withdrawnAt", "speaker", "articleUrl", "articleHeadline", "reviewBody",
    "sources",
]  # fmt: skip


def csv_export(*, updated_since: datetime | None = None) -> Iterator[str]:
    """The export as CSV: one row per published verdict (tombstones marked withdrawn)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for published in export_rows(updated_since=updated_since):
        yield writer.writerow(_csv_row(published.document))


def _csv_row(data: dict) -> list:
    if data["withdrawn"]:
        return [data["id"], data["url"], "", "", "", "", data["dateModified"], "true",
                data["withdrawnAt"], "", "", "", "", ""]  # fmt: skip
    claim = data["itemReviewed"]
    rating = data["reviewRating"]
    return [
        data["id"], data["url"], data["claimReviewed"], rating["alternateName"],
        rating.get("ratingValue", ""), data["datePublished"], data["dateModified"], "false", "",
        claim.get("author", {}).get("name", ""), claim["appearance"].get("url", ""),
        claim["appearance"]["headline"], data["reviewBody"],
        " ".join(c["url"] for c in data["citation"]),
    ]  # fmt: skip


class _Echo:
    """csv.writer writes to this and gets the line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value
