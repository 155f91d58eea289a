"""The reviewer's writes (annotations.review.services): verdicts, conflicts, dismissal,
assignment and human corrections."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.core.errors import Conflict, DomainError, Forbidden
from annotations.ingest.services import article_ingest
from annotations.models import EntityMention, ReviewEvent, Statement, TaggingJob, Verdict
from annotations.review.corrections import mention_relabel, mention_remove, statement_add
from annotations.review.services import (
    SourceInput,
    statement_assign,
    statement_dismiss,
    statement_restore,
    verdict_save,
)
from annotations.tagging.jobs import article_entities_tag, tagging_job_retry
from tests.factories import (
    EditorFactory,
    ReviewerFactory,
    StatementFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db
State = Statement.ReviewState
SOURCE = SourceInput(url="https://ec.europa.eu/a", title="Commission press release")


def save(statement, user, *, version=0, submit=False, **fields):
    values = {"rating": "false", "explanation": "The figure is wrong.", "sources": [SOURCE]}
    values.update(fields)
    return verdict_save(
        statement_id=statement.pk, user=user, base_version=version, submit=submit, **values
    )


def test_saving_a_draft_stores_the_verdict_and_marks_the_statement_draft():
    statement, rita = StatementFactory(), ReviewerFactory()
    verdict = save(statement, rita, rating="mostly_false")
    statement.refresh_from_db()
    assert statement.review_state == State.DRAFT
    assert (verdict.rating, verdict.version, verdict.author) == ("mostly_false", 1, rita)
    assert [s.url for s in verdict.sources.all()] == [SOURCE.url]


def test_every_save_is_recorded_with_who_when_and_the_verdict_at_that_moment():
    statement, rita = StatementFactory(), ReviewerFactory()
    save(statement, rita, explanation="First take.")
    save(statement, rita, version=1, explanation="Second take.", submit=True)
    events = list(ReviewEvent.objects.filter(statement=statement).order_by("id"))
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("saved", "not_started", "draft"),
        ("submitted", "draft", "submitted"),
    ]
    assert all(e.actor == rita and e.created_at for e in events)
    assert events[0].snapshot["explanation"] == "First take."
    assert events[1].snapshot["sources"][0]["url"] == SOURCE.url


def test_saving_on_top_of_a_stale_version_is_a_conflict_that_shows_the_other_save():
    statement = StatementFactory()
    rita, sam = ReviewerFactory(username="rita"), ReviewerFactory(username="sam")
    save(statement, rita, explanation="Rita's explanation.")
    with pytest.raises(Conflict) as conflict:
        save(statement, sam, version=0, explanation="Sam's explanation.")
    assert "rita saved a change" in conflict.value.message
    assert conflict.value.current.explanation == "Rita's explanation."
    assert Verdict.objects.get().explanation == "Rita's explanation."
    # Saving again from the version now shown replaces it deliberately.
    save(statement, sam, version=1, explanation="Sam's explanation.")
    assert Verdict.objects.get().explanation == "Sam's explanation."


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rating": ""}, "rating"),
        ({"explanation": "   "}, "explanation"),
        ({"sources": []}, "sources"),
    ],
)
def test_submitting_needs_a_verdict_an_explanation_and_a_source(fields, field):
    statement = StatementFactory()
    with pytest.raises(DomainError) as error:
        save(statement, ReviewerFactory(), submit=True, **fields)
    assert error.value.field == field
    statement.refresh_from_db()
    assert statement.review_state == State.NOT_STARTED
    assert not Verdict.objects.exists()


def test_a_draft_may_be_saved_incomplete():
    verdict = save(StatementFactory(), ReviewerFactory(), rating="", sources=[], explanation="")
    assert verdict.version == 1


def test_unknown_verdict_value_is_refused():
    with pytest.raises(DomainError, match="listed verdicts"):
        save(StatementFactory(), ReviewerFactory(), rating="pants_on_fire")


def test_reviewer_cannot_edit_a_submitted_verdict_not_even_their_own():
    statement = StatementFactory()
    rita, sam = ReviewerFactory(), ReviewerFactory()
    save(statement, rita, submit=True)
    for who in (rita, sam):
        with pytest.raises(Conflict, match="submitted"):
            save(statement, who, version=1, explanation="Changed after submitting.")
    assert Verdict.objects.get().explanation == "The figure is wrong."


def test_a_user_in_neither_group_cannot_write_a_verdict():
    with pytest.raises(Forbidden):
        save(StatementFactory(), UserFactory())
    assert not Verdict.objects.exists()


def test_a_source_keeps_the_date_it_was_first_accessed_across_saves():
    statement, rita = StatementFactory(), ReviewerFactory()
    first = save(statement, rita).sources.get().accessed_at
    second = save(statement, rita, version=1, explanation="Edited.").sources.get().accessed_at
    assert second == first


def test_dismissing_needs_a_reason_and_restoring_returns_to_the_previous_work():
    rita = ReviewerFactory()
    verdict = VerdictFactory()
    statement = verdict.statement
    with pytest.raises(DomainError, match="why"):
        statement_dismiss(statement_id=statement.pk, user=rita, reason=" ")
    statement_dismiss(statement_id=statement.pk, user=rita, reason="A prediction.")
    statement.refresh_from_db()
    assert (statement.review_state, statement.dismissed_reason) == (
        State.DISMISSED,
        "A prediction.",
    )
    statement_restore(statement_id=statement.pk, user=rita)
    statement.refresh_from_db()
    assert statement.review_state == State.DRAFT

    untouched = StatementFactory()
    statement_dismiss(statement_id=untouched.pk, user=rita, reason="Opinion.")
    statement_restore(statement_id=untouched.pk, user=rita)
    untouched.refresh_from_db()
    assert untouched.review_state == State.NOT_STARTED


def test_statements_can_be_assigned_to_reviewers_only():
    statement, editor = StatementFactory(), EditorFactory()
    rita, outsider = ReviewerFactory(), UserFactory()
    statement_assign(statement_id=statement.pk, user=editor, assignee_id=rita.pk)
    statement.refresh_from_db()
    assert statement.assignee == rita and statement.assigned_at
    with pytest.raises(DomainError, match="reviewers"):
        statement_assign(statement_id=statement.pk, user=editor, assignee_id=outsider.pk)
    statement_assign(statement_id=statement.pk, user=editor, assignee_id=None)
    statement.refresh_from_db()
    assert statement.assignee is None


def test_a_missed_statement_is_added_from_a_selection_with_its_figures():
    article = article_ingest(text="Intro line\nOfficials said 40 schools closed. Sad.").article
    rita = ReviewerFactory()
    start = article.body.index("Sad")
    statement = statement_add(
        article_id=article.pk,
        user=rita,
        start=start - 1,
        end=start + 4,
        text=article.body[start - 1 : start + 4],
    )
    assert statement.text == "Sad."  # the leading space is trimmed
    assert article.body[statement.start : statement.end] == statement.text
    assert statement.origin == Statement.Origin.HUMAN and statement.created_by == rita


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(-1, 5, "outside"), (5, 10_000, "outside"), (8, 8, "outside"), (5, 8, "empty")],
)
def test_a_selection_outside_the_text_or_empty_is_refused(start, end, message):
    article = article_ingest(text="Intro   line\nThe mayor opened 3 parks in 2023.").article
    with pytest.raises(DomainError, match=message):
        statement_add(
            article_id=article.pk,
            user=ReviewerFactory(),
            start=start,
            end=end,
            text=article.body[start:end],
        )


def test_a_selection_overlapping_a_statement_is_refused():
    article = article_ingest(text="Intro line\nThe mayor opened 3 parks in 2023.").article
    existing = article.statements.get()
    with pytest.raises(DomainError, match="overlaps"):
        statement_add(
            article_id=article.pk,
            user=ReviewerFactory(),
            start=existing.start + 2,
            end=existing.end + 0,
            text=article.body[existing.start + 2 : existing.end],
        )


@pytest.mark.django_db(transaction=True)
def test_relabelled_and_removed_mentions_survive_the_next_tagging_run(celery_eager):
    article = article_ingest(
        text="Ukrainian President Volodymyr Zelenskyy met Ursula von der Leyen in Brussels."
    ).article
    assert TaggingJob.objects.get(article=article).state == TaggingJob.State.SUCCEEDED
    rita = ReviewerFactory()
    brussels = EntityMention.objects.get(article=article, text="Brussels")
    zelenskyy = EntityMention.objects.get(article=article, text="Volodymyr Zelenskyy")
    mention_relabel(mention_id=brussels.pk, user=rita, label="LOC")
    mention_remove(mention_id=zelenskyy.pk, user=rita)

    tagging_job_retry(article_id=article.pk)
    article_entities_tag(article_id=article.pk)  # whatever the queue did, run once more

    shown = EntityMention.objects.filter(article=article, removed=False)
    assert shown.get(text="Brussels").label == "LOC"
    assert not shown.filter(text="Volodymyr Zelenskyy").exists()
    assert shown.filter(start=brussels.start, end=brussels.end).count() == 1


def test_queue_lists_my_open_assignments_oldest_first(client):
    from annotations.review.selectors import queue_for

    rita = ReviewerFactory()
    older, newer, done = StatementFactory.create_batch(3)
    now = timezone.now()
    for statement, minutes in ((older, 30), (newer, 5), (done, 60)):
        statement.assignee, statement.assigned_at = rita, now - timedelta(minutes=minutes)
        statement.save()
    done.review_state = State.SUBMITTED
    done.save()
    StatementFactory(assignee=ReviewerFactory(), assigned_at=now)
    assert queue_for(user=rita) == [older, newer]
