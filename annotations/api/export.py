"""Bulk exports of published verdicts, streamed with memory that does not grow with the
number of rows.

On PostgreSQL the ClaimReview objects are built by the database itself (json functions)
and read through a server-side cursor, and the CSV is PostgreSQL's own COPY output: the
export runs close to the speed of a bare COPY. Elsewhere (SQLite) rows are built in
Python by annotations.api.claimreview. tests/test_api_export.py checks that both give
the same objects, so the shape stays defined once in claimreview.py, mirrored here.
"""

import csv
import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from annotations.api.claimreview import RATING_NAMES, RATING_VALUES, claimreview_or_tombstone
from annotations.api.selectors import export_rows

BATCH_ROWS = 1000  # rows per server round trip and per chunk handed to the web server


def _horizon() -> datetime:
    return timezone.now() - timedelta(seconds=settings.API_SYNC_LAG_SECONDS)


def _verdict_url_prefix() -> str:
    return settings.SITE_URL + reverse("verdict_public", args=[0])[: -len("0/")]


def _case(column: str, mapping: dict, name: str) -> tuple[str, dict]:
    """A SQL CASE mapping ``column``'s values, with its named parameters."""
    params, whens = {}, []
    for i, (key, value) in enumerate(mapping.items()):
        params[f"{name}_k{i}"], params[f"{name}_v{i}"] = key, value
        whens.append(f"WHEN %({name}_k{i})s THEN %({name}_v{i})s")
    return f"CASE {column} {' '.join(whens)} END", params


def _ts(column: str) -> str:
    """A timestamp as claimreview._iso writes it: UTC, microseconds always present."""
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""


def _claimreview_sql() -> tuple[str, dict]:
    """SELECT of one ClaimReview (or tombstone) JSON text per published verdict."""
    rating_name, name_params = _case("p.rating", RATING_NAMES, "rname")
    rating_value, value_params = _case("p.rating", RATING_VALUES, "rvalue")
    sql = f"""
    SELECT CASE WHEN p.withdrawn_at IS NOT NULL THEN jsonb_build_object(
        'id', p.id, 'withdrawn', true, 'withdrawnAt', {_ts("p.withdrawn_at")},
        'dateModified', {_ts("p.modified_at")}, 'url', %(prefix)s || p.id || '/')::text
      ELSE jsonb_strip_nulls(jsonb_build_object(
        '@context', 'https://schema.org', '@type', 'ClaimReview', 'id', p.id,
        'url', %(prefix)s || p.id || '/', 'claimReviewed', s.text,
        'datePublished', {_ts("p.first_published_at")},
        'dateModified', {_ts("p.modified_at")},
        'author', jsonb_build_object(
          '@type', 'Organization', 'name', %(org_name)s::text, 'url', %(org_url)s::text),
        'reviewRating', jsonb_build_object(
          '@type', 'Rating', 'alternateName', {rating_name}, 'ratingValue', {rating_value},
          'bestRating', CASE WHEN {rating_value} IS NOT NULL THEN 5 END,
          'worstRating', CASE WHEN {rating_value} IS NOT NULL THEN 1 END),
        'reviewBody', p.explanation,
        'itemReviewed', jsonb_build_object(
          '@type', 'Claim',
          'author', CASE WHEN s.speaker <> ''
            THEN jsonb_build_object('@type', 'Person', 'name', s.speaker) END,
          'datePublished', a.published_on,
          'appearance', jsonb_build_object(
            '@type', 'NewsArticle', 'headline', a.title, 'url', NULLIF(a.source_url, ''),
            'datePublished', a.published_on,
            'publisher', CASE WHEN a.publisher <> ''
              THEN jsonb_build_object('@type', 'Organization', 'name', a.publisher) END)),
        'citation', (
          SELECT coalesce(jsonb_agg(jsonb_build_object(
              '@type', 'CreativeWork', 'url', e.value->>'url',
              'name', NULLIF(e.value->>'title', ''),
              'publisher', CASE WHEN coalesce(e.value->>'publisher', '') <> ''
                THEN jsonb_build_object('@type', 'Organization', 'name', e.value->>'publisher')
                END) ORDER BY e.n), '[]'::jsonb)
          FROM jsonb_array_elements(p.sources) WITH ORDINALITY AS e(value, n)),
        'withdrawn', false,
        'correction', CASE WHEN p.corrected_at IS NOT NULL THEN jsonb_build_object(
          '@type', 'CorrectionComment', 'datePublished', {_ts("p.corrected_at")},
          'text', 'This verdict was corrected (' || p.correction_count || ').') END
      ))::text END
    FROM annotations_publishedverdict p
    JOIN annotations_statement s ON s.id = p.statement_id
    JOIN annotations_article a ON a.id = s.article_id
    WHERE p.modified_at <= %(horizon)s
      AND (%(since)s::timestamptz IS NULL OR p.modified_at >= %(since)s)
    ORDER BY p.modified_at, p.id
    """
    return sql, {**name_params, **value_params}


def ndjson_export(*, updated_since: datetime | None = None) -> Iterator[str]:
    """The export as chunks of NDJSON lines (one ClaimReview or tombstone a line)."""
    if connection.vendor != "postgresql":
        for published in export_rows(updated_since=updated_since):
            yield json.dumps(claimreview_or_tombstone(published), ensure_ascii=False) + "\n"
        return
    sql, params = _claimreview_sql()
    params.update(
        prefix=_verdict_url_prefix(),
        org_name=settings.FACTCHECK_ORG_NAME,
        org_url=settings.FACTCHECK_ORG_URL,
        horizon=_horizon(),
        since=updated_since,
    )
    yield from _server_side_lines(sql, params)


def _server_side_lines(sql: str, params: dict) -> Iterator[str]:
    connection.ensure_connection()
    # A named (server-side) cursor: PostgreSQL keeps the result and sends BATCH_ROWS at a
    # time, so neither side holds the whole export. WITH HOLD lets it live outside a
    # transaction (the request runs in autocommit).
    with connection.connection.cursor(name="claimreview_export", withhold=True) as cursor:
        cursor.itersize = BATCH_ROWS
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH_ROWS):
            yield "".join(row[0] + "\n" for row in rows)


CSV_COLUMNS = [
    "id", "url", "claimReviewed", "verdict", "ratingValue", "datePublished", "dateModified",
    "withdrawn", "withdrawnAt", "speaker", "articleUrl", "articleHeadline", "reviewBody",
    "sources",
]  # fmt: skip


def csv_export(*, updated_since: datetime | None = None) -> Iterator[str]:
    """The export as CSV: one row per published verdict (tombstones marked withdrawn)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for chunk in ndjson_export(updated_since=updated_since):
        rows = [_csv_row(json.loads(line)) for line in chunk.splitlines()]
        yield "".join(writer.writerow(row) for row in rows)


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
