"""The claim in the ClaimReview (annotations.publishing.claimreview.claimreview_build):
``claimReviewed`` is the approved summary, else the sentence; ``itemReviewed.author`` is
the approved speaker with the approved type; the articles API says the same."""

import pytest
from rest_framework.test import APIClient

from annotations.partners.tokens import partner_token_create
from annotations.publishing.claimreview import EXAMPLE_SITE, claimreview_build
from annotations.review.services import ClaimInput
from tests.factories import (
    ArticleFactory,
    PublishedVerdictFactory,
    StatementFactory,
)

SENTENCE = "The EU holds €210 billion inRussian assets, said Rutte."
SUMMARY = "The EU holds €210 billion in Russian assets."


def published_with(**claim):
    """An approved verdict whose reviewer wrote ``claim`` (ClaimInput's fields)."""
    article = ArticleFactory(body=f"Leaders met.\n{SENTENCE} More follows.")
    statement = StatementFactory(article=article, phrase=SENTENCE, speaker="Rutte")
    return PublishedVerdictFactory(statement=statement, claim=ClaimInput(**claim))


@pytest.mark.django_db
def test_claim_reviewed_is_the_approved_summary_and_the_author_has_the_chosen_type():
    published = published_with(summary=SUMMARY, speaker="Rutte", speaker_type="Organization")
    document = claimreview_build(published, site=EXAMPLE_SITE)
    assert document["claimReviewed"] == SUMMARY
    assert document["itemReviewed"]["author"] == {"@type": "Organization", "name": "Rutte"}


@pytest.mark.django_db
def test_without_a_summary_the_sentence_is_reviewed_and_without_a_speaker_nobody_is_named():
    document = claimreview_build(published_with(speaker=""), site=EXAMPLE_SITE)
    assert document["claimReviewed"] == SENTENCE
    assert "author" not in document["itemReviewed"]


@pytest.mark.django_db
def test_the_articles_api_shows_the_claim_and_claimant_as_the_claimreview_has_them(settings):
    settings.API_SYNC_LAG_SECONDS = 0
    published = published_with(summary=SUMMARY, speaker="Mark Rutte", speaker_type="Person")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='N').secret}")
    article = client.get(f"/api/v1/articles/{published.statement.article_id}/").json()
    (statement,) = article["statements"]
    assert (statement["text"], statement["speaker"]) == (SENTENCE, "Rutte")  # as detected
    assert statement["claim_reviewed"] == SUMMARY
    assert statement["claimant"] == {"@type": "Person", "name": "Mark Rutte"}
    item = client.get(f"/api/v1/claimreviews/{published.pk}/").json()
    assert item["claimReviewed"] == statement["claim_reviewed"]
    assert item["itemReviewed"]["author"] == statement["claimant"]


@pytest.mark.django_db
def test_a_verdict_saved_without_a_claim_publishes_the_detected_speaker():
    statement = StatementFactory(speaker="Statistics Netherlands")
    document = PublishedVerdictFactory(statement=statement).document
    assert document["claimReviewed"] == statement.text
    assert document["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Statistics Netherlands",
    }
