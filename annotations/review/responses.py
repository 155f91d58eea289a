"""What the review page answers: the page and its text pane, and the two kinds of answer
a write gets (the panel fragment or JSON for the page's script; a redirect or the whole
page without script). The panel itself is the selector annotations.review.panel."""

from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from annotations.core.roles import AuthenticatedRequest
from annotations.models import Article, Statement
from annotations.review.forms import ENTITY_LABELS
from annotations.review.layout import article_layout, article_text_html
from annotations.review.panel import review_panel_get
from annotations.review.selectors import (
    article_get,
    article_revision_info,
    mention_list,
    statement_for_panel,
    statement_list,
)

PAGE_TEMPLATE = "annotations/article_detail.html"
TEXT_TEMPLATE = "annotations/_article_text.html"
PANEL_TEMPLATE = "annotations/review/_panel.html"
State = Statement.ReviewState


def is_script(request: HttpRequest) -> bool:
    """The page's own script sends this header with every fetch."""
    return request.headers.get("X-Requested-With") == "fetch"


def article_or_404(pk: int) -> Article:
    article = article_get(article_id=pk)
    if article is None:
        raise Http404("No such article.")
    return article


def statement_or_404(pk: int) -> Statement:
    statement = statement_for_panel(statement_id=pk)
    if statement is None:
        raise Http404("No such statement.")
    return statement


def article_url(article_id: int, statement_id: int | None = None) -> str:
    url = reverse("article_detail", args=[article_id])
    return f"{url}?s={statement_id}" if statement_id else url


def text_context(article: Article, *, selected_id: int | None = None) -> dict[str, Any]:
    statements = statement_list(article=article)
    mentions = mention_list(article=article)
    counts = Counter(s.review_state for s in statements)
    return {
        "article": article,
        "statements": statements,
        "mentions": mentions,
        "mention_count": len(mentions),
        "article_html": article_text_html(
            paragraphs=article_layout(body=article.body, statements=statements, mentions=mentions),
            selected_key=str(selected_id or ""),
        ),
        "tagging": getattr(article, "tagging_job", None),
        "progress": [(value, label, counts[value]) for value, label in State.choices],
        "selected_id": selected_id,
        "selected_key": str(selected_id or ""),
        "entity_labels": ENTITY_LABELS,
    }


def page_context(article: Article, *, selected_id: int | None = None) -> dict[str, Any]:
    """text_context and what only the whole page shows: where the text stands among the
    article's revisions (not recomputed for each refresh of the text alone)."""
    context = text_context(article, selected_id=selected_id)
    context["revision"] = article_revision_info(article=article, statements=context["statements"])
    return context


def panel_response(
    request: AuthenticatedRequest, statement: Statement, *, status: int = 200, **panel: Any
) -> HttpResponse:
    """The panel fragment for the script; for a plain form post, a redirect on success or
    the whole page with the panel in place (status kept) otherwise. ``panel``: what
    review_panel_get takes besides the user and the statement."""
    if is_script(request) or request.method == "GET":
        fragment = review_panel_get(user=request.user, statement=statement, **panel)
        return render(request, PANEL_TEMPLATE, {"panel": fragment}, status=status)
    if status == 200:
        if panel.get("notice"):
            messages.success(request, panel["notice"])
        return redirect(article_url(statement.article_id, statement.pk))
    context = page_context(article_or_404(statement.article_id), selected_id=statement.pk)
    panel.setdefault("article_mentions", context["mentions"])
    context["panel"] = review_panel_get(user=request.user, statement=statement, **panel)
    return render(request, PAGE_TEMPLATE, context, status=status)


def json_response(
    request: HttpRequest,
    article_id: int,
    data: dict[str, Any],
    *,
    status: int = 200,
    statement_id: int | None = None,
) -> HttpResponse:
    """JSON for the script; a plain form post goes back to the page with a message."""
    if is_script(request):
        return JsonResponse(data, status=status)
    if "error" in data:
        messages.error(request, data["error"])
    elif data.get("message"):
        messages.success(request, data["message"])
    return redirect(article_url(article_id, statement_id))
