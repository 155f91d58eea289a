"""What the public and partners see of a published verdict when the article is revised:
the sentence an editor approved, on the revision it was approved on, until an editor
approves the new wording; the same sentence carried word for word follows its statement."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.editorial.services import verdict_approve
from annotations.ingest.services import article_ingest
from annotations.models import PublishedVerdict, Statement
from annotations.partners.tokens import partner_token_create
from tests.factories import EditorFactory, PublishedVerdictFactory

pytestmark = pytest.mark.django_db

URL = "https://news.example.org/2026/lakeford-budget"
RISE = "The council raised the police budget by 4.8 percent, to $85 million."
SCHOOLS = "Schools will get 40 new teachers next year, the mayor said."
TEXT = f"Lakeford passes its budget\n{RISE} {SCHOOLS}\n"
REWORDED = TEXT.replace("4.8 percent", "4.6 percent")


@pytest.fixture
def partner(settings) -> APIClient:
    settings.API_SYNC_LAG_SECONDS = 0
    cache.clear()  # throttle counters
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='Desk').secret}")
    return client


@pytest.fixture
def published() -> PublishedVerdict:
    first = article_ingest(text=TEXT, source_url=URL).article
    statement = Statement.objects.get(article=first, text=RISE)
    return PublishedVerdictFactory(statement=statement)


def _get(client, name: str, pk: int) -> dict:
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200, response.content
    return response.json()


def test_a_reworded_revision_changes_nothing_the_public_and_partners_see_until_approved(
    client, partner, published
):
    first = published.article
    before = {
        "claimreview": _get(partner, "api_claimreview", published.pk),
        "annotation": _get(partner, "api_claimreview_annotation", published.pk),
    }
    second = article_ingest(text=REWORDED, source_url=URL).article

    page = client.get(reverse("verdict_public", args=[published.pk])).content.decode()
    assert "4.8 percent" in page and "4.6 percent" not in page
    assert _get(partner, "api_claimreview", published.pk) == before["claimreview"]
    annotation = _get(partner, "api_claimreview_annotation", published.pk)
    assert annotation == before["annotation"]
    assert annotation["target"]["selector"][0]["exact"] == RISE
    # The article that carries it is the revision the verdict was approved on.
    (on_first,) = _get(partner, "api_article", first.pk)["statements"]
    assert on_first["text"] == RISE and on_first["claim_reviewed"] == RISE
    assert [f["text"] for f in on_first["figures"]] == ["4.8 percent", "$85 million"]
    assert partner.get(reverse("api_article", args=[second.pk])).status_code == 404


def test_once_an_editor_approves_the_new_wording_everything_shows_it_on_the_new_revision(
    client, partner, published
):
    second = article_ingest(text=REWORDED, source_url=URL).article
    statement = Statement.objects.get(pk=published.statement_id)
    verdict_approve(
        statement_id=statement.pk, user=EditorFactory(), base_version=statement.verdict.version
    )

    page = client.get(reverse("verdict_public", args=[published.pk])).content.decode()
    assert "4.6 percent" in page and "4.8 percent" not in page
    claimreview = _get(partner, "api_claimreview", published.pk)
    assert "4.6 percent" in claimreview["claimReviewed"]
    annotation = _get(partner, "api_claimreview_annotation", published.pk)
    assert "4.6 percent" in annotation["target"]["selector"][0]["exact"]
    assert annotation["modified"] == claimreview["dateModified"]
    (on_second,) = _get(partner, "api_article", second.pk)["statements"]
    assert "4.6 percent" in on_second["text"]


def test_a_sentence_carried_word_for_word_takes_its_published_verdict_to_the_new_revision(
    partner, published
):
    second = article_ingest(text="Update: the vote was 7 to 2.\n" + TEXT, source_url=URL).article

    (on_second,) = _get(partner, "api_article", second.pk)["statements"]
    assert on_second["text"] == RISE and second.body[on_second["start"] : on_second["end"]] == RISE
    annotation = _get(partner, "api_claimreview_annotation", published.pk)
    assert annotation["target"]["selector"][1]["start"] == on_second["start"]


def test_the_editor_sees_the_reworded_sentence_as_what_the_correction_changes(client, published):
    article_ingest(text=REWORDED, source_url=URL)
    client.force_login(EditorFactory())

    html = client.get(reverse("approval_detail", args=[published.statement_id])).content.decode()
    assert "Nothing differs" not in html
    assert "<del>4.8</del><ins>4.6</ins>" in html
