from django.contrib import admin

from annotations.models import (
    Article,
    Entity,
    EntityAlias,
    EntityMention,
    PublishedVerdict,
    ReviewEvent,
    Statement,
    TaggingJob,
    Verdict,
    VerdictSource,
)


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ("order", "text", "score", "speaker", "review_state", "origin")
    readonly_fields = ("order", "text", "score", "speaker", "origin")
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
    readonly_fields = ("article", "start", "end", "text", "order", "figures", "created_at")

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
