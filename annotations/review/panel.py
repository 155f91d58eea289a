"""What the review page shows: the article text, the verdict panel's context (its rights
from the workflow table), and the two kinds of answer a write gets (the panel fragment or
JSON for the page's script; a redirect or the whole page without script)."""

from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from annotations.core.roles import AuthenticatedRequest, user_is_editor, user_is_reviewer
from annotations.models import Article, Statement, Verdict
from annotations.review.forms import (
    ENTITY_LABELS,
    SOURCES_PREFIX,
    AssignForm,
    DismissForm,
    SourceFormSet,
    VerdictForm,
)
from annotations.review.layout import article_layout, statement_mentions
from annotations.review.selectors import (
    article_get,
    mention_list,
    returned_note,
    reviewer_list,
    statement_for_panel,
    statement_list,
    statement_mention_list,
)
from annotations.review.services import VerdictConflict
from annotations.review.workflow import panel_rights

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


# --- Contexts -------------------------------------------------------------------------


def text_context(article: Article, *, selected_id: int | None = None) -> dict[str, Any]:
    statements = statement_list(article=article)
    mentions = mention_list(article=article)
    counts = Counter(s.review_state for s in statements)
    return {
        "article": article,
        "statements": statements,
        "mentions": mentions,
        "mention_count": len(mentions),
        "paragraphs": article_layout(body=article.body, statements=statements, mentions=mentions),
        "tagging": getattr(article, "tagging_job", None),
        "progress": [(value, label, counts[value]) for value, label in State.choices],
        "selected_id": selected_id,
        "selected_key": str(selected_id or ""),
        "entity_labels": ENTITY_LABELS,
    }


def verdict_of(statement: Statement) -> Verdict | None:
    try:
        return statement.verdict
    except Verdict.DoesNotExist:
        return None


def conflict_context(exc: VerdictConflict) -> dict[str, Any]:
    """The other person's verdict as saved, to show beside what this reviewer typed."""
    theirs = exc.current
    if theirs is None:
        return {"message": exc.message}
    return {
        "message": exc.message,
        "version": theirs.version,
        "rating": theirs.get_rating_display(),
        "explanation": theirs.explanation,
        "sources": list(theirs.sources.all()),
        "editor": theirs.last_edited_by.get_username(),
        "saved_at": theirs.updated_at,
    }


def panel_context(
    request: AuthenticatedRequest,
    statement: Statement,
    *,
    mentions=None,
    form: VerdictForm | None = None,
    formset=None,
    dismiss_form: DismissForm | None = None,
    assign_form: AssignForm | None = None,
    sources_errors=(),
    conflict: dict | None = None,
    notice: str = "",
    error: str = "",
    text_changed: bool = False,
) -> dict[str, Any]:
    verdict = verdict_of(statement)
    saved_sources = list(verdict.sources.all()) if verdict else []
    is_reviewer = user_is_reviewer(request.user)
    state = statement.review_state
    rights = panel_rights(user=request.user, statement=statement)
    editable = rights.editable
    if form is None:
        form = VerdictForm(
            initial={
                "rating": verdict.rating if verdict else "",
                "explanation": verdict.explanation if verdict else "",
                "base_version": verdict.version if verdict else 0,
            }
        )
    if formset is None:
        initial = [
            {"url": s.url, "title": s.title, "publisher": s.publisher, "quote": s.quote}
            for s in saved_sources
        ]
        formset = SourceFormSet(initial=initial or [{}], prefix=SOURCES_PREFIX)
    accessed = {s.url: s.accessed_at for s in saved_sources}
    rating_value = form["rating"].value() or ""
    typed = None
    if conflict and not editable:
        # The statement can't be edited any more (say, someone submitted it): show what
        # this reviewer typed, read-only, so it can be copied rather than lost.
        typed = {
            "rating": dict(Verdict.Rating.choices).get(rating_value, ""),
            "explanation": form["explanation"].value() or "",
            "sources": [
                {name: f[name].value() or "" for name in ("url", "title", "publisher", "quote")}
                for f in formset.forms
                if f["url"].value()
            ],
        }
    return {
        "statement": statement,
        "verdict": verdict,
        # The editor's note, for a verdict sent back to its reviewer.
        "returned": returned_note(statement_id=statement.pk) if state == State.RETURNED else None,
        "is_editor": user_is_editor(request.user),
        "saved_sources": saved_sources,
        "is_reviewer": is_reviewer,
        "editable": editable,
        "can_assign": rights.can_assign,
        "can_correct": rights.can_annotate,
        "readonly_note": rights.readonly_note,
        "form": form,
        "rating_value": rating_value,
        "typed": typed,
        "ratings": Verdict.Rating.choices,
        "formset": formset,
        "source_rows": [(f, accessed.get(f["url"].value())) for f in formset.forms],
        "sources_errors": list(sources_errors),
        "dismiss_form": dismiss_form or DismissForm(),
        "assign_form": assign_form,
        "reviewers": reviewer_list() if rights.can_assign else [],
        "statement_mentions": (
            statement_mention_list(statement=statement) if mentions is None else mentions
        ),
        "entity_labels": ENTITY_LABELS,
        "conflict": conflict,
        "notice": notice,
        "error": error,
        "text_changed": text_changed,
        "has_panel": True,
    }


def panel_response(
    request: AuthenticatedRequest, statement: Statement, *, status: int = 200, **panel: Any
) -> HttpResponse:
    """The panel fragment for the script; for a plain form post, a redirect on success or
    the whole page with the panel in place (status kept) otherwise."""
    if is_script(request) or request.method == "GET":
        context = panel_context(request, statement, **panel)
        return render(request, PANEL_TEMPLATE, context, status=status)
    if status == 200:
        if panel.get("notice"):
            messages.success(request, panel["notice"])
        return redirect(article_url(statement.article_id, statement.pk))
    context = text_context(article_or_404(statement.article_id), selected_id=statement.pk)
    panel.setdefault(
        "mentions", statement_mentions(statement=statement, mentions=context["mentions"])
    )
    context.update(panel_context(request, statement, **panel))
    return render(request, PAGE_TEMPLATE, context, status=status)


def json_response(
    request: AuthenticatedRequest,
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
