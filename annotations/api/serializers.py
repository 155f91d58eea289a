"""Explicit input and output serializers of the partner API.

Output objects are built by annotations.api.claimreview (one definition of the shape for
the API, exports and webhooks); the output serializers here declare that shape for the
OpenAPI schema and pass the built dicts through.
"""

from rest_framework import serializers

from annotations.api.claimreview import claimreview_or_tombstone
from annotations.models import Verdict
from annotations.services.articles import TITLE_MAX_CHARS


class _Typed(serializers.Serializer):
    """A JSON-LD object: its fields may be named "@type" or "@context"."""

    extra_fields: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        fields.update({name: field() for name, field in self.extra_fields.items()})
        return fields


class OrganizationSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    name = serializers.CharField()
    url = serializers.URLField(required=False)


class PersonSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    name = serializers.CharField()


class RatingSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    alternateName = serializers.ChoiceField(choices=[label for _, label in Verdict.Rating.choices])
    ratingValue = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="Only on the five-step scale."
    )
    bestRating = serializers.IntegerField(required=False)
    worstRating = serializers.IntegerField(required=False)


class AppearanceSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    headline = serializers.CharField()
    url = serializers.URLField(required=False)
    datePublished = serializers.DateField(required=False)
    publisher = OrganizationSerializer(required=False)


class ClaimSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    author = PersonSerializer(required=False, help_text="The speaker, when known.")
    datePublished = serializers.DateField(required=False)
    appearance = AppearanceSerializer()


class CitationSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    url = serializers.URLField()
    name = serializers.CharField(required=False)
    publisher = OrganizationSerializer(required=False)


class CorrectionSerializer(_Typed):
    extra_fields = {"@type": serializers.CharField}
    datePublished = serializers.DateTimeField()
    text = serializers.CharField()


class ClaimReviewSerializer(_Typed):
    """A published verdict as schema.org ClaimReview."""

    extra_fields = {"@context": serializers.CharField, "@type": serializers.CharField}
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The verdict's page on this site.")
    claimReviewed = serializers.CharField()
    datePublished = serializers.DateTimeField()
    dateModified = serializers.DateTimeField()
    author = OrganizationSerializer()
    reviewRating = RatingSerializer()
    reviewBody = serializers.CharField()
    itemReviewed = ClaimSerializer()
    citation = CitationSerializer(many=True)
    withdrawn = serializers.BooleanField()
    correction = CorrectionSerializer(required=False)

    def to_representation(self, instance):
        return claimreview_or_tombstone(instance)


class TombstoneSerializer(serializers.Serializer):
    """A withdrawn verdict, in incremental sync: take it down."""

    id = serializers.IntegerField()
    withdrawn = serializers.BooleanField()
    withdrawnAt = serializers.DateTimeField()
    dateModified = serializers.DateTimeField()
    url = serializers.URLField()


class ClaimReviewFilterSerializer(serializers.Serializer):
    """Query parameters of the ClaimReview list and exports."""

    updated_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601; only records modified at or after it."
    )
    verdict = serializers.ChoiceField(choices=Verdict.Rating.values, required=False)
    article = serializers.IntegerField(required=False, min_value=1)
    entity = serializers.IntegerField(required=False, min_value=1)


# --- Articles -------------------------------------------------------------------------

# Offsets index the article body: Unicode code points (Python str indices), not UTF-16
# code units (JavaScript string indices), so an emoji counts as one.
_START_HELP = (
    "Offset of the first character in the article body, in Unicode code points (Python"
    " str indices), not UTF-16 code units."
)
_END_HELP = (
    "Offset just past the last character in the article body, in Unicode code points"
    " (Python str indices), not UTF-16 code units: body[start:end] == text."
)


class FigureSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.IntegerField(help_text=_START_HELP)
    end = serializers.IntegerField(help_text=_END_HELP)
    kind = serializers.CharField()


class EntityMentionOutSerializer(serializers.Serializer):
    text = serializers.CharField()
    label = serializers.CharField()
    start = serializers.IntegerField(help_text=_START_HELP)
    end = serializers.IntegerField(help_text=_END_HELP)
    entity_id = serializers.IntegerField()
    entity = serializers.CharField(source="entity.name")


class SourceOutSerializer(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    quote = serializers.CharField(allow_blank=True)
    accessed_at = serializers.DateTimeField()


class PublishedStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.IntegerField(help_text=_START_HELP)
    end = serializers.IntegerField(help_text=_END_HELP)
    text = serializers.CharField()
    speaker = serializers.CharField(allow_blank=True)
    figures = FigureSerializer(many=True)
    claimreview_id = serializers.IntegerField(source="published.pk")
    verdict = serializers.CharField(source="published.get_rating_display")
    explanation = serializers.CharField(source="published.explanation")
    sources = SourceOutSerializer(many=True, source="published.sources")
    entities = EntityMentionOutSerializer(many=True, source="published_mentions")


class ArticleListOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    published_count = serializers.IntegerField(help_text="Published verdicts in it.")


class ArticleDetailOutSerializer(ArticleListOutSerializer):
    body = serializers.CharField(help_text="Offsets below index this text.")
    statements = PublishedStatementSerializer(many=True, source="published_statements")


class ArticleInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_CHARS, required=False, allow_blank=True)
    text = serializers.CharField(trim_whitespace=False, help_text="One paragraph per line.")
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, max_length=16, default="en")

    def validate_source_url(self, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https URLs.")
        return value


class DetectedStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.IntegerField(help_text=_START_HELP)
    end = serializers.IntegerField(help_text=_END_HELP)
    text = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    figures = FigureSerializer(many=True)
    speaker = serializers.CharField(allow_blank=True)


class IngestedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    sha256 = serializers.CharField(source="body_sha256")
    created = serializers.BooleanField()
    statements = DetectedStatementSerializer(many=True, source="detected_statements")
    tagging = serializers.CharField(source="tagging_job.state")
