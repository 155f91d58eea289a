"""The article review page: the text with statements, figures and entity marks, and the
verdict panel beside it. Thin views over annotations.review.services and selectors.

Every POST answers two kinds of client:
- the page's script (``X-Requested-With: fetch``) gets the re-rendered panel fragment
  (200 saved, 400 field errors, 403 forbidden, 409 conflict), or JSON for the text
  selection toolbar;
- a browser without script gets a redirect to the article page with ``?s=<statement>``
  on success, or the whole page with the panel (errors, typed text) in place.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import View

from annotations.core.errors import DomainError, InvalidInput, error_status
from annotations.core.params import int_or_none
from annotations.core.roles import AuthenticatedRequest, DeskRoleRequiredMixin
from annotations.review.corrections import (
    entity_relabel_in_article,
    mention_add,
    mention_relabel,
    mention_remove,
    statement_add,
)
from annotations.review.forms import (
    CLAIM_FIELDS,
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
from annotations.review.matches import verdict_reuse
from annotations.review.panel import review_panel_get
from annotations.review.responses import (
    PAGE_TEMPLATE,
    TEXT_TEMPLATE,
    article_or_404,
    is_script,
    json_response,
    page_context,
    panel_response,
    statement_or_404,
    text_context,
)
from annotations.review.selectors import (
    statement_for_panel,
    tagging_state,
)
from annotations.review.services import (
    VerdictConflict,
    statement_assign,
    statement_dismiss,
    statement_restore,
    verdict_save,
)

# --- The page and its fragments --------------------------------------------------------


class ArticleDetailView(DeskRoleRequiredMixin, View):
    """The review page; ``?s=<statement id>`` renders that statement's panel in place."""

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        article = article_or_404(pk)
        selected_id = int_or_none(request.GET.get("s"))
        statement = statement_for_panel(statement_id=selected_id) if selected_id else None
        if statement is not None and statement.article_id != pk:
            statement = None
        context = page_context(article, selected_id=statement.pk if statement else None)
        if statement is not None:
            # The statement's mentions are read as models for its panel; the counts per
            # entity come from the article's, already read for the text.
            context["panel"] = review_panel_get(
                user=request.user, statement=statement, article_mentions=context["mentions"]
            )
        return render(request, PAGE_TEMPLATE, context)


class ArticleTextView(DeskRoleRequiredMixin, View):
    """The highlighted text alone, swapped in by the page when tagging finishes or after a
    correction (``?s=`` keeps the selected statement marked)."""

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        selected_id = int_or_none(request.GET.get("s"))
        context = text_context(article_or_404(pk), selected_id=selected_id)
        return render(request, TEXT_TEMPLATE, context)


class ArticleTaggingView(DeskRoleRequiredMixin, View):
    """Tagging state as JSON, polled by the article page while tagging is pending."""

    def get(self, request: AuthenticatedRequest, pk: int) -> JsonResponse:
        article = article_or_404(pk)
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

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return panel_response(request, statement_or_404(pk))


# --- Verdict, dismissal, assignment ------------------------------------------------------


class VerdictSaveView(DeskRoleRequiredMixin, View):
    """Save the verdict as a draft (action=save) or submit it for approval (action=submit)."""

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        statement = statement_or_404(pk)
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
                claim=form.claim(),
            )
        except VerdictConflict as exc:
            return _conflict_response(request, pk, exc)
        except DomainError as exc:
            if exc.field in ("rating", "explanation", *CLAIM_FIELDS):
                form.add_error(exc.field, exc.message)
            elif exc.field == "sources":
                sources_errors.append(exc.message)
            return self._invalid(
                request, statement, form, formset, sources_errors, exc.message, error_status(exc)
            )
        notice = (
            "Submitted for approval." if submit else f"Draft saved (version {verdict.version})."
        )
        return panel_response(request, statement_or_404(pk), notice=notice)

    @staticmethod
    def _invalid(request, statement, form, formset, sources_errors, error, status):
        return panel_response(
            request,
            statement,
            status=status,
            form=form,
            formset=formset,
            sources_errors=sources_errors,
            error=error,
        )


def _conflict_response(
    request: AuthenticatedRequest, pk: int, exc: VerdictConflict
) -> HttpResponse:
    """Keep exactly what was typed, but on top of the current version: saving again is
    then a deliberate choice to replace theirs."""
    data = request.POST.copy()
    data["base_version"] = str(exc.current.version if exc.current else 0)
    return panel_response(
        request,
        statement_or_404(pk),
        status=error_status(exc),
        form=VerdictForm(data),
        formset=SourceFormSet(data, prefix=SOURCES_PREFIX),
        conflict=exc,
    )


