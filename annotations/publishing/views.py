"""The public page of a published verdict: what a ClaimReview's ``url`` points at, open to
anyone (no log-in)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from annotations.publishing.selectors import published_public_get


@method_decorator(login_not_required, name="dispatch")
class PublicVerdictView(View):
    """The public page of a published verdict: the ClaimReview ``url`` partners link to."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        published = published_public_get(published_id=pk)
        if published is None:
            raise Http404("No such verdict.")
        return render(request, "annotations/verdict_public.html", {"published": published})
