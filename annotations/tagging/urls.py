"""Tagging job controls."""

from django.urls import path

from annotations.tagging import views

urlpatterns = [
    path(
        "articles/<int:pk>/tagging/retry/",
        views.TaggingRetryView.as_view(),
        name="tagging_retry",
    ),
]
