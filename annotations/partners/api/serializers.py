"""Explicit input and output serializers of the partner API.

Output objects are built by annotations.publishing.claimreview (one definition of the shape for
the API, exports and webhooks); the ClaimReview serializers here only describe that shape
for the OpenAPI schema and pass the built dicts through
(tests/publishing/test_api_claimreview.py checks their fields against the builder's keys,
so the two cannot drift).
"""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from annotations.ingest.services import TITLE_MAX_CHARS
from annotations.models import Verdict
from annotations.partners.api.fields import (
    NO_NUL_PATTERN,
    HttpURLField,
    QueryParametersSerializer,
    RFC3339DateTimeField,
    StrictCharField,
    StrictDateField,
    WireIntegerField,
)
from annotations.publishing.claimreview import claimreview_or_tombstone
from annotations.publishing.selectors import ID_MAX

# Control characters (but tab, LF, CR) and what str.isspace() calls white space: an
# article's text must have a character that is neither, and no control character. (Spelled
# out: JSON Schema's regex dialect and Python's disagree on what \s covers.)
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f"
_SPACE = r"\t\n\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT_PATTERN = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


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


class ClaimantSerializer(_Typed):
    """Who made the claim: a person, or a body such as a statistics office or a ministry."""

    extra_fields = {
        "@type": lambda: serializers.ChoiceField(
            choices=["Person", "Organization"],
            help_text="As the fact-checkers approved it: Organization for a body (a "
            "statistics office, a ministry), Person for a person.",
        )
    }
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
    author = ClaimantSerializer(required=False, help_text="The speaker, when known.")
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


class AnnotationCreatorSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    homepage = serializers.URLField()


class AnnotationBodySerializer(_Typed):
    """The verdict as text (a TextualBody, purpose "assessing"), or a link to its page (a
    SpecificResource, purpose "describing")."""

    # "source" is a Field attribute in DRF: declared this way to be a field.
    extra_fields = {
        "source": lambda: serializers.URLField(
            required=False, help_text="The verdict's page on this site."
        )
    }
    type = serializers.ChoiceField(choices=["TextualBody", "SpecificResource"])
    purpose = serializers.ChoiceField(choices=["assessing", "describing"])
    value = serializers.CharField(required=False, help_text="The rating, then the explanation.")
    format = serializers.CharField(required=False)


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


class AnnotationSelectorSerializer(serializers.Serializer):
    """A TextQuoteSelector (``exact`` with up to 32 characters of ``prefix`` and
    ``suffix``, none at the article's start or end) or a TextPositionSelector (``start``,
    ``end``: offsets in Unicode code points into the article's text)."""

    type = serializers.ChoiceField(choices=["TextQuoteSelector", "TextPositionSelector"])
    exact = serializers.CharField(required=False)
    prefix = serializers.CharField(required=False)
    suffix = serializers.CharField(required=False)
    start = serializers.IntegerField(required=False, min_value=0, help_text=_START_HELP)
    end = serializers.IntegerField(required=False, min_value=0, help_text=_END_HELP)


class AnnotationTargetSerializer(_Typed):
    extra_fields = {
        "source": lambda: serializers.URLField(
            help_text="The article's source URL, else its record in this API (which has the text)."
        )
    }
    selector = AnnotationSelectorSerializer(many=True)


class WebAnnotationSerializer(_Typed):
    """A published verdict as a W3C Web Annotation; a withdrawn one has no ``body``."""

    extra_fields = {"@context": serializers.CharField}
    id = serializers.URLField(help_text="This annotation's URL in the API.")
    type = serializers.CharField()
    motivation = serializers.CharField()
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()
    creator = AnnotationCreatorSerializer(required=False)
    body = AnnotationBodySerializer(many=True, required=False)
    target = AnnotationTargetSerializer()


class ExportFilterSerializer(QueryParametersSerializer):
    """Query parameters of the exports."""

    updated_since = RFC3339DateTimeField(
        required=False,
        help_text="Only records modified at or after this instant (RFC 3339, e.g. a record's "
        "`dateModified`; in a URL write + as %2B).",
    )


