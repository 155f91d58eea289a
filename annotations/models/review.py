"""Reviewers' verdicts, their sources, and the append-only history of a statement."""

from django.conf import settings
from django.db import models

from annotations.models.articles import Statement


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The words for a stored code; an unknown code (from an older release) as it is."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class HistoryIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a history entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise HistoryIsAppendOnly("History entries cannot be changed.")

    def delete(self):
        raise HistoryIsAppendOnly("History entries cannot be deleted.")


class SpeakerType(models.TextChoices):
    """What kind of speaker made the claim; the values are schema.org's types."""

    PERSON = "Person", "Person"
    ORGANIZATION = "Organization", "Organization"


CLAIM_SUMMARY_MAX_CHARS = 500
SPEAKER_MAX_CHARS = 200  # as Statement.speaker


class Verdict(models.Model):
    """The reviewer's verdict on one statement: rating, explanation and sources, and the
    claim as reviewed (a short summary and who made it).

    The statement's sentence, offsets and detected speaker are never changed: the summary
    and the corrected speaker live here, so they are versioned and approved (four eyes)
    with the rest of the verdict.

    ``version`` grows by one on every save; a save must name the version it started from,
    so two people editing at once get a conflict instead of a silent overwrite.
    The review state itself lives on the statement (Statement.review_state).
    """

    class Rating(models.TextChoices):
        TRUE = "true", "True"
        MOSTLY_TRUE = "mostly_true", "Mostly true"
        HALF_TRUE = "half_true", "Half true"
        MOSTLY_FALSE = "mostly_false", "Mostly false"
        FALSE = "false", "False"
        MISLEADING = "misleading", "Misleading"
        UNVERIFIABLE = "unverifiable", "Unverifiable"

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="verdict")
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    explanation = models.TextField(blank=True)
    # Empty: the sentence itself is the claim reviewed.
    claim_summary = models.CharField(max_length=CLAIM_SUMMARY_MAX_CHARS, blank=True)
    # Starts as the statement's detected speaker; empty: no known speaker.
    speaker = models.CharField(max_length=SPEAKER_MAX_CHARS, blank=True)
    # Empty only on verdicts from before the type could be chosen: the name rule decides.
    speaker_type = models.CharField(max_length=12, choices=SpeakerType.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_written"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_edited"
    )
    # "Checked before": the published verdict this one started from (review.matches).
    reused_from = models.ForeignKey(
        "annotations.PublishedVerdict",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_rating_display() or 'No rating'} (v{self.version})"


class VerdictSource(models.Model):
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)
    accessed_at = models.DateTimeField()

    class Meta:
        ordering = ["verdict", "position", "id"]

    def __str__(self) -> str:
        return self.title or self.url


class ReviewEvent(models.Model):
    """Append-only history of a statement: every save and every transition, who and when,
    with the verdict as it was at that moment."""

    class Action(models.TextChoices):
        SAVED = "saved", "Saved draft"
        SUBMITTED = "submitted", "Submitted for approval"
        DISMISSED = "dismissed", "Dismissed as not checkable"
        RESTORED = "restored", "Restored"
        ASSIGNED = "assigned", "Assigned"
        ADDED = "added", "Added by a reviewer"
        APPROVED = "approved", "Approved and published"
        RETURNED = "returned", "Returned to reviewer"
        CORRECTION = "correction", "Correction started"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REANCHORED = "reanchored", "Article revised"

    # PROTECT: the history outlives nothing it describes; a statement (or article) with
    # history cannot be deleted.
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="events")
    # Empty only for what no person did: a revision ingested from the command line.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    verdict_version = models.PositiveIntegerField(null=True, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "created_at", "id"]
        indexes = [models.Index(fields=["action", "created_at"], name="event_action_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise HistoryIsAppendOnly("A history entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryIsAppendOnly("A history entry cannot be deleted.")

    # The states and the rating are stored as codes; the history shows them in words.
    @property
    def from_state_label(self) -> str:
        return _label(Statement.ReviewState, self.from_state) if self.from_state else "New"

    @property
    def to_state_label(self) -> str:
        return _label(Statement.ReviewState, self.to_state)

    @property
    def snapshot_rating_label(self) -> str:
        return _label(Verdict.Rating, (self.snapshot or {}).get("rating") or "")
