"""The record pages: a canonical entity's and a claimant's statements across articles,
with their verdicts; editors merge an entity into another from its page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from annotations.core.errors import DomainError, error_status
from annotations.core.params import int_or_none
from annotations.core.roles import AuthenticatedRequest, DeskRoleRequiredMixin, user_is_editor
from annotations.editorial.records import (
    claimant_record,
    entity_merge,
    entity_merge_candidates,
    entity_record,
)
from annotations.models import EntityMerge

CLAIMANT_NAME_MAX = 200  # Statement.speaker's length


class EntityRecordView(DeskRoleRequiredMixin, View):
    template_name = "annotations/editorial/entity.html"

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return self._render(request, pk)

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        into = int_or_none(request.POST.get("into"))
        try:
            merge = entity_merge(entity_id=pk, into_id=into or 0, user=request.user)
        except DomainError as exc:
            return self._render(
                request, pk, error=exc.message, error_field=exc.field, status=error_status(exc)
            )
        messages.success(
            request,
            f"Merged “{merge.merged_name}” into this entity:"
            f" {merge.mentions_moved} mention{'s' if merge.mentions_moved != 1 else ''} moved.",
        )
        return redirect("entity_record", pk=merge.into_id)

    def _render(
        self,
        request,
        pk: int,
        *,
        error: str = "",
        error_field: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        found = entity_record(entity_id=pk)
        if found is None:
            # A merged entity's old address leads to the one it became.
            merge = EntityMerge.objects.filter(merged_id=pk).order_by("-created_at").first()
            if merge is not None:
                return redirect("entity_record", pk=merge.into_id)
            raise Http404("No such entity.")
        entity, record, merges = found
        can_merge = user_is_editor(request.user)
        context = {
            "entity": entity,
            "record": record,
            "merges": merges,
            "can_merge": can_merge,
            "candidates": entity_merge_candidates(entity=entity) if can_merge else [],
            "error": error,
            "error_field": error_field,
        }
        return render(request, self.template_name, context, status=status)


class ClaimantRecordView(DeskRoleRequiredMixin, View):
    """``/claimants/?name=…``: what a speaker said, across articles, and how it rated."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        name = request.GET.get("name", "").strip()
        if not name or len(name) > CLAIMANT_NAME_MAX:
            raise Http404("Say whose record: ?name=…")
        context = {"name": name, "record": claimant_record(name=name)}
        return render(request, "annotations/editorial/claimant.html", context)
