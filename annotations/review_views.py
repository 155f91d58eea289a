"""The article review page: the text with statements, figures and entity marks, and the
verdict panel beside it. Thin views over annotations.services.reviews and selectors."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import View

from annotations.layout import article_layout
from annotations.models import Article
from annotations.roles import DeskRoleRequiredMixin
from annotations.selectors import article_get, mention_list, statement_list, tagging_state


def _article_or_404(pk: int) -> Article:
    article = article_get(article_id=pk)
    if article is None:
        raise Http404("No such article.")
    return article


def _text_context(article: Article) -> dict:
    statements = statement_list(article=article)
    mentions = mention_list(article=article)
    return {
        "article": article,
        "statements": statements,
        "mention_count": len(mentions),
        "paragraphs": article_layout(body=article.body, statements=statements, mentions=mentions),
        "tagging": getattr(article, "tagging_job", None),
    }


class ArticleDetailView(DeskRoleRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = _text_context(_article_or_404(pk))
        return render(request, "annotations/article_detail.html", context)


class ArticleTextView(DeskRoleRequiredMixin, View):
    """The highlighted text alone, swapped in by the page when tagging finishes."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = _text_context(_article_or_404(pk))
        return render(request, "annotations/_article_text.html", context)


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