class StatementDismissView(DeskRoleRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        statement = statement_or_404(pk)
        form = DismissForm(request.POST)
        if not form.is_valid():
            return panel_response(request, statement, status=400, dismiss_form=form)
        try:
            statement_dismiss(
                statement_id=pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
            return panel_response(
                request, statement, status=error_status(exc), dismiss_form=form, error=exc.message
            )
        notice = "Dismissed as not checkable."
        return panel_response(request, statement_or_404(pk), notice=notice)


class StatementRestoreView(DeskRoleRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        statement = statement_or_404(pk)
        try:
            statement_restore(statement_id=pk, user=request.user)
        except DomainError as exc:
            return panel_response(request, statement, status=error_status(exc), error=exc.message)
        return panel_response(request, statement_or_404(pk), notice="Restored.")


class VerdictReuseView(DeskRoleRequiredMixin, View):
    """Start the verdict from a published one the statement resembles ("checked before")."""

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        statement = statement_or_404(pk)
        published_id = int_or_none(request.POST.get("published"))
        try:
            if published_id is None:
                raise InvalidInput("Choose a published verdict to reuse.")
            verdict_reuse(statement_id=pk, user=request.user, published_id=published_id)
        except DomainError as exc:
            return panel_response(request, statement, status=error_status(exc), error=exc.message)
        notice = "Draft started from the published verdict: check it, then submit."
        return panel_response(request, statement_or_404(pk), notice=notice)


class StatementAssignView(DeskRoleRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        statement = statement_or_404(pk)
        form = AssignForm(request.POST)
        if not form.is_valid():
            return panel_response(request, statement, status=400, assign_form=form)
        try:
            statement = statement_assign(
                statement_id=pk, user=request.user, assignee_id=form.cleaned_data["assignee"]
            )
        except DomainError as exc:
            if exc.field == "assignee":
                form.add_error("assignee", exc.message)
            return panel_response(
                request, statement, status=error_status(exc), assign_form=form, error=exc.message
            )
        who = statement.assignee.get_username() if statement.assignee else None
        notice = f"Assigned to {who}." if who else "Unassigned."
        return panel_response(request, statement_or_404(pk), notice=notice)


# --- Human corrections ------------------------------------------------------------------


class StatementAddView(DeskRoleRequiredMixin, View):
    """Add a statement the detector missed, from a selection (body offsets and text)."""

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        article = article_or_404(pk)
        form = SpanForm(request.POST)
        if not form.is_valid():
            return json_response(request, pk, {"error": form_first_error(form)}, status=400)
        try:
            statement = statement_add(
                article_id=pk,
                user=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            data: dict[str, Any] = {"error": exc.message, "field": exc.field}
            return json_response(request, article.pk, data, status=error_status(exc))
        data = {
            "statement": statement.pk,
            "start": statement.start,
            "end": statement.end,
            "message": "Statement added.",
        }
        return json_response(request, pk, data, status=201, statement_id=statement.pk)


class MentionAddView(DeskRoleRequiredMixin, View):
    """Mark an entity the model missed, from a selection (body offsets and text), a label."""

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        article = article_or_404(pk)
        form = MentionAddForm(request.POST)
        if not form.is_valid():
            return json_response(request, pk, {"error": form_first_error(form)}, status=400)
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
            data: dict[str, Any] = {"error": exc.message, "field": exc.field}
            return json_response(request, pk, data, status=error_status(exc))
        data = {
            "mention": mention.pk,
            "start": mention.start,
            "end": mention.end,
            "label": mention.label,
            "message": f"Marked “{mention.text}” as {mention.label}.",
        }
        return json_response(request, pk, data, status=201)


class _MentionChangeView(DeskRoleRequiredMixin, View):
    """Relabel or remove a mention from the panel of the statement it is in."""

    form_class: type = MentionRemoveForm

    def change(self, request: AuthenticatedRequest, pk: int, form) -> str:
        raise NotImplementedError

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
                if is_script(request):
                    return JsonResponse({"error": exc.message}, status=error_status(exc))
                messages.error(request, exc.message)
                return redirect("article_list")
            return panel_response(request, statement, status=error_status(exc), error=exc.message)
        if statement is None:
            if is_script(request):
                return JsonResponse({"message": notice})
            messages.success(request, notice)
            return redirect("article_list")
        return panel_response(request, statement, notice=notice, text_changed=True)


class MentionRelabelView(_MentionChangeView):
    form_class = MentionRelabelForm

    def change(self, request: AuthenticatedRequest, pk: int, form) -> str:
        label = form.cleaned_data["label"]
        if form.cleaned_data["everywhere"]:
            changed = entity_relabel_in_article(mention_id=pk, user=request.user, label=label)
            mention, n = changed[0], len(changed)
            where = f" in {n} places in this article" if n > 1 else ""
            return f"“{mention.text}” is now marked {mention.label}{where}."
        mention = mention_relabel(mention_id=pk, user=request.user, label=label)
        return f"“{mention.text}” is now marked {mention.label}."


class MentionRemoveView(_MentionChangeView):
    form_class = MentionRemoveForm

    def change(self, request: AuthenticatedRequest, pk: int, form) -> str:
        mention_remove(mention_id=pk, user=request.user)
        return "Entity mention removed."
