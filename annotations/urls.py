from django.urls import path

from annotations import views

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
]
