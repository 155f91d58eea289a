"""One offset unit end to end: Unicode code points (Python str indices) in the database and
the API, said so in the API schema. (The review page converts its UTF-16 selections at the
browser boundary: tests/browser/test_offsets.py.)"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations.models import Partner
from annotations.partners.tokens import partner_token_create
from tests.factories import (
    ArticleFactory,
    EntityMentionFactory,
    PublishedVerdictFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

SCIENTIST = "\U0001f469\u200d\U0001f52c"
ASTRAL = (
    f"Opinion 😀😀😀 from 🇺🇦 and 東京 {SCIENTIST}.\n"
    "The mayor of Kyiv said 12% of 300 schools closed."
)


@pytest.fixture
def partner_client(settings):
    settings.API_SYNC_LAG_SECONDS = 0
    cache.clear()  # throttle counters
    token = partner_token_create(name="Newsroom")
    Partner.objects.filter(pk=token.partner.pk).update(can_ingest=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.secret}")
    return client


def test_every_offset_in_the_api_schema_says_it_counts_code_points(client):
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    offsets = [
        (name, field, spec)
        for name, schema in schemas.items()
        for field, spec in schema.get("properties", {}).items()
        if field in ("start", "end")
    ]
    assert len(offsets) >= 8  # statements (detected, published), figures, mentions
    for name, field, spec in offsets:
        description = spec.get("description", "")
        assert "Unicode code points (Python str indices), not UTF-16 code units" in description, (
            name,
            field,
        )


def test_ingesting_over_the_api_returns_code_point_offsets(partner_client):
    response = partner_client.post("/api/v1/articles/", {"text": ASTRAL}, format="json")
    assert response.status_code == 201, response.content
    (statement,) = response.json()["statements"]
    assert ASTRAL[statement["start"] : statement["end"]] == statement["text"]
    assert statement["text"].startswith("The mayor of Kyiv")
    assert statement["figures"]
    for figure in statement["figures"]:
        assert ASTRAL[figure["start"] : figure["end"]] == figure["text"]


def test_a_published_article_indexes_its_body_in_code_points(partner_client):
    article = ArticleFactory(body=ASTRAL)
    sentence = ASTRAL.splitlines()[1]
    start = ASTRAL.index("12%")
    figure = {"text": "12%", "start": start, "end": start + 3, "kind": "percent"}
    PublishedVerdictFactory(
        statement=StatementFactory(article=article, phrase=sentence, figures=[figure])
    )
    EntityMentionFactory(article=article, phrase="Kyiv", label="GPE", source="model")

    body = partner_client.get(f"/api/v1/articles/{article.pk}/").json()
    assert body["body"] == ASTRAL
    (statement,) = body["statements"]
    spans = [statement, *statement["figures"], *statement["entities"]]
    assert [s["text"] for s in spans] == [sentence, "12%", "Kyiv"]
    for span in spans:
        assert body["body"][span["start"] : span["end"]] == span["text"]
