"""Adding an article."""

from django.urls import path

from annotations.ingest import views

urlpatterns = [
    path("articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
]
