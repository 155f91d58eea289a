import json
import secrets

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html

from annotations.editorial.forms import LEARNABLE_CHOICES
from annotations.models import (
    Article,
    Entity,
    EntityAlias,
    EntityMention,
    LearnedName,
    Partner,
    PartnerToken,
    PublishedVerdict,
    ReviewEvent,
    Statement,
    TaggingJob,
    Verdict,
    VerdictSource,
    WebhookAttempt,
    WebhookDelivery,
)
from annotations.nlp.entities import entity_key
from annotations.partners.tokens import partner_token_revoke
from annotations.partners.webhooks.deliveries import webhook_deliveries_retry
from annotations.partners.webhooks.transport import webhook_url_validate
from annotations.tagging.learned import learned_name_text


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ("order", "text", "score", "scored_by", "speaker", "review_state", "origin")
    # The review state moves only through the workflow (annotations/review/workflow.py),
    # which records each step in the history: never edited here.
    readonly_fields = ("order", "text", "score", "scored_by", "speaker", "review_state", "origin")
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "channel", "created_by", "created_at")
    list_filter = ("channel", "language")
    search_fields = ("title", "body", "publisher", "source_url")
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)
    # The body is what every offset points into: it is never edited after ingestion.
    readonly_fields = ("body", "body_sha256", "channel", "created_by", "created_at")
    inlines = [StatementInline]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("text_short", "article", "score", "speaker", "review_state", "origin")
    list_filter = ("review_state", "origin")
    search_fields = ("text", "speaker", "article__title")
    list_select_related = ("article",)
    # review_state too: see StatementInline.
    readonly_fields = (
        "article", "start", "end", "text", "order", "figures", "review_state", "created_at",
    )  # fmt: skip

    @admin.display(description="Statement")
    def text_short(self, obj: Statement) -> str:
        return obj.text[:100]


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "created_at")
    list_filter = ("label",)
    search_fields = ("name", "aliases__key")
    inlines = [EntityAliasInline]


@admin.register(EntityAlias)
class EntityAliasAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "entity")
    list_filter = ("label",)
    search_fields = ("key", "entity__name")
    list_select_related = ("entity",)
    raw_id_fields = ("entity",)


@admin.register(EntityMention)
class EntityMentionAdmin(admin.ModelAdmin):
    list_display = ("text", "label", "entity", "article", "source", "model_version")
    list_filter = ("label", "source")
    search_fields = ("text", "entity__name", "article__title")
    list_select_related = ("entity", "article")
    raw_id_fields = ("article", "entity", "created_by")


class LearnedNameAdminForm(forms.ModelForm):
    """The key follows the name (as the editors' page keeps it): never typed by hand."""

    label = forms.ChoiceField(choices=LEARNABLE_CHOICES)

    class Meta:
        model = LearnedName
        fields = ("name", "label", "rejected")

    def clean_name(self) -> str:
        name = learned_name_text(self.cleaned_data["name"])
        key = entity_key(name)
        if not key:
            raise forms.ValidationError("Write the name as articles write it.")
        if LearnedName.objects.exclude(pk=self.instance.pk).filter(key=key).exists():
            raise forms.ValidationError(f"“{name}” is already in the list.")
        self.instance.key = key
        return name


@admin.register(LearnedName)
class LearnedNameAdmin(admin.ModelAdmin):
    form = LearnedNameAdminForm
    list_display = (
        "name", "label", "rejected", "taught_by", "taught_at", "times_taught", "applied_count",
    )  # fmt: skip
    list_filter = ("label", "rejected")
    search_fields = ("name", "key")
    list_select_related = ("taught_by",)
    readonly_fields = (
        "key", "taught_by", "taught_at", "times_taught", "applied_count", "last_applied_at",
    )  # fmt: skip

    def save_model(self, request, obj: LearnedName, form, change: bool) -> None:
        obj.taught_by, obj.taught_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(TaggingJob)
class TaggingJobAdmin(admin.ModelAdmin):
    list_display = ("article", "state", "attempts", "mention_count", "duration_ms", "queued_at")
    list_filter = ("state", "model_version")
    search_fields = ("article__title", "last_error")
    list_select_related = ("article",)
    readonly_fields = (
        "article",
        "attempts",
        "last_error",
        "model_name",
        "model_version",
        "queued_at",
        "started_at",
        "finished_at",
        "duration_ms",
        "mention_count",
    )


