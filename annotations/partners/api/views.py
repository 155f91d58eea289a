"""The partner API views: one class per resource, explicit input and output serializers,
logic in selectors and services."""

import json
from collections.abc import Iterator

from django.contrib.auth.models import User
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.fields import empty
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.ingest.pages import page_fetch, page_uploaded
from annotations.ingest.services import article_ingest, article_page_ingest
from annotations.models import Article
from annotations.partners.api import serializers as s
from annotations.partners.api.errors import request_too_large_message
from annotations.partners.api.pagination import ArticleCursorPagination, SyncCursorPagination
from annotations.partners.api.permissions import CanIngest
from annotations.partners.api.renderers import WebAnnotationRenderer
from annotations.publishing.claimreview import claimreview_example
from annotations.publishing.export import annotations_export, csv_export, ndjson_export
from annotations.publishing.selectors import (
    PAGE_ROW_DOCUMENT_JSON,
    api_article_get,
    api_article_list,
    claimreview_page_query,
    published_public_get,
)
from annotations.publishing.webannotation import MEDIA_TYPE as ANNOTATION_MEDIA_TYPE
from annotations.publishing.webannotation import web_annotation_build
from annotations.review.matches import statement_matches

ARTICLE_IN = PolymorphicProxySerializer(
    component_name="ArticleIn",
    serializers=[s.ArticleTextInSerializer, s.ArticleUrlInSerializer, s.ArticleHtmlInSerializer],
    resource_type_field_name=None,
)
CLAIMREVIEW_OR_TOMBSTONE = PolymorphicProxySerializer(
    component_name="ClaimReviewOrTombstone",
    serializers=[s.ClaimReviewSerializer, s.TombstoneSerializer],
    resource_type_field_name=None,
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    response=[429],
    required=True,
    description="Seconds to wait before the next request.",
)
ERRORS = {
    400: OpenApiResponse(
        s.VALIDATION_ERROR_SCHEMA, description="A malformed parameter or field, named."
    ),
    401: OpenApiResponse(s.ErrorSerializer, description="No token, or an unknown one."),
    403: OpenApiResponse(s.ErrorSerializer, description="This client may not do this."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such record."),
    406: OpenApiResponse(
        s.ErrorSerializer, description="The Accept header names no format this endpoint serves."
    ),
    413: OpenApiResponse(s.ErrorSerializer, description=request_too_large_message()),
    415: OpenApiResponse(s.ErrorSerializer, description="The body is not JSON."),
    422: OpenApiResponse(
        s.VALIDATION_ERROR_SCHEMA,
        description="The page (url or html) could not be fetched or holds no article text, "
        "or published_on is a date in the future; the message is under the field.",
    ),
    429: OpenApiResponse(s.ErrorSerializer, description="Over this client's rate."),
    500: OpenApiResponse(s.ErrorSerializer, description="A server error, or an outage."),
}


def error_responses(*codes: int) -> dict:
    """The documented error responses: every operation can get 401, 403, 406, 429 and
    500."""
    return {code: ERRORS[code] for code in sorted({*codes, 401, 403, 406, 429, 500})}


# A GET that is not streamed carries an ETag (ConditionalGetMiddleware): sent back in
# If-None-Match, it is answered 304 while the response would be the same.
NOT_MODIFIED = {
    304: OpenApiResponse(
        description="Not modified: If-None-Match names this response's ETag. No body."
    )
}


class _BuiltExample(OpenApiExample):
    """An example whose value the ClaimReview builder makes when the schema is generated:
    the builder reverses URLs, which cannot happen while the URLconf imports this module.
    (drf-spectacular may set ``value`` on a copy, e.g. to wrap it in a page: kept.)"""

    def __init__(self, name: str, *, build, **kwargs) -> None:
        self._build = build
        super().__init__(name, **kwargs)

    @property
    def value(self):
        value = self.__dict__.get("_value", empty)
        return self._build() if value is empty else value

    @value.setter
    def value(self, value) -> None:
        self.__dict__["_value"] = value


CLAIMREVIEW_EXAMPLE = _BuiltExample(
    "A published verdict", build=claimreview_example, response_only=True
)


def _query(serializer_class, request: Request) -> dict:
    # Most pages carry no filter (a partner syncing everything): undeclared parameters are
    # ignored anyway, and building the serializer deep-copies every field (a tenth of a
    # list page's time), so an empty set of filters is not validated.
    if request.query_params.keys().isdisjoint(serializer_class._declared_fields):
        return {}
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class ClaimReviewListView(ListAPIView):
    """Published verdicts as ClaimReview, in modification order (cursor pagination)."""

    pagination_class = SyncCursorPagination
    serializer_class = s.ClaimReviewSerializer
    # get() writes the JSON itself; this renders only errors (no browsable API: choosing
    # between renderers was a few per cent of every request).
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="claimreviews_list",
        parameters=[s.ClaimReviewFilterSerializer, RETRY_AFTER],
        responses={200: CLAIMREVIEW_OR_TOMBSTONE, **NOT_MODIFIED, **error_responses(400)},
        examples=[CLAIMREVIEW_EXAMPLE],
        description=(
            "Published verdicts in modification order, then id. Keep the `next` cursor (or "
            "the last `dateModified` as `updated_since`) to sync incrementally: no record is "
            "missed or repeated while editors publish. A corrected verdict comes back with a "
            "new `dateModified`; a withdrawn one as a tombstone `{id, withdrawn, withdrawnAt}`."
            " Rating scale: True 5, Mostly true 4, Half true 3, Mostly false 2, False 1; "
            "Misleading and Unverifiable have `alternateName` only."
        ),
    )
    def get(self, request: Request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]
        # The documents are frozen at publication: the page is their stored JSON text put
        # together, not models decoded and encoded again.
        paginator = self.paginator
        assert isinstance(paginator, SyncCursorPagination)
        filters = _query(s.ClaimReviewFilterSerializer, request)
        # DRF reads the page query as it reads a queryset (ClaimReviewPageQuery says how).
        page = claimreview_page_query(**filters)
        rows: list | None = paginator.paginate_queryset(page, request)  # type: ignore[arg-type]
        assert rows is not None
        links = json.dumps(
            {"next": paginator.get_next_link(), "previous": paginator.get_previous_link()}
        )
        documents = ",".join(row[PAGE_ROW_DOCUMENT_JSON] for row in rows)
        body = "".join([links[:-1], ',"results":[', documents, "]}"])
        return HttpResponse(body.encode(), content_type="application/json")


