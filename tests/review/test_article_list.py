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


def test_search_finds_articles_by_statement_explanation_entity_and_publisher(client):
    from tests.factories import EntityMentionFactory, SubmittedVerdictFactory

    rita = ReviewerFactory()
    explained = StatementFactory(article__title="Explained")
    SubmittedVerdictFactory(statement=explained, explanation="Euroclear holds most of it.")
    port = ArticleFactory(title="Port", body="Rotterdam handled 440 million tonnes.")
    StatementFactory(article=port)
    EntityMentionFactory(article=port, phrase="Rotterdam", label="GPE", source="model")
    ArticleFactory(title="Courier piece", publisher="The Riverton Courier")
    login(client, rita)

    def found(q):
        response = client.get(reverse("article_list"), {"q": q})
        return {row.article.title: row.hits for row in response.context["rows"]}

    hits = found("EUROCLEAR")
    assert list(hits) == ["Explained"]
    (hit,) = hits["Explained"]
    assert (hit.where, hit.match, hit.statement_id) == ("explanation", "Euroclear", explained.pk)
    hits = found("rotterdam")
    assert list(hits) == ["Port"] and hits["Port"][0].match == "Rotterdam"
    assert list(found("riverton courier")) == ["Courier piece"]
    assert found("nothing like this") == {}


def test_search_by_an_entitys_name_shows_the_statements_that_mention_it(client):
    from tests.factories import EntityFactory, EntityMentionFactory

    body = "Berg said spending rose by 12%. Critics cited Berg's own budget of 2024."
    article = ArticleFactory(title="Budget", body=body)
    said = StatementFactory(article=article, phrase="Berg said spending rose by 12%.")
    StatementFactory(article=article, phrase="Critics cited Berg's own budget of 2024.")
    anna = EntityFactory(name="Anna Berg", label="PERSON")
    EntityMentionFactory(article=article, entity=anna, start=0, end=4, text="Berg")
    login(client, ReviewerFactory())

    response = client.get(reverse("article_list"), {"q": "anna berg"})
    (row,) = response.context["rows"]
    # Found through the canonical name: the statement holding the mention, not the other.
    assert [(hit.statement_id, hit.where) for hit in row.hits] == [(said.pk, "entity")]


def test_a_search_costs_one_query_more_whatever_the_number_of_hits(
    client, django_assert_num_queries
):
    login(client, ReviewerFactory())
    StatementFactory(article__title="One")
    url = reverse("article_list")
    # as without a search (6), plus the statements found on the page
    with django_assert_num_queries(7):
        client.get(url, {"q": "minister"})
    for _ in range(30):
        StatementFactory()
    with django_assert_num_queries(7):
        response = client.get(url, {"q": "minister"})
    assert len(response.context["rows"]) == 31
    assert all(len(row.hits) == 1 for row in response.context["rows"])
