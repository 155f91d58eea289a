""" "Checked before": statements that resemble a published verdict, and reusing one."""

import html

import pytest
from django.urls import reverse

from annotations.models import ReviewEvent, Statement, StatementEmbedding, Verdict
from annotations.nlp.encoder import claims_compare, sentence_encoder_get, sentences_embed
from annotations.review.matches import statement_matches, verdict_reuse
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

SAMPLE_SENTENCE = (
    "One card the Europeans are holding close to their chest to exert influence in the"
    " negotiations they have been largely excluded from is the issue of the €210 billion"
    " inRussian sovereign assets they have immobilised within their jurisdictions and which"
    " they plan to use to fund Ukraine’s financial needs over the coming two years."
)
PARAPHRASE = "Europe holds €210bn of frozen Russian central bank money."


def _published(text, **kw):
    article = ArticleFactory(body=f"Intro.\n{text}\nMore.")
    statement = StatementFactory(article=article, phrase=text)
    return PublishedVerdictFactory(statement=statement, **kw)


def _new_statement(text):
    article = ArticleFactory(body=f"{text}\nThe end.")
    return StatementFactory(article=article, phrase=text)


def test_a_paraphrase_finds_the_verdict_on_the_samples_210_billion_sentence():
    published = _published(SAMPLE_SENTENCE, rating="half_true")
    _published("The city's population grew by 3,400 people in 2024.")
    statement = _new_statement(PARAPHRASE)
    (match,) = statement_matches(statement=statement)
    assert match.published.pk == published.pk
    assert match.score >= sentence_encoder_get().threshold
    assert match.shared_figures == ("210",)


def test_the_same_topic_with_other_figures_is_not_a_match():
    _published("Unemployment fell to 3.9% in March, its lowest level in two years.")
    assert statement_matches(statement=_new_statement("Car sales fell by 20% last year.")) == []
    # Both state figures and share none: the score is lowered below the cosine.
    a, b = sentences_embed(["Crime has fallen by 30%.", "Crime has fallen by 12%."])
    compared = claims_compare(
        cosine=float(a @ b), text="Crime has fallen by 30%.", other="Crime has fallen by 12%."
    )
    assert compared.figures_conflict and compared.score < compared.cosine


def test_a_statement_never_matches_its_own_verdict_and_withdrawn_ones_are_left_out():
    published = _published(SAMPLE_SENTENCE)
    assert statement_matches(statement=published.statement) == []
    from annotations.editorial.services import verdict_withdraw

    verdict_withdraw(statement_id=published.statement_id, user=EditorFactory(), reason="Wrong.")
    assert statement_matches(statement=_new_statement(PARAPHRASE)) == []


def test_vectors_are_stored_once_and_recomputed_when_the_text_changes():
    statement = _new_statement(PARAPHRASE)
    _published(SAMPLE_SENTENCE)
    statement_matches(statement=statement)
    row = StatementEmbedding.objects.get(statement=statement)
    assert row.count == 1 and len(bytes(row.vectors)) == 384 * 2
    long_one = StatementEmbedding.objects.exclude(statement=statement).get()
    assert long_one.count > 1  # the long sentence is also encoded in windows
    Statement.objects.filter(pk=statement.pk).update(text="Something else entirely.")
    statement.refresh_from_db()
    statement_matches(statement=statement)
    assert StatementEmbedding.objects.get(statement=statement).text_sha256 != row.text_sha256


def test_reusing_a_match_starts_a_linked_draft_that_still_needs_four_eyes(client):
    published = _published(SAMPLE_SENTENCE, rating="half_true", explanation="Both say €210bn.")
    statement = _new_statement(PARAPHRASE)
    rita = ReviewerFactory()
    client.force_login(rita)
    panel = client.get(
        reverse("statement_panel", args=[statement.pk]), HTTP_X_REQUESTED_WITH="fetch"
    )
    page = html.unescape(panel.content.decode())
    assert "Checked before" in page and "Reuse this verdict" in page

    response = client.post(
        reverse("verdict_reuse", args=[statement.pk]),
        {"published": published.pk},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    assert "Draft started from the published verdict" in html.unescape(response.content.decode())
    verdict = Verdict.objects.get(statement=statement)
    assert (verdict.rating, verdict.explanation, verdict.reused_from_id) == (
        "half_true",
        "Both say €210bn.",
        published.pk,
    )
    assert [s.url for s in verdict.sources.all()] == [s["url"] for s in published.sources]
    statement.refresh_from_db()
    assert statement.review_state == "draft"  # not published: an editor must still approve
    assert ReviewEvent.objects.filter(statement=statement, action="saved").count() == 1

    # A verdict with text is never replaced by a reuse.
    again = client.post(
        reverse("verdict_reuse", args=[statement.pk]),
        {"published": published.pk},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert again.status_code == 409


def test_reusing_needs_a_published_verdict_and_a_reviewer():
    statement = _new_statement(PARAPHRASE)
    from annotations.core.errors import Forbidden, InvalidInput

    with pytest.raises(InvalidInput):
        verdict_reuse(statement_id=statement.pk, user=ReviewerFactory(), published_id=999_999)
    published = _published(SAMPLE_SENTENCE)
    with pytest.raises(Forbidden):
        verdict_reuse(statement_id=statement.pk, user=EditorFactory(), published_id=published.pk)


def test_partners_get_the_related_claimreviews_of_a_published_verdict():
    from rest_framework.test import APIClient

    from annotations.partners.tokens import partner_token_create

    original = _published(SAMPLE_SENTENCE, rating="half_true")
    later = PublishedVerdictFactory(
        statement=_new_statement(PARAPHRASE), editor=EditorFactory(username="ed2")
    )
    client = APIClient()
    token = partner_token_create(name="Partner").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get(reverse("api_claimreview_related", args=[later.pk]))
    assert response.status_code == 200
    (related,) = response.json()["results"]
    assert related["claimreview"] == original.pk and related["rating"] == "half_true"
    assert related["url"].endswith(f"/api/v1/claimreviews/{original.pk}/")
    assert client.get(reverse("api_claimreview_related", args=[999_999])).status_code == 404
