"""Editors' controls over tagging jobs (the page showing a job is the review page)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View

from annotations.core.roles import EditorRequiredMixin
from annotations.models import Article, TaggingJob
from annotations.tagging.jobs import tagging_job_retry


class TaggingRetryView(EditorRequiredMixin, View):
    """The "Re-run tagging" button: queue the tagging job again, go back to the article.

    POST only (it changes state; the form carries the CSRF token). Editors only: a re-run
    replaces every model mention of the article, which reviewers may be reading.
    """

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            job = tagging_job_retry(article_id=pk)
        except Article.DoesNotExist:
            raise Http404("No such article.") from None
        if job.state == TaggingJob.State.RUNNING:
            # Left alone by tagging_job_retry: a second run would race the first.
            messages.info(request, "Tagging is already running; it was not started again.")
        else:
            messages.success(request, "Tagging was queued again.")
        return redirect("article_detail", pk=pk)
