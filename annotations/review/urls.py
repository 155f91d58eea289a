"""The review page, its fragments and its writes."""

from django.urls import path

from annotations.review import lists, views

urlpatterns = [
    path("", lists.ArticleListView.as_view(), name="article_list"),
    path("queue/", lists.QueueView.as_view(), name="queue"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<int:pk>/text/", views.ArticleTextView.as_view(), name="article_text"),
    path(
        "articles/<int:pk>/tagging/",
        views.ArticleTaggingView.as_view(),
        name="article_tagging",
    ),
    path(
        "articles/<int:pk>/statements/",
        views.StatementAddView.as_view(),
        name="statement_add",
    ),
    path("articles/<int:pk>/mentions/", views.MentionAddView.as_view(), name="mention_add"),
    path(
        "statements/<int:pk>/panel/",
        views.StatementPanelView.as_view(),
        name="statement_panel",
    ),
    path(
        "statements/<int:pk>/verdict/",
        views.VerdictSaveView.as_view(),
        name="verdict_save",
    ),
    path(
        "statements/<int:pk>/reuse/",
        views.VerdictReuseView.as_view(),
        name="verdict_reuse",
    ),
    path(
        "statements/<int:pk>/dismiss/",
        views.StatementDismissView.as_view(),
        name="statement_dismiss",
    ),
    path(
        "statements/<int:pk>/restore/",
        views.StatementRestoreView.as_view(),
        name="statement_restore",
    ),
    path(
        "statements/<int:pk>/assign/",
        views.StatementAssignView.as_view(),
        name="statement_assign",
    ),
    path(
        "mentions/<int:pk>/relabel/",
        views.MentionRelabelView.as_view(),
        name="mention_relabel",
    ),
    path(
        "mentions/<int:pk>/remove/",
        views.MentionRemoveView.as_view(),
        name="mention_remove",
    ),
]