class VerdictSourceInline(admin.TabularInline):
    model = VerdictSource
    extra = 0
    readonly_fields = ("accessed_at",)


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    """Verdicts change through the review workflow (it keeps the history), so here they
    are read-only."""

    list_display = ("statement", "rating", "version", "author", "last_edited_by", "updated_at")
    list_filter = ("rating",)
    search_fields = ("statement__text", "explanation")
    list_select_related = ("statement", "author", "last_edited_by")
    inlines = [VerdictSourceInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PublishedVerdict)
class PublishedVerdictAdmin(admin.ModelAdmin):
    list_display = ("statement", "rating", "published_at", "corrected_at", "withdrawn_at")
    list_filter = ("rating",)
    search_fields = ("statement__text",)
    list_select_related = ("statement",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The history is append-only: viewable here, never editable or deletable."""

    list_display = ("created_at", "statement", "action", "actor", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("statement__text", "note", "actor__username")
    list_select_related = ("statement", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Partners, tokens and webhooks -------------------------------------------------------


class PartnerForm(forms.ModelForm):
    webhook_url = forms.URLField(
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="Where verdict events are POSTed (http or https, a public address).",
    )

    class Meta:
        model = Partner
        fields = (
            "name",
            "is_active",
            "can_ingest",
            "rate_per_minute",
            "webhook_url",
            "webhook_secret",
        )

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"].strip()
        if url:
            webhook_url_validate(url=url)
        return url

    def clean(self):
        cleaned = super().clean()
        # A webhook URL needs a secret to sign with: make one rather than send unsigned.
        if cleaned.get("webhook_url") and not cleaned.get("webhook_secret"):
            cleaned["webhook_secret"] = secrets.token_urlsafe(32)
        return cleaned


class PartnerTokenInline(admin.TabularInline):
    """Tokens by prefix only (the digest never leaves the database). New tokens come from
    `manage.py partner_token NAME`, which shows the secret once."""

    model = PartnerToken
    fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = (
        "name",
        "is_active",
        "can_ingest",
        "rate_per_minute",
        "webhook_url",
        "live_tokens",
        "created_at",
    )
    list_filter = ("is_active", "can_ingest")
    search_fields = ("name", "webhook_url")
    readonly_fields = ("created_at",)
    inlines = [PartnerTokenInline]
    fieldsets = (
        (None, {"fields": ("name", "is_active", "can_ingest", "rate_per_minute", "created_at")}),
        (
            "Webhooks",
            {
                "fields": ("webhook_url", "webhook_secret"),
                "description": (
                    "Published, corrected and withdrawn verdicts are POSTed to this URL, "
                    "signed with the secret (X-Signature: sha256=HMAC of the body). Leave "
                    "the secret empty to have one generated."
                ),
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_live_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)))
        )

    @admin.display(description="Live tokens", ordering="_live_tokens")
    def live_tokens(self, obj: Partner) -> int:
        return obj._live_tokens


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    """Read-only, except for revoking. Created with `manage.py partner_token NAME`."""

    list_display = ("prefix_display", "partner", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "partner")
    search_fields = ("prefix", "partner__name")
    list_select_related = ("partner",)
    fields = ("partner", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_tokens"]

    @admin.display(description="Token", ordering="prefix")
    def prefix_display(self, obj: PartnerToken) -> str:
        return f"{obj.prefix}…"

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request, queryset) -> None:
        count = partner_token_revoke(token_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the row says when it was used and revoked


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("at", "status", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Every delivery and each of its attempts, read-only; failed ones can be retried."""

    list_display = (
        "created_at",
        "partner",
        "event",
        "published",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("state", "event", "partner")
    search_fields = ("delivery_id", "url", "last_error", "partner__name")
    list_select_related = ("partner", "published")
    date_hierarchy = "created_at"
    fields = (
        "delivery_id",
        "partner",
        "published",
        "event",
        "url",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "payload_display",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["retry_deliveries"]

    @admin.display(description="Payload")
    def payload_display(self, obj: WebhookDelivery) -> str:
        text = json.dumps(obj.payload, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html("<pre>{}</pre>", text)

    @admin.action(description="Retry selected failed deliveries now", permissions=["change"])
    def retry_deliveries(self, request, queryset) -> None:
        count = webhook_deliveries_retry(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"Queued {count} failed delivery(ies) again.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False
