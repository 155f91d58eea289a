"""The sample article (seeds/), ingested and tagged with the real spaCy model: every
person, organisation and place a reader would name, with its label and a clean span."""

import pytest

from annotations.models import EntityMention
from tests.tagging.conftest import SAMPLE, model_mentions

pytestmark = pytest.mark.django_db

PEOPLE = {
    "Volodymyr Zelenskyy", "Zelenskyy", "Marco Rubio", "Pete Hegseth", "Keane", "Grynkewich",
    "Josh Gruenbaum", "Donald Trump", "Trump", "Ursula von der Leyen", "Emmanuel Macron",
    "Friedrich Merz", "Merz", "Keir Starmer", "Johann Wadephul", "Mark Rutte", "Putin",
}  # fmt: skip
ORGANISATIONS = {
    "Coalition of the Willing", "the Federal Acquisition Service", "the European Union", "EU",
    "the Russian Central Bank", "the European Commission", "NATO", "X",
}  # fmt: skip
PLACES = {
    "Ukraine", "Moscow", "Washington", "the United States", "US", "Russia", "France", "UK",
    "Belgium", "London", "Berlin", "Germany", "Donbas",
}  # fmt: skip
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC"}


@pytest.fixture(scope="module")
def sample_mentions(django_db_setup, django_db_blocker):
    """Tagged once for the module (the model takes a few seconds), then read."""
    from django.db import transaction

    from annotations.ingest.services import article_ingest
    from annotations.tagging.jobs import article_entities_tag

    with django_db_blocker.unblock(), transaction.atomic():
        article = article_ingest(text=SAMPLE).article
        article_entities_tag(article_id=article.pk)
        mentions = model_mentions(article)
        transaction.set_rollback(True)
    return mentions


def names_with(mentions: list[EntityMention], *labels: str) -> set[str]:
    return {m.text for m in mentions if m.label in labels}


def test_every_person_organisation_and_place_is_tagged_with_its_label(sample_mentions):
    assert names_with(sample_mentions, "PERSON") == PEOPLE
    assert names_with(sample_mentions, "ORG") == ORGANISATIONS
    assert names_with(sample_mentions, "GPE") == PLACES
    assert names_with(sample_mentions, "LOC") == {"Europe"}


def test_ursula_von_der_leyen_is_one_person_mention(sample_mentions):
    (ursula,) = [m for m in sample_mentions if "Leyen" in m.text]
    assert (ursula.text, ursula.label, ursula.entity.name) == (
        "Ursula von der Leyen", "PERSON", "Ursula von der Leyen",
    )  # fmt: skip
    assert SAMPLE[ursula.start : ursula.end] == "Ursula von der Leyen"


def test_all_zelenskyy_mentions_are_one_person(sample_mentions):
    zelenskyy = [m for m in sample_mentions if "Zelenskyy" in m.text]
    assert len(zelenskyy) == 3
    assert {(m.label, m.entity_id) for m in zelenskyy} == {("PERSON", zelenskyy[0].entity_id)}
    assert zelenskyy[0].entity.name == "Volodymyr Zelenskyy"


def test_the_coalition_is_tagged_each_time_without_its_quote_mark(sample_mentions):
    coalition = [m for m in sample_mentions if m.text == "Coalition of the Willing"]
    assert len(coalition) == 3
    assert SAMPLE[coalition[0].start - 1] == "“"  # the quote stays outside the span


def test_no_mention_starts_or_ends_with_a_quote_mark_or_punctuation(sample_mentions):
    for m in sample_mentions:
        assert SAMPLE[m.start : m.end] == m.text
        assert m.text[0].isalnum() or m.text[0] in "€$£", m.text
        assert m.text[-1].isalnum() or m.text[-1] == "%", m.text


def test_job_title_words_are_not_organisations(sample_mentions):
    assert not names_with(sample_mentions, *NAME_LABELS) & {"State", "Defence", "Leyen"}


def test_the_same_name_has_one_label_throughout_the_article(sample_mentions):
    labels: dict[str, set[str]] = {}
    for m in sample_mentions:
        labels.setdefault(m.text, set()).add(m.label)
    assert {text: found for text, found in labels.items() if len(found) > 1} == {}
