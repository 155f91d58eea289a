"""The desk teaches the tagger: a reviewer's correction in one article decides the same
name in the articles tagged afterwards. Real model, tasks in-process."""

import pytest

from annotations.models import EntityMention, LearnedName
from annotations.review.corrections import mention_add, mention_relabel, mention_remove
from annotations.tagging.learned import (
    learned_name_delete,
    learned_name_update,
    learned_patterns_current,
)
from tests.factories import EditorFactory, LearnedNameFactory, ReviewerFactory
from tests.tagging.conftest import model_mentions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]

ROTTERDAM = (
    "Rotterdam wants to build 50,000 new homes by 2030, the city council said on Tuesday.\n"
    "Mayor Ahmed Aboutaleb said Rotterdam had attracted 12,000 new residents since 2020.\n"
    "According to Statistics Netherlands, house prices in Rotterdam rose by 8% this year."
)
ROTTERDAM_AGAIN = (
    "Rotterdam handled 440 million tonnes of cargo last year, the port authority said.\n"
    "Rents in Rotterdam rose 6% while Rotterdam built 4,000 homes."
)


def labels_of(article, text: str) -> list[str]:
    return [m.label for m in model_mentions(article) if m.text == text]


def mention(article, text: str) -> EntityMention:
    return next(m for m in model_mentions(article) if m.text == text)


@pytest.fixture
def rita():
    return ReviewerFactory(username="rita")


def test_after_a_reviewer_relabels_rotterdam_as_a_place_the_next_article_gets_a_place(ingest, rita):
    first = ingest(ROTTERDAM)
    assert set(labels_of(first, "Rotterdam")) == {"PERSON"}  # the small model's mistake
    mention_relabel(mention_id=mention(first, "Rotterdam").pk, user=rita, label="GPE")

    second = ingest(ROTTERDAM_AGAIN)

    assert labels_of(second, "Rotterdam") == ["GPE", "GPE", "GPE"]
    for m in model_mentions(second):
        assert second.body[m.start : m.end] == m.text
    learned = LearnedName.objects.get()
    assert (learned.name, learned.label, learned.rejected) == ("Rotterdam", "GPE", False)
    assert (learned.taught_by, learned.times_taught, learned.applied_count) == (rita, 1, 3)
    city = mention(second, "Rotterdam").entity
    assert (city.label, city.name) == ("GPE", "Rotterdam")


def test_a_name_a_reviewer_marked_by_hand_is_tagged_in_later_articles(ingest, rita):
    text = "The Maeslantkering barrier was closed for the first time since 2007."
    first = ingest(text)
    assert "Maeslantkering" not in [m.text for m in model_mentions(first)]
    start = text.index("Maeslantkering")
    mention_add(
        article_id=first.pk, user=rita, start=start, end=start + 14, text="Maeslantkering",
        label="FAC",
    )  # fmt: skip

    later = ingest("Engineers tested the Maeslantkering on Saturday before the storm.")
    barrier = mention(later, "Maeslantkering")
    assert barrier.label == "FAC"
    assert later.body[barrier.start : barrier.end] == "Maeslantkering"


def test_a_mention_a_reviewer_removed_is_not_tagged_in_later_articles(ingest, rita):
    first = ingest("In March, Covid spread fast in Rotterdam.")
    covid = mention(first, "Covid")
    assert covid.label == "PERSON"  # the small model's mistake
    mention_remove(mention_id=covid.pk, user=rita)

    later = ingest("Covid returned in the autumn, and Covid wards filled up in Utrecht.")
    assert [m.text for m in model_mentions(later)] == ["Utrecht"]
    learned = LearnedName.objects.get()
    assert (learned.name, learned.label, learned.rejected) == ("Covid", "PERSON", True)
    assert learned.applied_count == 2


def test_a_learned_name_wins_over_the_models_span_and_label_with_exact_offsets(ingest, rita):
    first = ingest(ROTTERDAM)
    mention_relabel(mention_id=mention(first, "Rotterdam").pk, user=rita, label="GPE")

    # Alone, the model makes "Feyenoord Rotterdam" one PERSON. Offsets count code points:
    # the emoji before it is one.
    later = ingest("🙂 Feyenoord Rotterdam beat Ajax in the cup final on Sunday.")
    city = mention(later, "Rotterdam")
    assert (city.label, city.start, city.end) == ("GPE", 12, 21)
    assert later.body[city.start : city.end] == "Rotterdam"
    assert "Feyenoord Rotterdam" not in [m.text for m in model_mentions(later)]


def test_dates_and_amounts_are_not_learned(ingest, rita):
    article = ingest(ROTTERDAM)
    mention_remove(mention_id=mention(article, "Tuesday").pk, user=rita)
    mention_relabel(mention_id=mention(article, "8%").pk, user=rita, label="MONEY")
    assert not LearnedName.objects.exists()
    assert labels_of(ingest("The vote is on Tuesday."), "Tuesday") == ["DATE"]


def test_the_latest_correction_of_a_name_wins(ingest, rita):
    first = ingest(ROTTERDAM)
    mention_relabel(mention_id=mention(first, "Rotterdam").pk, user=rita, label="GPE")
    second = ingest(ROTTERDAM_AGAIN)
    mention_relabel(mention_id=mention(second, "Rotterdam").pk, user=rita, label="LOC")
    learned = LearnedName.objects.get()
    assert (learned.label, learned.times_taught) == ("LOC", 1)
    assert set(labels_of(ingest(f"Later. {ROTTERDAM_AGAIN}"), "Rotterdam")) == {"LOC"}


def test_an_editors_edit_or_deletion_changes_what_the_next_article_gets(ingest, rita):
    first = ingest(ROTTERDAM)
    mention_relabel(mention_id=mention(first, "Rotterdam").pk, user=rita, label="ORG")
    learned = LearnedName.objects.get()
    eddie = EditorFactory(username="eddie")

    learned_name_update(
        learned_name_id=learned.pk, user=eddie, name="Rotterdam", label="GPE", rejected=False
    )
    assert set(labels_of(ingest(ROTTERDAM_AGAIN), "Rotterdam")) == {"GPE"}
    learned.refresh_from_db()
    assert learned.taught_by == eddie

    learned_name_delete(learned_name_id=learned.pk, user=eddie)
    # (Another text: the same one again would be a duplicate, not a new article.)
    assert set(labels_of(ingest(f"Later. {ROTTERDAM_AGAIN}"), "Rotterdam")) == {"PERSON"}


def test_tagging_reads_the_learned_names_in_one_query_and_reuses_them_until_they_change(
    django_assert_num_queries,
):
    LearnedNameFactory(name="Rotterdam", label="GPE")
    first = learned_patterns_current()
    with django_assert_num_queries(1):
        assert learned_patterns_current() is first
    assert first.labels == {"rotterdam": "GPE"}

    LearnedName.objects.get().save()  # edited: the version moves
    with django_assert_num_queries(2):
        assert learned_patterns_current() is not first
