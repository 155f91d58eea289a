"""The claim as reviewed (annotations.review.services.verdict_save with ``claim``): a short
summary kept beside the untouched sentence, and the speaker with its type, saved and
versioned with the verdict, recorded in the history in plain words, and offered in the
verdict panel."""

import pytest
from django.urls import reverse

from annotations.core.errors import InvalidInput
from annotations.models import ReviewEvent, Statement
from annotations.review.services import ClaimInput, SourceInput, VerdictConflict, verdict_save
from tests.factories import (
    ArticleFactory,
    EntityFactory,
    EntityMentionFactory,
    ReviewerFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
SENTENCE = "The EU holds €210 billion inRussian assets, said Rutte."
SUMMARY = "The EU holds €210 billion in Russian assets."
SCRIPT = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def statement():
    article = ArticleFactory(body=f"Leaders met.\n{SENTENCE} More follows.")
    return StatementFactory(article=article, phrase=SENTENCE, speaker="Rutte")


def save(statement, user, *, version=0, submit=False, claim=None):
    return verdict_save(
        statement_id=statement.pk,
        user=user,
        rating="mostly_true",
        explanation="The Commission's figure.",
        sources=[SourceInput(url="https://ec.europa.eu/a")],
        base_version=version,
        submit=submit,
        claim=claim,
    )


def test_a_claim_summary_is_saved_beside_the_untouched_sentence_and_versioned(statement):
    rita = ReviewerFactory()
    span = (statement.start, statement.end, statement.text)
    verdict = save(statement, rita, claim=ClaimInput(summary=SUMMARY, speaker="Rutte"))
    again = save(statement, rita, version=1, claim=ClaimInput(summary="Russian assets: €210bn."))
    statement.refresh_from_db()
    assert (statement.start, statement.end, statement.text) == span
    assert statement.speaker == "Rutte"
    assert (verdict.version, again.version) == (1, 2)
    assert again.claim_summary == "Russian assets: €210bn."
    snapshots = ReviewEvent.objects.filter(statement=statement).order_by("id")
    assert [e.snapshot["claim_summary"] for e in snapshots] == [SUMMARY, "Russian assets: €210bn."]


def test_a_summary_saved_on_a_stale_version_is_a_conflict_not_an_overwrite(statement):
    rita, sam = ReviewerFactory(), ReviewerFactory()
    save(statement, rita, claim=ClaimInput(summary=SUMMARY))
    with pytest.raises(VerdictConflict) as caught:
        save(statement, sam, claim=ClaimInput(summary="Sam's summary."))
    assert caught.value.current.claim_summary == SUMMARY


def test_a_new_verdict_starts_with_the_detected_speaker_typed_by_the_tagging():
    article = ArticleFactory(body="Prices rose 4%, said Rabobank. More follows.")
    EntityMentionFactory(
        article=article, phrase="Rabobank", entity=EntityFactory(label="ORG", name="Rabobank")
    )
    statement = StatementFactory(article=article, phrase="Prices rose 4%, said Rabobank.")
    statement.speaker = "Rabobank"
    statement.save()
    verdict = save(statement, ReviewerFactory())
    assert (verdict.claim_summary, verdict.speaker, verdict.speaker_type) == (
        "",
        "Rabobank",
        "Organization",
    )


def test_a_corrected_speaker_keeps_the_type_the_reviewer_chose(statement):
    claim = ClaimInput(speaker="Mark Rutte", speaker_type="Person")
    verdict = save(statement, ReviewerFactory(), claim=claim)
    assert (verdict.speaker, verdict.speaker_type) == ("Mark Rutte", "Person")


def test_an_unknown_speaker_type_is_refused_with_a_clear_error(statement):
    claim = ClaimInput(speaker="Mark Rutte", speaker_type="Robot")
    with pytest.raises(InvalidInput) as caught:
        save(statement, ReviewerFactory(), claim=claim)
    assert caught.value.field == "speaker_type"
    assert caught.value.message == "Choose Person or Organization as the speaker type."
    assert not ReviewEvent.objects.filter(statement=statement).exists()


def test_a_summary_over_500_characters_is_refused(statement):
    with pytest.raises(InvalidInput) as caught:
        save(statement, ReviewerFactory(), claim=ClaimInput(summary="word " * 101))
    assert caught.value.field == "claim_summary"
    assert "500 characters" in caught.value.message


def test_clearing_the_speaker_names_nobody_and_drops_the_type(statement):
    verdict = save(
        statement, ReviewerFactory(), claim=ClaimInput(speaker="  ", speaker_type="Person")
    )
    assert (verdict.speaker, verdict.speaker_type) == ("", "")


def test_the_claim_cannot_be_changed_once_submitted(statement):
    rita = ReviewerFactory()
    save(statement, rita, submit=True)
    with pytest.raises(VerdictConflict):
        save(statement, rita, version=1, claim=ClaimInput(summary=SUMMARY))


def test_the_history_says_in_plain_words_how_the_claim_and_speaker_changed(statement):
    rita = ReviewerFactory()
    save(statement, rita, claim=ClaimInput(summary=SUMMARY, speaker="Mark Rutte"))
    save(
        statement,
        rita,
        version=1,
        claim=ClaimInput(summary=SUMMARY, speaker="Mark Rutte", speaker_type="Organization"),
    )
    save(
        statement,
        rita,
        version=2,
        claim=ClaimInput(speaker="Mark Rutte", speaker_type="Organization"),
    )
    save(statement, rita, version=3, claim=None)  # the claim as saved: nothing to say
    notes = list(
        ReviewEvent.objects.filter(statement=statement)
        .order_by("id")
        .values_list("note", flat=True)
    )
    assert notes == [
        f"Claim as reviewed: “{SUMMARY}” Speaker corrected from “Rutte” to “Mark Rutte” (person).",
        "Mark Rutte is now typed as organization.",
        "Claim summary removed: the sentence itself is reviewed.",
        "",
    ]


def test_the_statement_record_shows_the_claim_changes_in_its_history(client, statement):
    rita = ReviewerFactory()
    save(statement, rita, claim=ClaimInput(summary=SUMMARY, speaker="Mark Rutte"))
    client.force_login(rita)
    page = client.get(reverse("statement_record", args=[statement.pk])).content.decode()
    assert "Speaker corrected from “Rutte” to “Mark Rutte” (person)." in page
    assert f"Claim as reviewed: {SUMMARY}" in page  # the verdict at that moment


# --- The panel ---------------------------------------------------------------------------


def test_the_panel_offers_the_claim_fields_prefilled_from_the_statement(client, statement):
    client.force_login(ReviewerFactory())
    page = client.get(reverse("statement_panel", args=[statement.pk])).content.decode()
    assert f'placeholder="{SENTENCE}"' in page  # the sentence a summary would replace
    assert 'name="speaker" value="Rutte"' in page
    assert '<option value="Person" selected>Person</option>' in page


def test_the_panel_saves_the_claim_with_the_draft_and_shows_errors_beside_the_fields(
    client, statement
):
    client.force_login(ReviewerFactory())
    data = {
        "rating": "mostly_true",
        "explanation": "",
        "claim_summary": SUMMARY,
        "speaker": "Mark Rutte",
        "speaker_type": "Robot",
        "base_version": 0,
        "action": "save",
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
    }
    url = reverse("verdict_save", args=[statement.pk])
    refused = client.post(url, data, **SCRIPT)
    assert refused.status_code == 400
    assert "Choose Person or Organization as the speaker type." in refused.content.decode()
    saved = client.post(url, data | {"speaker_type": "Organization"}, **SCRIPT)
    assert saved.status_code == 200
    statement = Statement.objects.select_related("verdict").get(pk=statement.pk)
    verdict = statement.verdict
    assert (verdict.claim_summary, verdict.speaker, verdict.speaker_type) == (
        SUMMARY,
        "Mark Rutte",
        "Organization",
    )
    assert f">\n{SUMMARY}</textarea>" in saved.content.decode()


def test_a_save_from_a_page_without_the_claim_fields_keeps_the_claim(client, statement):
    rita = ReviewerFactory()
    save(statement, rita, claim=ClaimInput(summary=SUMMARY, speaker="Mark Rutte"))
    client.force_login(rita)
    data = {
        "rating": "false",
        "explanation": "Second take.",
        "base_version": 1,
        "action": "save",
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
    }
    assert (
        client.post(reverse("verdict_save", args=[statement.pk]), data, **SCRIPT).status_code == 200
    )
    verdict = Statement.objects.select_related("verdict").get(pk=statement.pk).verdict
    assert (verdict.version, verdict.claim_summary, verdict.speaker) == (2, SUMMARY, "Mark Rutte")
