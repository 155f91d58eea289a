"""The article review page: the text with statements, figures and entity marks, and the
verdict panel beside it. Thin views over annotations.review.services and selectors.

Every POST answers two kinds of client:
- the page's script (``X-Requested-With: fetch``) gets the re-rendered panel fragment
  (200 saved, 400 field errors, 403 forbidden, 409 conflict), or JSON for the text
  selection toolbar;
- a browser without script gets a redirect to the article page with ``?s=<statement>``
  on success, or the whole page with the panel (errors, typed text) in place.
"""

from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from annotations.core.errors import Conflict, DomainError, InvalidInput, error_status
from annotations.core.params import int_or_none
from annotations.core.roles import DeskRoleRequiredMixin, user_is_editor, user_is_reviewer
from annotations.models import Article, Statement, Verdict
from annotations.review.forms import (
    ENTITY_LABELS,
    SOURCES_PREFIX,
    AssignForm,
    DismissForm,
    MentionAddForm,
    MentionRelabelForm,
    MentionRemoveForm,
    SourceFormSet,
    SpanForm,
    VerdictForm,
    form_first_error,
    verdict_input_validate,
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
    tagging_state,
)
from annotations.review.services import (
    mention_add,
    mention_relabel,
    mention_remove,
    statement_add,
    statement_assign,
    statement_dismiss,
    statement_restore,
    verdict_save,
)
from annotations.review.workflow import panel_rights

PAGE_TEMPLATE = "annotations/article_detail.html"
TEXT_TEMPLATE = "annotations/_article_text.html"
PANEL_TEMPLATE = "annotations/review/_panel.html"
State = Statement.ReviewState


def _is_script(request: HttpRequest) -> bool:
    """The page's own script sends this header with every fetch."""
    return request.headers.get("X-Requested-With") == "fetch"


def _article_or_404(pk: int) -> Article:
    article = article_get(article_id=pk)
    if article is None:
        raise Http404("No such article.")
    return article


def _statement_or_404(pk: int) -> Statement:
    statement = statement_for_panel(statement_id=pk)
    if statement is None:
        raise Http404("No such statement.")
    return statement


def _article_url(article_id: int, statement_id: int | None = None) -> str:
    url = reverse("article_detail", args=[article_id])
    return f"{url}?s={statement_id}" if statement_id else url


# --- Contexts -------------------------------------------------------------------------


def _text_context(article: Article, *, selected_id: int | None = None) -> dict[str, Any]:
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


def _verdict_of(statement: Statement) -> Verdict | None:
    try:
        return statement.verdict
    except Verdict.DoesNotExist:
        return None


def _conflict_context(exc: Conflict) -> dict[str, Any]:
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


