"""Four eyes on the claim as reviewed: the editor sees the reviewer's summary beside the
original sentence and the speaker with its type, approves exactly that, and a change in a
correction waits for a new approval like any other change to the verdict."""

import pytest
from django.urls import reverse

from annotations.editorial.services import verdict_approve, verdict_correction_start
from annotations.models import PublishedVerdict
from annotations.review.services import ClaimInput
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    ReviewerFactory,
    StatementFactory,
    SubmittedVerdictFactory,
)

pytestmark = pytest.mark.django_db
SENTENCE = "The EU holds €210 billion inRussian assets, said Rutte."
SUMMARY = "The EU holds €210 billion in Russian assets."


@pytest.fixture
def statement():
    article = ArticleFactory(body=f"Leaders met.\n{SENTENCE} More follows.")
    return StatementFactory(article=article, phrase=SENTENCE, speaker="Rutte")


@pytest.fixture
def submitted(statement):
    claim = ClaimInput(summary=SUMMARY, speaker="Mark Rutte", speaker_type="Person")
    return SubmittedVerdictFactory(statement=statement, claim=claim)


def test_editor_sees_claim_summary_beside_original_sentence(client, submitted):
    client.force_login(EditorFactory())
    page = client.get(reverse("approval_detail", args=[submitted.statement_id])).content.decode()
    compare = page[page.index('class="verdict-view claim-compare"') :]
    assert compare.index(SENTENCE) < compare.index(SUMMARY)
    assert "Speaker found in the text: Rutte" in page
    assert 'Mark Rutte <span class="sub">Person</span>' in page


def test_approving_publishes_the_claim_summary_and_the_corrected_speaker(submitted):
    published = verdict_approve(
        statement_id=submitted.statement_id, user=EditorFactory(), base_version=submitted.version
    )
    assert (published.claim_summary, published.speaker, published.speaker_type) == (
        SUMMARY,
        "Mark Rutte",
        "Person",
    )
    assert published.document["claimReviewed"] == SUMMARY
    assert published.document["itemReviewed"]["author"] == {"@type": "Person", "name": "Mark Rutte"}
    published.statement.refresh_from_db()
    assert (published.statement.text, published.statement.speaker) == (SENTENCE, "Rutte")


def test_a_claim_changed_in_a_correction_waits_for_a_new_approval(client, submitted):
    rita, eddie, erin = ReviewerFactory(), EditorFactory(), EditorFactory()
    statement_id = submitted.statement_id
    verdict_approve(statement_id=statement_id, user=eddie, base_version=submitted.version)
    verdict_correction_start(statement_id=statement_id, user=rita)
    claim = ClaimInput(
        summary="Russian assets: €210bn.", speaker="NATO", speaker_type="Organization"
    )
    revised = SubmittedVerdictFactory(statement=submitted.statement, reviewer=rita, claim=claim)

    document = PublishedVerdict.objects.get(statement_id=statement_id).document
    assert document["claimReviewed"] == SUMMARY  # partners still see the approved claim
    client.force_login(erin)
    page = client.get(reverse("approval_detail", args=[statement_id])).content.decode()
    assert f"Claim as reviewed: <del>{SUMMARY}</del> → <ins>Russian assets: €210bn.</ins>" in page
    assert "Speaker: <del>Mark Rutte (Person)</del> → <ins>NATO (Organization)</ins>" in page

    published = verdict_approve(statement_id=statement_id, user=erin, base_version=revised.version)
    assert published.document["claimReviewed"] == "Russian assets: €210bn."
    assert published.document["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "NATO",
    }
