"""Adding an article."""

from django.urls import path

from annotations.ingest import views

urlpatterns = [
    path("articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
    path("articles/<int:pk>/revise/", views.ArticleCreateView.as_view(), name="article_revise"),
    path(
        "articles/<int:pk>/source/",
        views.ArchivedSourceView.as_view(),
        name="article_archived_source",
    ),
]
