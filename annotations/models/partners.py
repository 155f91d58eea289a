"""Partners of the API: their tokens and webhook deliveries."""

from django.db import models

from annotations.models.publishing import PublishedVerdict


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