class ClaimReviewFilterSerializer(ExportFilterSerializer):
    """Query parameters of the ClaimReview list."""

    verdict = serializers.ChoiceField(choices=Verdict.Rating.values, required=False)
    article = WireIntegerField(required=False, min_value=1, max_value=ID_MAX)
    entity = StrictCharField(
        required=False,
        min_length=1,
        max_length=300,
        pattern=NO_NUL_PATTERN,
        pattern_message="An entity id, or an entity name (without NUL characters).",
        help_text="A canonical entity's id, or its name or an alias tagging found it under "
        '(any case, e.g. "EU" for the European Union): verdicts on statements that mention '
        "it.",
    )
    claimant = StrictCharField(
        required=False,
        min_length=1,
        max_length=200,
        pattern=NO_NUL_PATTERN,
        pattern_message="A claimant's name (without NUL characters).",
        help_text="The claimant's name (any case), as in `itemReviewed.author.name`: the "
        "claimant's record.",
    )


# --- Errors ---------------------------------------------------------------------------


class RelatedClaimReviewSerializer(serializers.Serializer):
    """A published verdict on a claim that resembles this one ("checked before")."""

    claimreview = serializers.IntegerField(
        source="published.pk", help_text="The id of the related ClaimReview."
    )
    url = serializers.SerializerMethodField(help_text="Its API address.")
    score = serializers.FloatField(
        help_text="Similarity, 0 to 1: the cosine of the claims' sentence vectors, lowered "
        "when both state figures and share none. Only scores at or above the site's "
        "threshold are listed."
    )
    rating = serializers.CharField(source="published.rating")
    claimReviewed = serializers.CharField(
        source="published.quote", help_text="The related claim's sentence, as approved."
    )

    def get_url(self, match) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api_claimreview", args=[match.published.pk])
        )


class RelatedClaimReviewsSerializer(serializers.Serializer):
    results = RelatedClaimReviewSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# What a 400 carries: the bad parameters or fields, each with its messages (or "detail").
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each malformed parameter or field with its messages; a body that is not "
    "JSON has `detail` instead.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}


# --- Articles -------------------------------------------------------------------------


class FigureSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.IntegerField(help_text=_START_HELP)
    end = serializers.IntegerField(help_text=_END_HELP)
    kind = serializers.CharField()


class EntityMentionOutSerializer(serializers.Serializer):
    text = serializers.CharField()
    # DRF's metaclass takes declared fields off the class, so this does not replace
    # Field.label at run time; the stubs cannot know that.
    label = serializers.CharField()  # type: ignore[assignment]
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
    speaker = serializers.CharField(
        allow_blank=True, help_text="As detected in the text; `claimant` is as approved."
    )
    figures = FigureSerializer(many=True)
    claimreview_id = serializers.IntegerField(source="published.pk")
    claim_reviewed = serializers.CharField(
        help_text="The ClaimReview's claimReviewed: the fact-checkers' short summary of the "
        "claim, or the sentence itself (`text`)."
    )
    claimant = ClaimantSerializer(
        allow_null=True, help_text="The ClaimReview's itemReviewed.author; null when unknown."
    )
    verdict = serializers.CharField(source="published.get_rating_display")
    explanation = serializers.CharField(source="published.explanation")
    sources = SourceOutSerializer(many=True, source="published.sources")
    entities = EntityMentionOutSerializer(many=True, source="mentions")


_REVISION_HELP = (
    "1 for an article's first text; a new text with the same source URL is the next "
    "revision, a new article id whose statements were re-anchored from the previous one."
)


class ArticleListOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    revision = serializers.IntegerField(help_text=_REVISION_HELP)
    previous_revision = serializers.IntegerField(
        source="previous_revision_id",
        allow_null=True,
        help_text="The article id of the revision this text replaces; null for a first text.",
    )
    source_url = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    published_count = serializers.IntegerField(help_text="Published verdicts in it.")


class ArticleDetailOutSerializer(ArticleListOutSerializer):
    body = serializers.CharField(help_text="Offsets below index this text.")
    statements = PublishedStatementSerializer(many=True)


ARTICLE_SOURCES = ("text", "url", "html")


