"""Published verdicts as W3C Web Annotations: built from what is frozen at publication
(the stored ClaimReview, the statement's offsets), served on their own URL, by content
negotiation on the ClaimReview's, and in the bulk export."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations.editorial.services import verdict_correction_start, verdict_withdraw
from annotations.models import Article, PublishedVerdict, Statement
from annotations.partners.api import serializers as s
from annotations.partners.tokens import partner_token_create
from annotations.publishing.export import annotations_export
from annotations.publishing.webannotation import (
    CONTEXT_CHARS,
    MEDIA_TYPE,
    text_quote_selector,
    web_annotation_build,
)
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    StatementFactory,
)
from tests.publishing.test_api_claimreview import (
    assert_required_present,
    field_names,
    keys_seen,
)

pytestmark = pytest.mark.django_db

BODY = (
    "The minister spoke in Utrecht on Monday morning. "
    "She said that 12% of the schools had closed since 2020. "
    "Teachers' unions disputed the figure."
)
MIDDLE = "She said that 12% of the schools had closed since 2020."
FIRST = "The minister spoke in Utrecht on Monday morning."
LAST = "Teachers' unions disputed the figure."


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    settings.API_SYNC_LAG_SECONDS = 0
    cache.clear()  # throttle counters


@pytest.fixture
def partner_client():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='Anchors').secret}")
    return client


def published_on(phrase: str, article: Article | None = None, **fields) -> PublishedVerdict:
    """A published verdict on ``phrase`` of BODY, in ``article`` or a new one."""
    article = article or ArticleFactory(body=BODY, **fields)
    return PublishedVerdictFactory(
        statement=StatementFactory(article=article, phrase=phrase), rating="mostly_true"
    )


def selectors(annotation: dict) -> tuple[dict, dict]:
    quote, position = annotation["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector"
    assert position["type"] == "TextPositionSelector"
    return quote, position


def test_partner_gets_verdict_as_web_annotation_with_quote_and_position_selectors(
    partner_client, settings
):
    published = published_on(MIDDLE, source_url="https://news.example.org/schools")
    response = partner_client.get(f"/api/v1/claimreviews/{published.pk}/annotation/")
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    annotation = response.json()
    quote, position = selectors(annotation)

    assert annotation["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert annotation["id"] == (
        f"{settings.SITE_URL}/api/v1/claimreviews/{published.pk}/annotation/"
    )
    assert annotation["type"] == "Annotation"
    assert annotation["motivation"] == "assessing"
    assert annotation["target"]["source"] == "https://news.example.org/schools"
    # The selectors slice back to the article's text.
    assert BODY[position["start"] : position["end"]] == quote["exact"] == MIDDLE
    assert quote["prefix"] == BODY[position["start"] - CONTEXT_CHARS : position["start"]]
    assert quote["suffix"] == BODY[position["end"] : position["end"] + CONTEXT_CHARS]
    assert len(quote["prefix"]) == len(quote["suffix"]) == CONTEXT_CHARS

    document = published.document
    text, link = annotation["body"]
    assert text == {
        "type": "TextualBody",
        "value": f"Mostly true: {document['reviewBody']}",
        "format": "text/plain",
        "purpose": "assessing",
    }
    assert link == {"type": "SpecificResource", "source": document["url"], "purpose": "describing"}
    assert annotation["creator"]["name"] == document["author"]["name"]
    assert annotation["created"] == document["datePublished"]
    assert annotation["modified"] == document["dateModified"]


def test_a_statement_at_the_article_start_has_no_prefix_and_at_its_end_no_suffix():
    article = ArticleFactory(body=BODY)
    first = web_annotation_build(published=published_on(FIRST, article))
    quote, position = selectors(first)
    assert position == {"type": "TextPositionSelector", "start": 0, "end": len(FIRST)}
    assert "prefix" not in quote
    assert quote["suffix"] == BODY[len(FIRST) : len(FIRST) + CONTEXT_CHARS]

    last = web_annotation_build(published=published_on(LAST, article))
    quote, position = selectors(last)
    assert position["end"] == len(BODY)
    assert BODY[position["start"] : position["end"]] == quote["exact"] == LAST
    assert "suffix" not in quote
    assert quote["prefix"] == BODY[len(BODY) - len(LAST) - CONTEXT_CHARS : -len(LAST)]


def test_context_shorter_than_32_characters_is_what_there_is_and_counts_code_points():
    body = "Ja 🇳🇱 zei hij. Het kost €5 miljard. Klaar."
    exact = "Het kost €5 miljard."
    start = body.index(exact)
    quote = text_quote_selector(body=body, start=start, end=start + len(exact))
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": exact,
        "prefix": "Ja 🇳🇱 zei hij. ",
        "suffix": " Klaar.",
    }


def test_an_article_without_source_url_is_targeted_by_its_record_in_the_api(settings):
    published = published_on(MIDDLE, source_url="")
    annotation = web_annotation_build(published=published)
    article_id = published.statement.article_id
    assert annotation["target"]["source"] == f"{settings.SITE_URL}/api/v1/articles/{article_id}/"


def test_the_claimreview_url_answers_with_the_annotation_when_asked_for_it(partner_client):
    published = published_on(MIDDLE)
    url = f"/api/v1/claimreviews/{published.pk}/"
    annotation = partner_client.get(url, HTTP_ACCEPT=MEDIA_TYPE)
    assert annotation.status_code == 200
    assert annotation["Content-Type"] == MEDIA_TYPE
    assert annotation.json() == web_annotation_build(published=published)

    # Without the profile, or asking for JSON, it is the ClaimReview as before.
    for accept in ("application/json", "*/*"):
        claimreview = partner_client.get(url, HTTP_ACCEPT=accept)
        assert claimreview["Content-Type"] == "application/json"
        assert claimreview.json() == published.document
    # And the annotation's own URL gives plain JSON to a client that asks for it.
    plain = partner_client.get(f"{url}annotation/", HTTP_ACCEPT="application/json")
    assert plain["Content-Type"] == "application/json"
    assert plain.json() == annotation.json()


def test_an_unknown_id_is_a_404_with_a_message(partner_client):
    for url, accept in [
        ("/api/v1/claimreviews/999999/annotation/", "*/*"),
        ("/api/v1/claimreviews/999999/", MEDIA_TYPE),
    ]:
        response = partner_client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 404
        assert response.json() == {"detail": "No published verdict with this id."}


def test_the_annotation_needs_a_partner_token():
    published = published_on(MIDDLE)
    response = APIClient().get(f"/api/v1/claimreviews/{published.pk}/annotation/")
    assert response.status_code == 401


def test_a_withdrawn_verdict_is_an_annotation_without_a_body_on_the_same_target(partner_client):
    published = published_on(MIDDLE, source_url="https://news.example.org/schools")
    before = web_annotation_build(published=published)
    verdict_withdraw(statement_id=published.statement_id, user=EditorFactory(), reason="Wrong.")
    published.refresh_from_db()

    response = partner_client.get(f"/api/v1/claimreviews/{published.pk}/annotation/")
    assert response.status_code == 200
    gone = response.json()
    assert "body" not in gone
    assert gone["id"] == before["id"]
    assert gone["target"] == before["target"]
    assert gone["created"] == before["created"]
    assert gone["modified"] == published.document["dateModified"] != before["modified"]


def test_the_annotation_changes_only_when_a_correction_is_published():
    published = published_on(MIDDLE, source_url="https://news.example.org/schools")
    before = web_annotation_build(published=published)
    Article.objects.filter(pk=published.statement.article_id).update(
        source_url="https://elsewhere.example.org/moved", title="Edited"
    )
    reread = PublishedVerdict.objects.select_related("statement__article").get(pk=published.pk)
    assert web_annotation_build(published=reread) == before  # the frozen URL is the target

    statement = Statement.objects.get(pk=published.statement_id)
    verdict_correction_start(statement_id=statement.pk, user=ReviewerFactory())
    corrected = PublishedVerdictFactory(statement=statement, rating="false")
    after = web_annotation_build(published=corrected)
    assert after["body"][0]["value"].startswith("False: ")
    assert after["modified"] != before["modified"]
    assert after["target"]["selector"] == before["target"]["selector"]


def exported() -> list[dict]:
    return [json.loads(line) for line in "".join(annotations_export()).splitlines()]


def test_the_bulk_export_has_one_annotation_a_line_in_sync_order(client, partner_client):
    kept = published_on(MIDDLE)
    withdrawn = published_on(FIRST, kept.statement.article)
    verdict_withdraw(statement_id=withdrawn.statement_id, user=EditorFactory(), reason="r")
    rows = PublishedVerdict.objects.select_related("statement__article").order_by(
        "modified_at", "id"
    )
    expected = [web_annotation_build(published=p) for p in rows]
    assert [a["id"].rsplit("/", 3)[-3] for a in expected] == [str(kept.pk), str(withdrawn.pk)]

    assert exported() == expected
    for annotation in exported():
        quote, position = selectors(annotation)
        assert BODY[position["start"] : position["end"]] == quote["exact"]
    assert "body" not in exported()[-1]

    response = partner_client.get("/api/v1/export.annotations.ndjson")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line) for line in lines] == expected


def test_the_annotation_is_read_in_one_query(partner_client, django_assert_num_queries):
    published = published_on(MIDDLE)
    partner_client.get("/api/v1/claimreviews/")  # the token's last use is now written
    url = f"/api/v1/claimreviews/{published.pk}/"
    # The token, then the verdict with its statement and article; by either URL.
    with django_assert_num_queries(2):
        assert partner_client.get(f"{url}annotation/").status_code == 200
    with django_assert_num_queries(2):
        assert partner_client.get(url, HTTP_ACCEPT=MEDIA_TYPE).status_code == 200


def test_the_export_reads_in_one_query_however_many_verdicts(django_assert_num_queries):
    article = ArticleFactory(body=BODY)
    for phrase in (FIRST, MIDDLE, LAST):
        published_on(phrase, article)
    with django_assert_num_queries(1):
        assert len(exported()) == 3


def test_the_annotation_serializers_describe_exactly_what_the_builder_writes():
    middle = published_on(MIDDLE, source_url="https://news.example.org/schools")
    first = published_on(FIRST, middle.statement.article)  # no prefix
    verdict_withdraw(statement_id=first.statement_id, user=EditorFactory(), reason="r")
    first.refresh_from_db()
    annotations = [web_annotation_build(published=p) for p in (middle, first)]
    seen: dict = {}
    for annotation in annotations:
        keys_seen(s.WebAnnotationSerializer(), annotation, seen)
        assert_required_present(s.WebAnnotationSerializer(), annotation)
    assert {cls: field_names(cls()) for cls in seen} == seen
    assert len(seen) == 5  # the annotation, its creator, body, target and selectors
