"""Articles and their checkable statements.

Offsets everywhere are character offsets (Unicode code points) into Article.body, which is
stored exactly as ingested and never rewritten: ``article.body[x.start:x.end] == x.text``.
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
    # Revisions: a new text of the same article (same source URL, or "new revision") is a
    # new row pointing at the one it revises; one to one, so a revision never forks. The
    # newest revision is the one without a next_revision.
    previous_revision = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_revision",
        help_text="The revision this text replaces; empty for a first revision.",
    )
    revision = models.PositiveIntegerField(default=1, help_text="1 for the first text.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="article_recent_idx"),
            models.Index(fields=["source_url"], name="article_source_url_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def get_review_url(self) -> str:
        return reverse("article_detail", args=[self.pk])


class ArchivedSource(models.Model):
    """The page an article was extracted from, kept exactly as received (the archive of
    record: pages change and vanish). Served to the desk as text, never as a page."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="archived_source", primary_key=True
    )
    content = models.BinaryField(help_text="The HTML exactly as fetched or uploaded.")
    content_type = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    final_url = models.URLField(
        max_length=2000, blank=True, help_text="Where the page was fetched from, after redirects."
    )
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="Empty when uploaded.")

    def __str__(self) -> str:
        return f"Archived source of article {self.article_id}"


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

    class ScoredBy(models.TextChoices):
        RULES = "rules", "Rules (provisional)"
        MODEL = "model", "Trained model"

    score = models.FloatField(help_text="Check-worthiness, 0 to 1 (see scored_by).")
    scored_by = models.CharField(
        max_length=5,
        choices=ScoredBy.choices,
        default=ScoredBy.RULES,
        help_text=(
            "Who gave the score: the rules at ingestion (provisional), then the trained "
            "model in the tagging job, which confirms or drops the statement."
        ),
    )
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

    class Anchor(models.TextChoices):
        """How the statement came to this revision (ingest.revisions)."""

        ORIGINAL = "", "Found in this text"
        CARRIED = "carried", "Carried unchanged from the previous revision"
        CHANGED = "changed", "Wording changed in this revision"
        ORPHANED = "orphaned", "Not found in the next revision"

    anchor = models.CharField(max_length=8, choices=Anchor.choices, blank=True, default="")
    previous_text = models.TextField(
        blank=True, help_text="The wording in the previous revision, when it changed."
    )

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


def statement_untouched_q() -> Q:
    """Detected statements no person has touched: never assigned, reviewed, dismissed or
    added by hand. Only these may the machine re-score, change or drop."""
    return Q(
        origin=Statement.Origin.DETECTOR,
        review_state=Statement.ReviewState.NOT_STARTED,
        assignee__isnull=True,
        events__isnull=True,
        verdict__isnull=True,
    )
