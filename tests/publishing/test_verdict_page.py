"""The public verdict page (the ClaimReview's url) carries the same ClaimReview as JSON-LD."""

import json
import re
from datetime import date

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from annotations.editorial.services import verdict_withdraw
from annotations.partners.tokens import partner_token_create
from tests.factories import ArticleFactory, EditorFactory, PublishedVerdictFactory, StatementFactory
from tests.publishing.test_claimreview_google import google_claimreview_problems

pytestmark = pytest.mark.django_db
JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    settings.API_SYNC_LAG_SECONDS = 0


def page_jsonld(client, published) -> list[dict]:
    response = client.get(f"/verdicts/{published.pk}/")  # logged out, as a crawler
    assert response.status_code == 200
    return [json.loads(block) for block in JSONLD_RE.findall(response.content.decode())]


def api_item(published) -> dict:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='N').secret}")
    response = api.get(f"/api/v1/claimreviews/{published.pk}/")
    assert response.status_code == 200
    return response.json()


def test_the_verdict_page_embeds_the_claimreview_partners_get(client):
    article = ArticleFactory(
        title="Budget story",
        source_url="https://news.example.org/budget",
        publisher="The Daily",
        published_on=date(2026, 11, 19),
    )
    published = PublishedVerdictFactory(
        statement=StatementFactory(article=article, speaker="Statistics Netherlands")
    )
    (jsonld,) = page_jsonld(client, published)
    item = api_item(published)
    # The same document, less the API's own keys (schema.org's context reads "id" as @id).
    assert jsonld == {k: v for k, v in item.items() if k not in ("id", "withdrawn")}
    assert jsonld["url"] == f"{settings.SITE_URL}/verdicts/{published.pk}/"
    assert jsonld["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Statistics Netherlands",
    }
    assert google_claimreview_problems(jsonld) == ([], [])


def test_markup_in_a_claim_cannot_close_the_json_ld_or_open_a_script(client):
    text = 'He wrote "</script><script>alert(1)</script><!--" & said 12% of schools closed.'
    statement = StatementFactory(article=ArticleFactory(body=text))
    published = PublishedVerdictFactory(statement=statement)
    html = client.get(f"/verdicts/{published.pk}/").content.decode()
    assert "<script>alert(1)" not in html and "<!--" not in html.split("</head>")[0]
    assert html.count("<script") == 1
    (jsonld,) = page_jsonld(client, published)
    assert jsonld["claimReviewed"] == text


def test_a_withdrawn_verdict_page_carries_no_claimreview(client):
    published = PublishedVerdictFactory()
    verdict_withdraw(statement_id=published.statement_id, user=EditorFactory(), reason="Wrong.")
    assert page_jsonld(client, published) == []
    assert (
        "This fact check was withdrawn" in client.get(f"/verdicts/{published.pk}/").content.decode()
    )


def test_the_page_keeps_the_strict_script_policy(client):
    published = PublishedVerdictFactory()
    policy = client.get(f"/verdicts/{published.pk}/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    # JSON-LD is a data block, never run: no nonce, hash or 'unsafe-inline' is needed.
    assert directives["script-src"] == "'self'"
