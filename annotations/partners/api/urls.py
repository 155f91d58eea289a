"""/api/v1/ and the schema. API views authenticate themselves (token or session), so they
are exempt from the site's LoginRequiredMiddleware, which would redirect a partner to the
login page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from annotations.partners.api import views


def public(view):
    return login_not_required(view)


urlpatterns = [
    path("v1/claimreviews/", public(views.ClaimReviewListView.as_view()), name="api_claimreviews"),
    path(
        "v1/claimreviews/<int:pk>/",
        public(views.ClaimReviewDetailView.as_view()),
        name="api_claimreview",
    ),
    path(
        "v1/claimreviews/<int:pk>/related/",
        public(views.ClaimReviewRelatedView.as_view()),
        name="api_claimreview_related",
    ),
    path(
        "v1/claimreviews/<int:pk>/annotation/",
        public(views.ClaimReviewAnnotationView.as_view()),
        name="api_claimreview_annotation",
    ),
    path("v1/articles/", public(views.ArticleListView.as_view()), name="api_articles"),
    path("v1/articles/<int:pk>/", public(views.ArticleDetailView.as_view()), name="api_article"),
    path(
        "v1/export.ndjson",
        public(views.NdjsonExportView.as_view()),
        name="api_export_ndjson",
    ),
    path("v1/export.csv", public(views.CsvExportView.as_view()), name="api_export_csv"),
    path(
        "v1/export.annotations.ndjson",
        public(views.AnnotationsExportView.as_view()),
        name="api_export_annotations",
    ),
    path(
        "schema/",
        public(
            SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[])
        ),
        name="api_schema",
    ),
    path(
        "docs/",
        public(
            SpectacularSwaggerSplitView.as_view(
                url_name="api_schema", permission_classes=[AllowAny], authentication_classes=[]
            )
        ),
        name="api_docs",
    ),
]