class ArticleInSerializer(serializers.Serializer):
    """An article to ingest from exactly one source: its text, a web page's URL, or a
    saved page's HTML (the article is extracted from the page, which is archived)."""

    title = StrictCharField(
        max_length=TITLE_MAX_CHARS,
        required=False,
        allow_blank=True,
        pattern=NO_NUL_PATTERN,
        help_text="Leave out to use the first line of the text.",
    )
    text = StrictCharField(
        required=False,
        max_length=settings.ARTICLE_MAX_CHARS,
        pattern=TEXT_PATTERN,
        pattern_message="The text must have a character other than white space, and no "
        "control character but tab and line breaks.",
        help_text="One paragraph per line. At least one character other than white space; "
        "no control characters but tab, LF and CR.",
    )
    url = HttpURLField(
        required=False,
        max_length=2000,
        help_text="A web page to fetch and extract the article from (its title, publisher "
        "and date too, unless given). It must be public: private addresses are refused.",
    )
    html = StrictCharField(
        required=False,
        max_length=settings.INGEST_URL_MAX_BYTES,
        pattern=NO_NUL_PATTERN,
        help_text="A saved web page's HTML to extract the article from.",
    )
    source_url = HttpURLField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="An http or https URL; not with url, which is the source.",
    )
    publisher = StrictCharField(
        required=False, allow_blank=True, max_length=200, pattern=NO_NUL_PATTERN
    )
    published_on = StrictDateField(required=False, allow_null=True)
    language = StrictCharField(
        required=False,
        max_length=16,
        pattern=LANGUAGE_PATTERN,
        pattern_message="A language tag such as en or en-GB.",
        help_text="A language tag; en when left out.",
    )

    def validate_publisher(self, value: str) -> str:
        return value.strip()

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ARTICLE_SOURCES if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                {name: ["Send exactly one of text, url and html."] for name in given or ["text"]}
            )
        if "url" in attrs and attrs.get("source_url"):
            raise serializers.ValidationError(
                {"source_url": ["Leave source_url out with url: the page is the source."]}
            )
        return attrs


def _article_in_with(source: str) -> type[ArticleInSerializer]:
    """The request's schema when the article comes from ``source`` (the one required
    field of the three; the others left out)."""

    def __init__(self, *args, **kwargs) -> None:
        ArticleInSerializer.__init__(self, *args, **kwargs)
        for name in ARTICLE_SOURCES:
            if name != source:
                self.fields.pop(name)
        self.fields[source].required = True
        if source == "url":
            self.fields.pop("source_url")

    name = f"Article{source.capitalize()}In"
    return type(f"{name}Serializer", (ArticleInSerializer,), {"__init__": __init__})


ArticleTextInSerializer = _article_in_with("text")
ArticleUrlInSerializer = _article_in_with("url")
ArticleHtmlInSerializer = _article_in_with("html")


class DetectedStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.IntegerField(help_text=_START_HELP)
    end = serializers.IntegerField(help_text=_END_HELP)
    text = serializers.CharField()
    score = serializers.FloatField(help_text="Check-worthiness, 0 to 1.")
    scored_by = serializers.ChoiceField(
        choices=["rules", "model"],
        help_text="rules: provisional, from ingestion; the tagging job's trained model then "
        "confirms (model) or drops the statement.",
    )
    reasons = serializers.ListField(child=serializers.CharField())
    figures = FigureSerializer(many=True)
    speaker = serializers.CharField(allow_blank=True)
    anchor = serializers.ChoiceField(
        choices=["", "carried", "changed"],
        help_text="On a new revision of an article: carried (the desk's statement, found "
        "unchanged) or changed (found reworded; previous_text has the old wording); empty "
        "for a statement found in this text.",
    )
    previous_text = serializers.CharField(allow_blank=True)


class IngestedArticleSerializer(serializers.Serializer):
    """An ingest.services.IngestResult: the article, its statements in text order (the
    model's ordering), and whether it is new."""

    id = serializers.IntegerField(source="article.id")
    title = serializers.CharField(source="article.title")
    sha256 = serializers.CharField(source="article.body_sha256")
    created = serializers.BooleanField()
    revision = serializers.IntegerField(source="article.revision", help_text=_REVISION_HELP)
    previous_revision = serializers.IntegerField(
        source="article.previous_revision_id",
        allow_null=True,
        help_text="The article id of the revision this text replaces; null for a first text.",
    )
    statements = DetectedStatementSerializer(many=True, source="article.statements")
    tagging = serializers.CharField(
        source="article.tagging_job.state",
        allow_null=True,
        help_text="queued, running, succeeded or failed; null for an article stored without "
        "a tagging job (not one ingested through the site).",
    )
