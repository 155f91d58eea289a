"""API clients always get JSON errors: oversized and non-JSON bodies, unknown paths and
formats, and (tests/system/test_api_outages.py) server errors during an outage."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations.models import Article, Partner
from annotations.partners.tokens import partner_token_create
from tests.factories import PublishedVerdictFactory

pytestmark = pytest.mark.django_db
ARTICLES = "/api/v1/articles/"


@pytest.fixture
def ingest_client():
    cache.clear()  # throttle counters
    new = partner_token_create(name="Newsroom")
    Partner.objects.filter(pk=new.partner.pk).update(can_ingest=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    return client


def test_a_json_body_over_the_size_limit_is_a_413_with_a_json_message(ingest_client):
    body = json.dumps({"text": "The minister said 12% of schools closed. " * 500_000})
    assert len(body) > 20_000_000
    response = ingest_client.generic("POST", ARTICLES, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is larger than 5 MB."}
    assert Article.objects.count() == 0


def test_a_body_that_is_not_json_is_a_415_with_a_json_message(ingest_client):
    response = ingest_client.post(
        ARTICLES, {"text": "The mayor opened 3 parks."}, format="multipart"
    )
    assert response.status_code == 415
    assert "detail" in response.json()


def test_json_that_is_not_utf8_is_a_400(ingest_client):
    body = b'{"text": "The minister said 12% \xff of schools closed."}'
    response = ingest_client.generic("POST", ARTICLES, body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/articles/abc/", "/api/v1/claimreviews/-1/"]
)
def test_an_unknown_api_path_is_a_json_404_and_a_page_an_html_one(client, settings, path):
    settings.DEBUG = False  # DEBUG shows Django's technical 404 page instead
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    page = client.get("/nothing-here/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("value", ["xml", ""])
def test_a_format_the_api_does_not_serve_is_a_404_naming_those_it_does_even_if_empty(value):
    # The schema's `format` enum lists what a view serves. DRF alone would serve `?format=`
    # with no value as if it were absent, and answer an unknown one with a bare "Not found."
    cache.clear()  # throttle counters
    detail = f"/api/v1/claimreviews/{PublishedVerdictFactory().pk}/"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='N').secret}")
    for path in (detail, "/api/v1/claimreviews/"):
        response = client.get(path, {"format": value})
        assert response.status_code == 404, path
        assert response.json()["detail"].startswith(f"No format {value!r} here")
        assert "this endpoint serves: json" in response.json()["detail"]
    assert client.get(detail, {"format": "json"}).status_code == 200


@pytest.mark.parametrize(
    ("params", "headers"), [({"format": "api"}, {}), ({}, {"HTTP_ACCEPT": "text/html"})]
)
def test_a_partner_opening_a_claimreview_in_a_browser_gets_the_api_page_not_a_500(params, headers):
    # The browsable API's page runs the site's context processors, whose desk navigation
    # asked a partner's token for Django groups it does not have.
    cache.clear()  # throttle counters
    path = f"/api/v1/claimreviews/{PublishedVerdictFactory().pk}/"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='N').secret}")
    response = client.get(path, params, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "ClaimReview" in page
    assert "Approvals" not in page  # no desk navigation for a partner
