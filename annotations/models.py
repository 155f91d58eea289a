"""The data model: an article, its checkable statements, entity mentions and tagging job.

Offsets everywhere are character offsets into Article.body, which is stored exactly as
ingested and never rewritten: ``article.body[x.start:x.end] == x.text`` always holds.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Article(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", "Web form"
        UPLOAD = "upload", "File upload"
        CLI = "cli", "Command line"
        API = "api", "API"

    title = models.CharField(max_length=300)
    body = models.TextField(help_text="The exact text as ingested; never rewritten.")
    body_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    source_url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="article_recent_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def get_review_url(self) -> str:
        return reverse("article_detail", args=[self.pk])


class Statement(models.Model):
    """A checkable sentence (or a span a reviewer marked), pointing into the article body."""

    class Origin(models.TextChoices):
        DETECTOR = "detector", "Detected"
        HUMAN = "human", "Added by a reviewer"

    class ReviewState(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="statements")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    order = models.PositiveIntegerField(help_text="Position of the sentence in the article.")
    score = models.FloatField(help_text="Check-worthiness, 0 to 1.")
    reasons = models.JSONField(default=list, blank=True)
    figures = models.JSONField(
        default=list, blank=True, help_text="[{text, start, end, kind}], offsets into the body."
    )
    speaker = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.DETECTOR)
    review_state = models.CharField(
        max_length=12, choices=ReviewState.choices, default=ReviewState.NOT_STARTED
    )
    dismissed_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_statements",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "start"]
        indexes = [
            models.Index(fields=["assignee", "assigned_at"], name="statement_queue_idx"),
            models.Index(fields=["article", "review_state"], name="statement_progress_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="statement_span"),
            models.UniqueConstraint(fields=["article", "start", "end"], name="statement_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Entity(models.Model):
    """A canonical entity shared across articles ("Zelenskyy" and "Volodymyr Zelenskyy")."""

    label = models.CharField(max_length=20)
    name = models.CharField(max_length=300, help_text="Canonical display name.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["label", "name"]
        indexes = [models.Index(fields=["label", "name"], name="entity_label_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"


class EntityAlias(models.Model):
    """A normalised name under which an entity is found again ("eu", "european union")."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(max_length=20)
    key = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = "entity aliases"
        constraints = [models.UniqueConstraint(fields=["label", "key"], name="entity_alias_unique")]

    def __str__(self) -> str:
        return f"{self.key} → {self.entity_id}"


class EntityMention(models.Model):
    class Source(models.TextChoices):
        MODEL = "model", "Model"
        HUMAN = "human", "Human"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    label = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MODEL)
    # A reviewer's "remove": a human tombstone on the span, so the next tagging run (which
    # skips spans with human mentions) does not bring the model's mention back.
    removed = models.BooleanField(default=False)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="mention_span"),
            # A re-run of the tagger can never leave two model mentions on the same span.
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=Q(source="model"),
                name="mention_model_unique",
            ),
        ]
        indexes = [models.Index(fields=["article", "start"], name="mention_article_start_idx")]

    def __str__(self) -> str:
        return f"{self.text} [{self.label}]"


class TaggingJob(models.Model):
    """The state of an article's entity tagging, owned by the database, not the broker.

    If the broker is down or a worker dies, the job row still says where things stand and
    the periodic sweep (annotations.tasks.tagging_jobs_sweep) re-enqueues it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="tagging_job")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    mention_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["state", "queued_at"], name="taggingjob_state_idx")]

    def __str__(self) -> str:
        return f"Tagging of article {self.article_id}: {self.state}"

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class HistoryIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a history entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise HistoryIsAppendOnly("History entries cannot be changed.")

    def delete(self):
        raise HistoryIsAppendOnly("History entries cannot be deleted.")


class Verdict(models.Model):
    """The reviewer's verdict on one statement: rating, explanation and sources.

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
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_written"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_edited"
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

    # PROTECT: the history outlives nothing it describes; a statement (or article) with
    # history cannot be deleted.
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
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


class PublishedVerdict(models.Model):
    """What partners see: a copy of the verdict taken when an editor approved it.

    The working Verdict can be revised (a correction) without touching this row until the
    revision is approved; then it is replaced and marked corrected. Withdrawal keeps the
    row (partners need the tombstone) with withdrawn_at set.
    """

    statement = models.OneToOneField(Statement, on_delete=models.PROTECT, related_name="published")
    rating = models.CharField(max_length=20, choices=Verdict.Rating.choices)
    explanation = models.TextField()
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
    # or withdraws (annotations.api.claimreview). Partners get this document, so what they
    # see changes only with a new dateModified; exports stream it straight from the table.
    document = models.JSONField(default=dict, editable=False)

    class Meta:
        indexes = [models.Index(fields=["modified_at", "id"], name="published_sync_idx")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.statement_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Partner(models.Model):
    """A newsroom, platform or researcher that pulls published verdicts over the API."""

    name = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(default=True)
    can_ingest = models.BooleanField(
        default=False, help_text="May POST articles to /api/v1/articles/ (a trusted client)."
    )
    rate_per_minute = models.PositiveIntegerField(
        default=120, help_text="Requests a minute before the API answers 429."
    )
    webhook_url = models.URLField(max_length=2000, blank=True)
    webhook_secret = models.CharField(
        max_length=200, blank=True, help_text="Signs webhook bodies (HMAC-SHA256)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerToken(models.Model):
    """An API token. Only its SHA-256 is stored; the prefix identifies it in lists."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner", "-created_at"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"{self.prefix}… ({self.partner}, {state})"


class WebhookDelivery(models.Model):
    """One webhook event for one partner, with every attempt to deliver it."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    published = models.ForeignKey(
        PublishedVerdict, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=20)  # published, corrected, withdrawn
    delivery_id = models.UUIDField(unique=True)
    url = models.URLField(max_length=2000)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.partner} ({self.state})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(auto_now_add=True)
    status = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status or self.error[:40]}"
