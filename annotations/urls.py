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
    # The review page's fragments and writes (annotations/review_views.py).
    path(
        "articles/<int:pk>/statements/",
        review_views.StatementAddView.as_view(),
        name="statement_add",
    ),
    path("articles/<int:pk>/mentions/", review_views.MentionAddView.as_view(), name="mention_add"),
    path(
        "statements/<int:pk>/panel/",
        review_views.StatementPanelView.as_view(),
        name="statement_panel",
    ),
    path(
        "statements/<int:pk>/verdict/",
        review_views.VerdictSaveView.as_view(),
        name="verdict_save",
    ),
    path(
        "statements/<int:pk>/dismiss/",
        review_views.StatementDismissView.as_view(),
        name="statement_dismiss",
    ),
    path(
        "statements/<int:pk>/restore/",
        review_views.StatementRestoreView.as_view(),
        name="statement_restore",
    ),
    path(
        "statements/<int:pk>/assign/",
        review_views.StatementAssignView.as_view(),
        name="statement_assign",
    ),
    path(
        "mentions/<int:pk>/relabel/",
        review_views.MentionRelabelView.as_view(),
        name="mention_relabel",
    ),
    path(
        "mentions/<int:pk>/remove/",
        review_views.MentionRemoveView.as_view(),
        name="mention_remove",
    ),
]
