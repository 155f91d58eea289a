"""Thin views: parse the request, call a service or selector, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from annotations.forms import ArticleForm
from annotations.models import Article, Statement
from annotations.roles import DeskRoleRequiredMixin, user_has_desk_role
from annotations.selectors import article_list, article_progress, queue_for
from annotations.selectors_editorial import returned_notes
from annotations.services.articles import ArticleInputError, article_ingest

ARTICLES_PER_PAGE = 50


class ArticleListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        search = request.GET.get("q", "").strip()[:200]
        state = request.GET.get("state", "")
        if state not in Statement.ReviewState.values:
            state = ""
        mine = request.GET.get("mine") == "1"
        articles = article_list(user=request.user, search=search, state=state, mine=mine)
        page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        progress = article_progress(article_ids=[a.pk for a in page.object_list])
        for article in page.object_list:
            article.progress = progress[article.pk]
        filters = request.GET.copy()
        filters.pop("page", None)
        context = {
            "page": page,
            "q": search,
            "state": state,
            "mine": mine,
            "states": Statement.ReviewState.choices,
            "filter_query": filters.urlencode(),
            "has_role": user_has_desk_role(request.user),
        }
        return render(request, "annotations/article_list.html", context)


class QueueView(DeskRoleRequiredMixin, View):
    """My queue: statements assigned to me that still need work, oldest first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        statements = queue_for(user=request.user)
        notes = returned_notes(statement_ids=[s.pk for s in statements])
        for statement in statements:
            statement.returned_note = notes.get(statement.pk)
        return render(request, "annotations/queue.html", {"statements": statements})


class ArticleCreateView(DeskRoleRequiredMixin, View):
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
