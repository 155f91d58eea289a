"""The article list, the reviewer's queue, and adding an article."""

from django.urls import path

from annotations.ingest import views

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
]