def _panel_context(
    request: HttpRequest,
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
    verdict = _verdict_of(statement)
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


def _panel_response(
    request: HttpRequest, statement: Statement, *, status: int = 200, **panel: Any
) -> HttpResponse:
    """The panel fragment for the script; for a plain form post, a redirect on success or
    the whole page with the panel in place (status kept) otherwise."""
    if _is_script(request) or request.method == "GET":
        context = _panel_context(request, statement, **panel)
        return render(request, PANEL_TEMPLATE, context, status=status)
    if status == 200:
        if panel.get("notice"):
            messages.success(request, panel["notice"])
        return redirect(_article_url(statement.article_id, statement.pk))
    context = _text_context(_article_or_404(statement.article_id), selected_id=statement.pk)
    panel.setdefault(
        "mentions", statement_mentions(statement=statement, mentions=context["mentions"])
    )
    context.update(_panel_context(request, statement, **panel))
    return render(request, PAGE_TEMPLATE, context, status=status)


def _json_response(
    request: HttpRequest,
    article_id: int,
    data: dict[str, Any],
    *,
    status: int = 200,
    statement_id: int | None = None,
) -> HttpResponse:
    """JSON for the script; a plain form post goes back to the page with a message."""
    if _is_script(request):
        return JsonResponse(data, status=status)
    if "error" in data:
        messages.error(request, data["error"])
    elif data.get("message"):
        messages.success(request, data["message"])
    return redirect(_article_url(article_id, statement_id))


# --- The page and its fragments --------------------------------------------------------


class ArticleDetailView(DeskRoleRequiredMixin, View):
    """The review page; ``?s=<statement id>`` renders that statement's panel in place."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = _text_context(_article_or_404(pk))
        selected_id = int_or_none(request.GET.get("s"))
        statement = statement_for_panel(statement_id=selected_id) if selected_id else None
        if statement is not None and statement.article_id == pk:
            context["selected_id"], context["selected_key"] = statement.pk, str(statement.pk)
            mentions = statement_mentions(statement=statement, mentions=context["mentions"])
            context.update(_panel_context(request, statement, mentions=mentions))
        return render(request, PAGE_TEMPLATE, context)


class ArticleTextView(DeskRoleRequiredMixin, View):
    """The highlighted text alone, swapped in by the page when tagging finishes or after a
    correction (``?s=`` keeps the selected statement marked)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        selected_id = int_or_none(request.GET.get("s"))
        context = _text_context(_article_or_404(pk), selected_id=selected_id)
        return render(request, TEXT_TEMPLATE, context)


class ArticleTaggingView(DeskRoleRequiredMixin, View):
    """Tagging state as JSON, polled by the article page while tagging is pending."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        article = _article_or_404(pk)
        job = getattr(article, "tagging_job", None)
        return JsonResponse(
            {
                "state": tagging_state(article=article),
                "mention_count": job.mention_count if job else 0,
                "last_error": job.last_error if job else "",
            }
        )


class StatementPanelView(DeskRoleRequiredMixin, View):
    """The verdict panel of one statement (a fragment the page swaps in)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _panel_response(request, _statement_or_404(pk))


# --- Verdict, dismissal, assignment ------------------------------------------------------


class VerdictSaveView(DeskRoleRequiredMixin, View):
    """Save the verdict as a draft (action=save) or submit it for approval (action=submit)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        statement = _statement_or_404(pk)
        form = VerdictForm(request.POST)
        formset = SourceFormSet(request.POST, prefix=SOURCES_PREFIX)
        sources, sources_errors = verdict_input_validate(form=form, formset=formset)
        if sources is None:
            error = "Not saved: check the fields marked below."
            return self._invalid(request, statement, form, formset, sources_errors, error, 400)
        submit = form.cleaned_data["action"] == "submit"
        try:
            verdict = verdict_save(
                statement_id=statement.pk,
                user=request.user,
                rating=form.cleaned_data["rating"],
                explanation=form.cleaned_data["explanation"],
                sources=sources,
                base_version=form.cleaned_data["base_version"],
                submit=submit,
            )
        except Conflict as exc:
            return _conflict_response(request, pk, exc)
        except DomainError as exc:
            if exc.field in ("rating", "explanation"):
                form.add_error(exc.field, exc.message)
            elif exc.field == "sources":
                sources_errors.append(exc.message)
            return self._invalid(
                request, statement, form, formset, sources_errors, exc.message, error_status(exc)
            )
        notice = (
            "Submitted for approval." if submit else f"Draft saved (version {verdict.version})."
        )
        return _panel_response(request, _statement_or_404(pk), notice=notice)

    @staticmethod
    def _invalid(request, statement, form, formset, sources_errors, error, status):
        return _panel_response(
            request,
            statement,
            status=status,
            form=form,
            formset=formset,
            sources_errors=sources_errors,
            error=error,
        )


def _conflict_response(request: HttpRequest, pk: int, exc: Conflict) -> HttpResponse:
    """Keep exactly what was typed, but on top of the current version: saving again is
    then a deliberate choice to replace theirs."""
    data = request.POST.copy()
    data["base_version"] = str(exc.current.version if exc.current else 0)
    return _panel_response(
        request,
        _statement_or_404(pk),
        status=error_status(exc),
        form=VerdictForm(data),
        formset=SourceFormSet(data, prefix=SOURCES_PREFIX),
        conflict=_conflict_context(exc),
    )


class StatementDismissView(DeskRoleRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        statement = _statement_or_404(pk)
        form = DismissForm(request.POST)
        if not form.is_valid():
            return _panel_response(request, statement, status=400, dismiss_form=form)
        try:
            statement_dismiss(
                statement_id=pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
            return _panel_response(
                request, statement, status=error_status(exc), dismiss_form=form, error=exc.message
            )
        notice = "Dismissed as not checkable."
        return _panel_response(request, _statement_or_404(pk), notice=notice)


class StatementRestoreView(DeskRoleRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        statement = _statement_or_404(pk)
        try:
            statement_restore(statement_id=pk, user=request.user)
        except DomainError as exc:
            return _panel_response(request, statement, status=error_status(exc), error=exc.message)
        return _panel_response(request, _statement_or_404(pk), notice="Restored.")


class StatementAssignView(DeskRoleRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        statement = _statement_or_404(pk)
        form = AssignForm(request.POST)
        if not form.is_valid():
            return _panel_response(request, statement, status=400, assign_form=form)
        try:
            statement = statement_assign(
                statement_id=pk, user=request.user, assignee_id=form.cleaned_data["assignee"]
            )
        except DomainError as exc:
            if exc.field == "assignee":
                form.add_error("assignee", exc.message)
            return _panel_response(
                request, statement, status=error_status(exc), assign_form=form, error=exc.message
            )
        who = statement.assignee.get_username() if statement.assignee else None
        notice = f"Assigned to {who}." if who else "Unassigned."
        return _panel_response(request, _statement_or_404(pk), notice=notice)


# --- Human corrections ------------------------------------------------------------------


class StatementAddView(DeskRoleRequiredMixin, View):
    """Add a statement the detector missed, from a selection (body offsets and text)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = _article_or_404(pk)
        form = SpanForm(request.POST)
        if not form.is_valid():
            return _json_response(request, pk, {"error": form_first_error(form)}, status=400)
        try:
            statement = statement_add(
                article_id=pk,
                user=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            data = {"error": exc.message, "field": exc.field}
            return _json_response(request, article.pk, data, status=error_status(exc))
        data = {
            "statement": statement.pk,
            "start": statement.start,
            "end": statement.end,
            "message": "Statement added.",
        }
        return _json_response(request, pk, data, status=201, statement_id=statement.pk)


class MentionAddView(DeskRoleRequiredMixin, View):
    """Mark an entity the model missed, from a selection (body offsets and text), a label."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = _article_or_404(pk)
        form = MentionAddForm(request.POST)
        if not form.is_valid():
            return _json_response(request, pk, {"error": form_first_error(form)}, status=400)
        try:
            mention = mention_add(
                article_id=article.pk,
                user=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                text=form.cleaned_data["text"],
                label=form.cleaned_data["label"],
            )
        except DomainError as exc:
            data = {"error": exc.message, "field": exc.field}
            return _json_response(request, pk, data, status=error_status(exc))
        data = {
            "mention": mention.pk,
            "start": mention.start,
            "end": mention.end,
            "label": mention.label,
            "message": f"Marked “{mention.text}” as {mention.label}.",
        }
        return _json_response(request, pk, data, status=201)


class _MentionChangeView(DeskRoleRequiredMixin, View):
    """Relabel or remove a mention from the panel of the statement it is in."""

    form_class: type = MentionRemoveForm

    def change(self, request: HttpRequest, pk: int, form) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self.form_class(request.POST)
        valid = form.is_valid()
        statement_id = form.cleaned_data.get("statement") if valid else None
        statement = statement_for_panel(statement_id=statement_id) if statement_id else None
        try:
            if not valid:
                raise InvalidInput(form_first_error(form))
            notice = self.change(request, pk, form)
        except DomainError as exc:
            if statement is None:
                if _is_script(request):
                    return JsonResponse({"error": exc.message}, status=error_status(exc))
                messages.error(request, exc.message)
                return redirect("article_list")
            return _panel_response(request, statement, status=error_status(exc), error=exc.message)
        if statement is None:
            if _is_script(request):
                return JsonResponse({"message": notice})
            messages.success(request, notice)
            return redirect("article_list")
        return _panel_response(request, statement, notice=notice, text_changed=True)


class MentionRelabelView(_MentionChangeView):
    form_class = MentionRelabelForm

    def change(self, request: HttpRequest, pk: int, form) -> str:
        mention = mention_relabel(
            mention_id=pk, user=request.user, label=form.cleaned_data["label"]
        )
        return f"“{mention.text}” is now marked {mention.label}."


class MentionRemoveView(_MentionChangeView):
    form_class = MentionRemoveForm

    def change(self, request: HttpRequest, pk: int, form) -> str:
        mention_remove(mention_id=pk, user=request.user)
        return "Entity mention removed."
