from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Statement
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    ReviewerFactory,
    StatementFactory,
    TaggingJobFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
State = Statement.ReviewState


def login(client, user):
    client.force_login(user)
    return client


def test_a_user_in_neither_group_sees_no_article_and_cannot_open_one(client):
    article = StatementFactory().article
    login(client, UserFactory())
    response = client.get(reverse("article_list"))
    assert response.status_code == 200
    assert article.title not in response.content.decode()
    assert "not in Reviewers or Editors" in response.content.decode()
    assert client.get(reverse("article_detail", args=[article.pk])).status_code == 403
    assert client.get(reverse("article_create")).status_code == 403
    assert client.get(reverse("queue")).status_code == 403


def test_editors_see_the_articles_too(client):
    article = StatementFactory().article
    html = login(client, EditorFactory()).get(reverse("article_list")).content.decode()
    assert article.title in html


def test_each_article_shows_its_statements_by_review_state(client):
    article = ArticleFactory(title="Budget story")
    states = (State.NOT_STARTED, State.DRAFT, State.DRAFT, State.SUBMITTED, State.DISMISSED)
    for i, state in enumerate(states):
        StatementFactory(article=article, review_state=state, start=i, end=30)
    response = login(client, ReviewerFactory()).get(reverse("article_list"))
    (row,) = response.context["rows"]
    assert row.progress == {
        "total": 5,
        "not_started": 1,
        "draft": 2,
        "submitted": 1,
        "dismissed": 1,
    }


def test_filters_find_my_assignments_and_articles_with_statements_in_a_state(client):
    rita = ReviewerFactory()
    mine = StatementFactory(article__title="Mine", assignee=rita, assigned_at=timezone.now())
    StatementFactory(article__title="Submitted one", review_state=State.SUBMITTED)
    login(client, rita)

    def titles(**params):
        response = client.get(reverse("article_list"), params)
        return [a.title for a in response.context["page"].object_list]

    assert titles(mine="1") == [mine.article.title]
    assert titles(state="submitted") == ["Submitted one"]
    assert titles(q="minister") == ["Submitted one", "Mine"]  # statement text
    assert titles(state="bogus") == ["Submitted one", "Mine"]  # unknown state: ignored


def test_the_article_list_costs_the_same_queries_for_one_article_or_a_full_page(
    client, django_assert_num_queries
):
    login(client, ReviewerFactory())
    TaggingJobFactory(article=StatementFactory().article)
    url = reverse("article_list")
    # session, user, groups, count, page of articles with tagging jobs, progress
    with django_assert_num_queries(6):
        client.get(url)
    for _ in range(60):
        TaggingJobFactory(article=StatementFactory().article)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 2


def test_my_queue_lists_my_assignments_oldest_first(client):
    rita = ReviewerFactory()
    now = timezone.now()
    StatementFactory(article__title="Newer", assignee=rita, assigned_at=now)
    StatementFactory(article__title="Older", assignee=rita, assigned_at=now - timedelta(hours=1))
    html = login(client, rita).get(reverse("queue")).content.decode()
    assert html.index("Older") < html.index("Newer")
