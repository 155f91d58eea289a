"""What leaves the site: the published copy of an approved verdict."""

import json
from typing import Any

from django.conf import settings
from django.db import models

from annotations.models.articles import Statement
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

    class Meta:
        indexes = [models.Index(fields=["modified_at", "id"], name="published_sync_idx")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.statement_id}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "document" in update_fields:
            self.document_json = document_json_dumps(self.document)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "document_json"}
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def document_json_dumps(document: dict[str, Any]) -> str:
    """A stored document as partners get it: compact JSON, characters unescaped (as the
    API's JSON renderer writes the rest)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
