"""Editors' pages: the approvals queue, the approval view, a statement's record (published
version and history), the dashboard, the learned names. Thin views over
editorial.services and editorial.selectors (tagging.learned for the learned names)."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from annotations.core.errors import DomainError, InvalidInput, error_status
from annotations.core.params import int_or_none
from annotations.core.roles import (
    AuthenticatedRequest,
    DeskRoleRequiredMixin,
    EditorRequiredMixin,
    user_is_reviewer,
)
from annotations.editorial.chart import approvals_chart
from annotations.editorial.diffing import verdict_changes
from annotations.editorial.forms import LEARNABLE_CHOICES, LearnedNameForm
from annotations.editorial.selectors import approvals_queue, dashboard_get
from annotations.editorial.services import (
    revision_editor_ids,
    verdict_approve,
    verdict_correction_start,
    verdict_return,
    verdict_withdraw,
)
from annotations.models import PublishedVerdict, Statement, Verdict
from annotations.review.selectors import reviewer_list, statement_history, statement_mention_list
from annotations.review.workflow import Action, action_allowed
from annotations.tagging.learned import (
    learned_name_delete,
    learned_name_get,
    learned_name_list,
    learned_name_update,
)

APPROVALS_PER_PAGE = 50
LEARNED_NAMES_PER_PAGE = 100


class ApprovalsView(EditorRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        article_id = int_or_none(request.GET.get("article"))
        reviewer_id = int_or_none(request.GET.get("reviewer"))
        rating = request.GET.get("verdict", "")
        if rating not in Verdict.Rating.values:
            rating = ""
        queue = approvals_queue(article_id=article_id, reviewer_id=reviewer_id, rating=rating)
        page = Paginator(queue, APPROVALS_PER_PAGE).get_page(request.GET.get("page"))
        filters = request.GET.copy()
        filters.pop("page", None)
        context = {
            "page": page,
            "article_id": article_id,
            "reviewer_id": reviewer_id,
            "rating": rating,
            "ratings": Verdict.Rating.choices,
            "reviewers": reviewer_list(),
            "filter_query": filters.urlencode(),
        }
        return render(request, "annotations/editorial/approvals.html", context)


def _statement_or_404(pk: int) -> Statement:
    statement = (
        Statement.objects.select_related(
            "article", "verdict__author", "verdict__last_edited_by", "published__approved_by"
        )
        .prefetch_related("verdict__sources")
        .filter(pk=pk)
        .first()
    )
    if statement is None:
        raise Http404("No such statement.")
    return statement


def _paragraph(statement: Statement) -> dict:
    """The statement's paragraph, cut into before / statement / after."""
    body = statement.article.body
    start = body.rfind("\n", 0, statement.start) + 1
    end = body.find("\n", statement.end)
    end = len(body) if end == -1 else end
    return {
        "before": body[start : statement.start],
        "text": statement.text,
        "after": body[statement.end : end],
    }


def _changes(statement: Statement, verdict: Verdict | None):
    published: PublishedVerdict | None = getattr(statement, "published", None)
    if published is None or verdict is None:
        return None
    labels = dict(Verdict.Rating.choices)
    return verdict_changes(
        published_rating=labels.get(published.rating, published.rating),
        published_explanation=published.explanation,
        published_sources=published.sources,
        rating=labels.get(verdict.rating, verdict.rating),
        explanation=verdict.explanation,
        sources=[{"url": s.url, "title": s.title} for s in verdict.sources.all()],
        published_claim=_claim(published),
        claim=_claim(verdict),
        published_sentence=published.quote,
        sentence=statement.text,
    )


def _claim(v: Verdict | PublishedVerdict) -> tuple[str, str]:
    """(summary, speaker) of a verdict or its published copy, for the diff."""
    speaker = f"{v.speaker} ({v.get_speaker_type_display()})" if v.speaker_type else v.speaker
    return v.claim_summary, speaker


def _approval_context(request: AuthenticatedRequest, statement: Statement, **extra) -> dict:
    verdict = getattr(statement, "verdict", None)
    mentions = statement_mention_list(statement=statement)
    own = verdict is not None and request.user.pk in revision_editor_ids(
        statement=statement, verdict=verdict
    )
    return {
        "statement": statement,
        "verdict": verdict,
        "published": getattr(statement, "published", None),
        "paragraph": _paragraph(statement),
        "mentions": list(mentions),
        "changes": _changes(statement, verdict),
        "own_work": own,
        "history": statement_history(statement_id=statement.pk),
        **extra,
    }


