"""Thin views: parse the request, call a service or selector, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import View

from annotations.forms import ArticleForm
from annotations.layout import article_layout
from annotations.models import Article
from annotations.selectors import (
    article_get,
    article_list,
    mention_list,
    statement_list,
    tagging_state,
)
from annotations.services.articles import ArticleInputError, article_ingest

ARTICLES_PER_PAGE = 50


class ArticleListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        search = request.GET.get("q", "").strip()
        page = Paginator(article_list(search=search), ARTICLES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return render(request, "annotations/article_list.html", {"page": page, "q": search})


class ArticleCreateView(View):
    template_name = "annotations/article_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ArticleForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ArticleForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        try:
            result = article_ingest(
                text=data["body"],
                title=data["title"],
                source_url=data["source_url"],
                publisher=data["publisher"],
                published_on=data["published_on"],
                channel=Article.Channel.UPLOAD if data["upload"] else Article.Channel.WEB,
                created_by=request.user,
            )
        except ArticleInputError as exc:
            form.add_error("text", str(exc))
            return render(request, self.template_name, {"form": form}, status=400)
        if result.created:
            messages.success(request, "Article added. Entity tagging has been queued.")
        else:
            messages.info(request, "This text was already here: showing the existing article.")
        return redirect("article_detail", pk=result.article.pk)


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


class ArticleDetailView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = _text_context(_article_or_404(pk))
        return render(request, "annotations/article_detail.html", context)


class ArticleTextView(View):
    """The highlighted text alone, swapped in by the page when tagging finishes."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = _text_context(_article_or_404(pk))
        return render(request, "annotations/_article_text.html", context)


class ArticleTaggingView(View):
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
