"""The API's article create from a URL or a saved page's HTML."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations.models import Article, Partner
from annotations.partners.tokens import partner_token_create
from tests.pages import NEWS_PAGE

pytestmark = pytest.mark.django_db
ARTICLES = "/api/v1/articles/"


@pytest.fixture
def ingest_client(settings):
    settings.API_SYNC_LAG_SECONDS = 0
    cache.clear()  # throttle counters
    token = partner_token_create(name="Newsroom")
    Partner.objects.filter(pk=token.partner.pk).update(can_ingest=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.secret}")
    return client


def test_the_api_ingests_an_article_from_a_url_with_the_page_archived(
    ingest_client, local_site, settings
):
    settings.INGEST_URL_ALLOW_PRIVATE = True
    url = local_site.route("/news/schools", NEWS_PAGE)
    response = ingest_client.post(ARTICLES, {"url": url, "title": "Schools"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Schools" and body["statements"]
    article = Article.objects.get(pk=body["id"])
    assert article.channel == Article.Channel.API
    assert article.publisher == "Daily Example"
    assert article.archived_source.final_url == url


def test_the_api_ingests_an_article_from_html(ingest_client):
    response = ingest_client.post(
        ARTICLES, {"html": NEWS_PAGE, "source_url": "https://news.example/a"}, format="json"
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get(pk=response.json()["id"])
    assert article.source_url == "https://news.example/a"
    assert article.archived_source.fetched_at is None


@pytest.mark.parametrize(
    "body",
    [
        {"text": "The minister said 12% closed.", "url": "https://news.example/a"},
        {"url": "https://news.example/a", "html": "<p>x</p>"},
        {"title": "Nothing to ingest"},
    ],
)
def test_the_api_wants_exactly_one_of_text_url_and_html(ingest_client, body):
    response = ingest_client.post(ARTICLES, body, format="json")
    assert response.status_code == 400
    messages = [m for field in response.json().values() for m in field]
    assert "Send exactly one of text, url and html." in messages


def test_a_page_that_cannot_be_used_is_a_422_under_its_field(ingest_client, local_site):
    url = local_site.route("/news/schools", NEWS_PAGE)
    refused = ingest_client.post(ARTICLES, {"url": url}, format="json")
    assert refused.status_code == 422
    assert "loopback address" in refused.json()["url"][0]
    empty = ingest_client.post(ARTICLES, {"html": "<html><body></body></html>"}, format="json")
    assert empty.status_code == 422
    assert empty.json() == {"html": ["no article text could be found in this page"]}
    assert not Article.objects.exists()


def test_a_nul_character_is_refused_with_one_message_under_its_field(ingest_client):
    response = ingest_client.post(
        ARTICLES,
        {"text": "The council met.\u0000 It voted 7 to 2.", "title": "A\u0000"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert len(errors["text"]) == 1 and "no control character" in errors["text"][0]
    assert errors["title"] == ["No NUL characters."]
    url = ingest_client.post(ARTICLES, {"url": "https://x.example/a\u0000b"}, format="json")
    assert url.json() == {"url": ["Enter an http or https URL."]}


def test_the_api_refuses_a_publication_date_in_the_future_under_its_field(ingest_client):
    response = ingest_client.post(
        ARTICLES,
        {"text": "The council met on Monday.", "published_on": "2099-01-01"},
        format="json",
    )
    assert response.status_code == 422  # well-formed, as the schema says, but refused
    assert list(response.json()) == ["published_on"]