class ApprovalDetailView(EditorRequiredMixin, View):
    template_name = "annotations/editorial/approval.html"

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        statement = _statement_or_404(pk)
        return render(request, self.template_name, _approval_context(request, statement))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        _statement_or_404(pk)  # a 404 for an unknown statement, before any service call
        action = request.POST.get("action")
        version = int_or_none(request.POST.get("base_version")) or 0
        note = request.POST.get("note", "")
        try:
            if action == "approve":
                verdict_approve(statement_id=pk, user=request.user, base_version=version)
                messages.success(request, "Approved and published.")
            elif action == "return":
                verdict_return(statement_id=pk, user=request.user, note=note, base_version=version)
                messages.success(request, "Returned to the reviewer with your note.")
            else:
                raise InvalidInput("Choose Approve or Return to reviewer.")
        except DomainError as exc:
            context = _approval_context(
                request, _statement_or_404(pk), error=exc.message, error_field=exc.field, note=note
            )
            return render(request, self.template_name, context, status=error_status(exc))
        return redirect("approvals")


class StatementRecordView(DeskRoleRequiredMixin, View):
    """A statement's published verdict, history timeline, and the actions on a published
    verdict: start a correction (reviewers, editors), withdraw (editors)."""

    template_name = "annotations/editorial/record.html"

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, self._context(request, pk))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "correct":
                verdict_correction_start(statement_id=pk, user=request.user)
                messages.success(request, _correction_started_message(request.user))
                url = f"{_statement_or_404(pk).article.get_review_url()}?s={pk}"
                return redirect(url)
            if action == "withdraw":
                verdict_withdraw(statement_id=pk, user=request.user, reason=reason)
                messages.success(request, "Withdrawn: partners now see it as withdrawn.")
            else:
                raise InvalidInput("Unknown action.")
        except DomainError as exc:
            context = self._context(request, pk, error=exc.message, reason=reason)
            return render(request, self.template_name, context, status=error_status(exc))
        return redirect("statement_record", pk=pk)

    def _context(self, request: AuthenticatedRequest, pk: int, **extra) -> dict:
        statement = _statement_or_404(pk)
        published = getattr(statement, "published", None)
        return {
            "statement": statement,
            "verdict": getattr(statement, "verdict", None),
            "published": published,
            "history": statement_history(statement_id=pk),
            "can_correct": action_allowed(
                user=request.user, state=statement.review_state, action=Action.CORRECT
            ),
            "can_withdraw": action_allowed(
                user=request.user,
                state=statement.review_state,
                action=Action.WITHDRAW,
                published_live=published is not None and not published.is_withdrawn,
            ),
            **extra,
        }


class DashboardView(DeskRoleRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        board = dashboard_get(days=30)
        context = {
            "board": board,
            "chart": approvals_chart(days=board.approvals_per_day),
            "approvals_total": sum(d.count for d in board.approvals_per_day),
        }
        return render(request, "annotations/editorial/dashboard.html", context)


class LearnedNamesView(EditorRequiredMixin, View):
    """The names the desk taught the tagger, with who taught them and how often they were
    applied; each links to its edit page."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        label = request.GET.get("label", "")
        if label not in dict(LEARNABLE_CHOICES):
            label = ""
        page = Paginator(learned_name_list(label=label), LEARNED_NAMES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context = {
            "page": page,
            "label": label,
            "labels": LEARNABLE_CHOICES,
            "filter_query": f"label={label}" if label else "",
        }
        return render(request, "annotations/editorial/learned_names.html", context)


class LearnedNameEditView(EditorRequiredMixin, View):
    """Edit a learned name (POST action=save) or forget it (action=delete)."""

    template_name = "annotations/editorial/learned_name.html"

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        learned = self._learned_or_404(pk)
        form = LearnedNameForm(
            initial={"name": learned.name, "label": learned.label, "rejected": learned.rejected}
        )
        return render(request, self.template_name, {"learned": learned, "form": form})

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        learned = self._learned_or_404(pk)
        if request.POST.get("action") == "delete":
            learned_name_delete(learned_name_id=pk, user=request.user)
            messages.success(request, f"“{learned.name}” is forgotten: the model decides again.")
            return redirect("learned_names")
        form = LearnedNameForm(request.POST)
        if form.is_valid():
            try:
                learned_name_update(learned_name_id=pk, user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, "Saved: articles tagged from now on use it.")
                return redirect("learned_names")
        context = {"learned": learned, "form": form}
        return render(request, self.template_name, context, status=400)

    def _learned_or_404(self, pk: int):
        try:
            return learned_name_get(learned_name_id=pk)
        except DomainError:
            raise Http404("No such learned name.") from None


def _correction_started_message(user: User) -> str:
    """What to do next: an editor who does not write verdicts hands the draft on."""
    if user_is_reviewer(user):
        return "Correction started: edit the verdict, then submit it."
    return "Correction started: assign it to a reviewer, who edits the verdict and submits it."
