from django.urls import path

from annotations import review_views, views

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
    path("articles/<int:pk>/", review_views.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<int:pk>/text/", review_views.ArticleTextView.as_view(), name="article_text"),
    path(
        "articles/<int:pk>/tagging/",
        review_views.ArticleTaggingView.as_view(),
        name="article_tagging",
    ),
]
