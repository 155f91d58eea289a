"""What leaves the site: the published copy of an approved verdict."""

import csv
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Upper

from annotations.models.articles import Article, Statement
from annotations.models.review import (
    CLAIM_SUMMARY_MAX_CHARS,
    SPEAKER_MAX_CHARS,
    SpeakerType,
    Verdict,
)


class PublishedVerdict(models.Model):
    """What partners see: a copy of the verdict taken when an editor approved it.

    The working Verdict can be revised (a correction) without touching this row until the
    revision is approved; then it is replaced and marked corrected. Withdrawal keeps the
    row (partners need the tombstone) with withdrawn_at set.
    """

    statement = models.OneToOneField(Statement, on_delete=models.PROTECT, related_name="published")
    # The sentence an editor approved, and where: its revision of the article and its
    # offsets into that revision's (never rewritten) body. Everything partners and the
    # public page get is built from these, not from the live statement: a revision that
    # rewords the statement sends it back to an editor, and until the new wording is
    # approved the published claim stays the old one, on the old revision.
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    rating = models.CharField(max_length=20, choices=Verdict.Rating.choices)
    explanation = models.TextField()
    claim_summary = models.CharField(max_length=CLAIM_SUMMARY_MAX_CHARS, blank=True)
    speaker = models.CharField(max_length=SPEAKER_MAX_CHARS, blank=True)
    speaker_type = models.CharField(max_length=12, choices=SpeakerType.choices, blank=True)
    sources = models.JSONField(default=list)
    verdict_version = models.PositiveIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_published_at = models.DateTimeField()
    published_at = models.DateTimeField(help_text="When this version was approved.")
    # dateModified for partners: moves on publication, correction and withdrawal.
    modified_at = models.DateTimeField(db_index=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_count = models.PositiveIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # The ClaimReview (or tombstone) exactly as published, built when an editor approves
    # or withdraws (annotations.publishing.claimreview). Partners get this document, so what they
    # see changes only with a new dateModified; exports stream it straight from the table.
    document = models.JSONField(default=dict, editable=False)
    # The same document as the JSON text partners receive (compact, UTF-8), derived in
    # save(): the API list and the NDJSON export serve it as it is, where PostgreSQL
    # would otherwise print the jsonb out anew for every row (2.7x the cost of the COPY).
    document_json = models.TextField(default="{}", editable=False)
    # And as its row of the CSV export (document_csv_line, no line end), derived in save()
    # too: the CSV export is these lines one after the other.
    document_csv = models.TextField(default="", editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["modified_at", "id"], name="published_sync_idx"),
            # The API's `claimant` filter (iexact on the published name): without it, every
            # page of it read the whole table (71 ms at 20,000 verdicts; 1 ms with it).
            models.Index(
                Upper(KT("document__itemReviewed__author__name")), name="published_claimant_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.statement_id}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "document" in update_fields:
            self.document_json = document_json_dumps(self.document)
            # The first save has no document yet: it is built once the row has its id.
            self.document_csv = document_csv_line(self.document) if self.document else ""
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "document_json", "document_csv"}
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def document_json_dumps(document: dict[str, Any]) -> str:
    """A stored document as partners get it: compact JSON, characters unescaped (as the
    API's JSON renderer writes the rest)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


# --- The CSV export's rows: one per document, tombstones included ----------------------


def _rating(document: dict[str, Any]) -> dict[str, Any]:
    return document.get("reviewRating", {})


def _appearance(document: dict[str, Any]) -> dict[str, Any]:
    return document.get("itemReviewed", {}).get("appearance", {})


# Each column and how it is read off a document; what a tombstone lacks is left empty.
CSV_FIELDS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("id", lambda d: d["id"]),
    ("url", lambda d: d["url"]),
    ("claimReviewed", lambda d: d.get("claimReviewed", "")),
    ("verdict", lambda d: _rating(d).get("alternateName", "")),
    ("ratingValue", lambda d: _rating(d).get("ratingValue", "")),
    ("datePublished", lambda d: d.get("datePublished", "")),
    ("dateModified", lambda d: d["dateModified"]),
    ("withdrawn", lambda d: "true" if d["withdrawn"] else "false"),
    ("withdrawnAt", lambda d: d.get("withdrawnAt", "")),
    ("speaker", lambda d: d.get("itemReviewed", {}).get("author", {}).get("name", "")),
    ("articleUrl", lambda d: _appearance(d).get("url", "")),
    ("articleHeadline", lambda d: _appearance(d).get("headline", "")),
    ("reviewBody", lambda d: d.get("reviewBody", "")),
    ("sources", lambda d: " ".join(c["url"] for c in d.get("citation", []))),
]
CSV_COLUMNS = [name for name, _ in CSV_FIELDS]


def claimreview_csv_row(*, document: dict[str, Any]) -> list[Any]:
    """A stored document (ClaimReview or tombstone) as a row under CSV_COLUMNS."""
    return [read(document) for _, read in CSV_FIELDS]


class _Echo:
    """csv.writer writes to this and gets the line back."""

    def write(self, value: str) -> str:
        return value


# Minimal quoting: a value holding a comma, a quote, CR or LF is quoted. (csv quotes CR
# and LF only when the line terminator has both, so lines are written with CRLF and the
# CRLF is cut off.)
_CSV_WRITER = csv.writer(_Echo(), lineterminator="\r\n")


def csv_line(values: list[Any]) -> str:
    """One CSV line of ``values``, without its line end."""
    return _CSV_WRITER.writerow(values)[:-2]


def document_csv_line(document: dict[str, Any]) -> str:
    """A stored document as its line of the CSV export, without the line end."""
    return csv_line(claimreview_csv_row(document=document))
