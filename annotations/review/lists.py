"""The desk's lists: every article with its review progress, and a reviewer's queue."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from annotations.core.roles import AuthenticatedRequest, DeskRoleRequiredMixin, user_has_desk_role
from annotations.models import Statement
from annotations.review.selectors import article_list, article_rows, queue_items

ARTICLES_PER_PAGE = 50


class ArticleListView(View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        search = request.GET.get("q", "").strip()[:200]
        state = request.GET.get("state", "")
        if state not in Statement.ReviewState.values:
            state = ""
        mine = request.GET.get("mine") == "1"
        articles = article_list(user=request.user, search=search, state=state, mine=mine)
        page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        filters = request.GET.copy()
        filters.pop("page", None)
        context = {
            "page": page,
            "rows": article_rows(articles=page.object_list, search=search),
            "q": search,
            "state": state,
            "mine": mine,
            "states": Statement.ReviewState.choices,
            "filter_query": filters.urlencode(),
            "has_role": user_has_desk_role(request.user),
        }
        return render(request, "annotations/article_list.html", context)


class QueueView(DeskRoleRequiredMixin, View):
    """My queue: what is assigned to me or waits on my verdict (review.selectors.queue_for)."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        items = queue_items(user=request.user)
        return render(request, "annotations/queue.html", {"items": items})
