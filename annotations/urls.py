from django.urls import path

from annotations import views

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<int:pk>/text/", views.ArticleTextView.as_view(), name="article_text"),
    path("articles/<int:pk>/tagging/", views.ArticleTaggingView.as_view(), name="article_tagging"),
]