def _published_or_404(pk: int):
    # As committed, not held back like the lists (published_settled): that lag only
    # keeps incremental sync from skipping a late commit, and held back here it made
    # a verdict being corrected or withdrawn a 404 for API_SYNC_LAG_SECONDS.
    published = published_public_get(published_id=pk)
    if published is None:
        raise NotFound("No published verdict with this id.")
    return published


ANNOTATION_DESCRIPTION = (
    "The verdict as a W3C Web Annotation (JSON-LD): a TextualBody with the rating and "
    "explanation, and a target with the article's source URL, a TextQuoteSelector (the "
    "statement with up to 32 characters before and after) and a TextPositionSelector "
    "(offsets in Unicode code points into the article's text). A withdrawn verdict is an "
    "annotation without `body`. Changes only with the ClaimReview's `dateModified`."
)


def _annotation_response(published) -> Response:
    # The profile says which JSON-LD this is (the renderer cannot declare it, see there).
    return Response(web_annotation_build(published=published), content_type=ANNOTATION_MEDIA_TYPE)


class ClaimReviewDetailView(APIView):
    # JSON (the ClaimReview), or the Web Annotation for a client that asks for it.
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, WebAnnotationRenderer]

    @extend_schema(
        operation_id="claimreviews_retrieve",
        parameters=[RETRY_AFTER],
        responses={
            (200, "application/json"): CLAIMREVIEW_OR_TOMBSTONE,
            (200, ANNOTATION_MEDIA_TYPE): s.WebAnnotationSerializer,
            **NOT_MODIFIED,
            **error_responses(404),
        },
        examples=[CLAIMREVIEW_EXAMPLE],
        description=(
            "One published verdict as it stands now: its ClaimReview, or its tombstone once "
            "withdrawn. Served from the moment it is published, through every correction "
            "and withdrawal (the lists hold the last seconds' changes back for sync; this "
            f"does not). With `Accept: {ANNOTATION_MEDIA_TYPE}`, its Web Annotation instead "
            "(as `/annotation/`)."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        published = _published_or_404(pk)
        if isinstance(request.accepted_renderer, WebAnnotationRenderer):
            return _annotation_response(published)
        return Response(s.ClaimReviewSerializer(published).data)


class ClaimReviewAnnotationView(APIView):
    # The annotation's own URL: JSON-LD unless the client asks for plain JSON.
    renderer_classes = [WebAnnotationRenderer, JSONRenderer]

    @extend_schema(
        operation_id="claimreviews_annotation",
        parameters=[RETRY_AFTER],
        responses={
            (200, ANNOTATION_MEDIA_TYPE): s.WebAnnotationSerializer,
            (200, "application/json"): s.WebAnnotationSerializer,
            **NOT_MODIFIED,
            **error_responses(404),
        },
        description=ANNOTATION_DESCRIPTION,
    )
    def get(self, request: Request, pk: int) -> Response:
        published = _published_or_404(pk)
        if isinstance(request.accepted_renderer, WebAnnotationRenderer):
            return _annotation_response(published)
        return Response(web_annotation_build(published=published))


class ClaimReviewRelatedView(APIView):
    @extend_schema(
        operation_id="claimreviews_related",
        parameters=[RETRY_AFTER],
        responses={200: s.RelatedClaimReviewsSerializer, **NOT_MODIFIED, **error_responses(404)},
        description=(
            "Published verdicts on claims that resemble this one, best first (at most 3): "
            "the same claim checked before, in other words, by sentence embeddings "
            "(all-MiniLM-L6-v2) with a figure check. A withdrawn verdict has none."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        published = _published_or_404(pk)
        matches = [] if published.is_withdrawn else statement_matches(statement=published.statement)
        data = s.RelatedClaimReviewsSerializer({"results": matches}, context={"request": request})
        return Response(data.data)


class ArticleListView(ListAPIView):
    """Articles with published verdicts; POST ingests an article (trusted clients)."""

    permission_classes = [CanIngest]
    pagination_class = ArticleCursorPagination
    serializer_class = s.ArticleListOutSerializer

    def get_queryset(self):
        return api_article_list()

    @extend_schema(
        operation_id="articles_list",
        parameters=[RETRY_AFTER],
        responses={
            200: s.ArticleListOutSerializer(many=True),
            **NOT_MODIFIED,
            **error_responses(400),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="articles_create",
        request=ARTICLE_IN,
        parameters=[RETRY_AFTER],
        responses={
            201: s.IngestedArticleSerializer,
            200: s.IngestedArticleSerializer,
            **error_responses(400, 413, 415, 422),
        },
        description="Ingest an article, from its text, a web page's URL or a saved page's "
        "HTML, and get its detected statements back. The same text sent again returns the "
        "existing article with 200.",
    )
    def post(self, request: Request) -> Response:
        data = s.ArticleInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        url, html = fields.pop("url", None), fields.pop("html", None)
        # An editor's session has a User; a partner's token does not (PartnerPrincipal).
        user = request.user if isinstance(request.user, User) else None
        fields.update(channel=Article.Channel.API, created_by=user)
        if url is not None:
            result = article_page_ingest(page=page_fetch(url=url), **fields)
        elif html is not None:
            page = page_uploaded(
                content=html.encode("utf-8"), source_url=fields.pop("source_url", "")
            )
            result = article_page_ingest(page=page, field="html", **fields)
        else:
            result = article_ingest(**fields)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(s.IngestedArticleSerializer(result).data, status=code)


class ArticleDetailView(APIView):
    @extend_schema(
        operation_id="articles_retrieve",
        parameters=[RETRY_AFTER],
        responses={200: s.ArticleDetailOutSerializer, **NOT_MODIFIED, **error_responses(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        article = api_article_get(article_id=pk)
        if article is None:
            raise NotFound("No article with published verdicts has this id.")
        return Response(s.ArticleDetailOutSerializer(article).data)


class ExportView(APIView):
    """Every published verdict (or those modified since `updated_since`), streamed from the
    database row by row: memory does not grow with the number of rows."""

    format_name = "ndjson"

    def get(self, request: Request) -> StreamingHttpResponse:
        since = _query(s.ExportFilterSerializer, request).get("updated_since")
        body: Iterator[bytes | str]
        if self.format_name == "csv":
            body, content_type = csv_export(updated_since=since), "text/csv; charset=utf-8"
        elif self.format_name == "annotations.ndjson":
            body, content_type = annotations_export(updated_since=since), "application/x-ndjson"
        else:
            body, content_type = ndjson_export(updated_since=since), "application/x-ndjson"
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="claimreviews.{self.format_name}"'
        return response


@extend_schema_view(
    get=extend_schema(
        operation_id="export_ndjson",
        parameters=[s.ExportFilterSerializer, RETRY_AFTER],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                str, description="One ClaimReview or tombstone a line."
            ),
            **error_responses(400),
        },
    )
)
class NdjsonExportView(ExportView):
    format_name = "ndjson"


@extend_schema_view(
    get=extend_schema(
        operation_id="export_csv",
        parameters=[s.ExportFilterSerializer, RETRY_AFTER],
        responses={
            (200, "text/csv"): OpenApiResponse(
                str,
                description="A header, then one verdict a row; UTF-8, LF line ends, quoted "
                "only where a cell holds a comma, a quote or a line break.",
            ),
            **error_responses(400),
        },
    )
)
class CsvExportView(ExportView):
    format_name = "csv"


@extend_schema_view(
    get=extend_schema(
        operation_id="export_annotations",
        parameters=[s.ExportFilterSerializer, RETRY_AFTER],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                str, description="One Web Annotation (JSON-LD) a line; see `/annotation/`."
            ),
            **error_responses(400),
        },
    )
)
class AnnotationsExportView(ExportView):
    format_name = "annotations.ndjson"
