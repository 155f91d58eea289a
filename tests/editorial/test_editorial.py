"""The editorial workflow (annotations.editorial.services): approval with four eyes,
return with a note, corrections, withdrawal, append-only history, concurrency."""

import threading

import pytest
from django.db import connection, connections

from annotations.core.errors import Conflict, DomainError, Forbidden
from annotations.editorial.services import (
    verdict_approve,
    verdict_correction_start,
    verdict_return,
    verdict_withdraw,
)
from annotations.models import HistoryIsAppendOnly, PublishedVerdict, ReviewEvent, Statement
from annotations.review.services import SourceInput, verdict_save
from tests.factories import EditorFactory, ReviewerFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Statement.ReviewState
SOURCE = SourceInput(url="https://example.org/budget", title="Budget 2025")


def submit(statement, user, *, version=0, explanation="Checked against the budget."):
    return verdict_save(
        statement_id=statement.pk,
        user=user,
        rating="mostly_true",
        explanation=explanation,
        sources=[SOURCE],
        base_version=version,
        submit=True,
    )


@pytest.fixture
def submitted():
    statement, rita = StatementFactory(), ReviewerFactory(username="rita")
    verdict = submit(statement, rita)
    return statement, verdict


def test_an_editor_approves_a_submitted_verdict_and_it_is_published(submitted):
    statement, _ = submitted
    eddie = EditorFactory()
    published = verdict_approve(statement_id=statement.pk, user=eddie, base_version=1)
    statement.refresh_from_db()
    assert statement.review_state == State.APPROVED
    assert (published.rating, published.approved_by, published.reviewer.username) == (
        "mostly_true",
        eddie,
        "rita",
    )
    assert published.sources[0]["url"] == SOURCE.url
    assert published.corrected_at is None


def test_reviewer_cannot_approve_own_verdict_even_when_also_an_editor():
    statement = StatementFactory()
    both = ReviewerFactory(roles=["Editors"])
    submit(statement, both)
    with pytest.raises(Forbidden, match="another editor"):
        verdict_approve(statement_id=statement.pk, user=both, base_version=1)
    assert not PublishedVerdict.objects.exists()


def test_an_editor_who_edited_the_draft_cannot_approve_it():
    statement, rita = StatementFactory(), ReviewerFactory()
    eddie = EditorFactory(roles=["Reviewers"])
    submit(statement, rita)
    verdict_return(
        statement_id=statement.pk, user=EditorFactory(), note="Add a source.", base_version=1
    )
    # eddie (also a reviewer) edits the returned draft; rita resubmits it.
    verdict_save(
        statement_id=statement.pk,
        user=eddie,
        rating="false",
        explanation="x",
        sources=[SOURCE],
        base_version=1,
    )
    submit(statement, rita, version=2)
    with pytest.raises(Forbidden):
        verdict_approve(statement_id=statement.pk, user=eddie, base_version=3)


def test_returning_needs_a_note_and_the_reviewer_can_resubmit(submitted):
    statement, verdict = submitted
    eddie, rita = EditorFactory(), verdict.author
    with pytest.raises(DomainError, match="note"):
        verdict_return(statement_id=statement.pk, user=eddie, note="  ", base_version=1)
    verdict_return(statement_id=statement.pk, user=eddie, note="Cite the treasury.", base_version=1)
    statement.refresh_from_db()
    assert statement.review_state == State.RETURNED
    submit(statement, rita, version=1, explanation="Now with the treasury's figures.")
    verdict_approve(statement_id=statement.pk, user=eddie, base_version=2)
    actions = list(ReviewEvent.objects.filter(statement=statement).values_list("action", flat=True))
    assert actions == ["submitted", "returned", "submitted", "approved"]
    assert ReviewEvent.objects.get(action="returned").note == "Cite the treasury."


def test_approving_a_verdict_that_was_just_returned_is_a_conflict(submitted):
    statement, _ = submitted
    verdict_return(statement_id=statement.pk, user=EditorFactory(), note="Fix it.", base_version=1)
    with pytest.raises(Conflict, match="returned"):
        verdict_approve(statement_id=statement.pk, user=EditorFactory(), base_version=1)


def test_approving_an_older_version_than_the_one_submitted_is_a_conflict(submitted):
    statement, verdict = submitted
    verdict_return(statement_id=statement.pk, user=EditorFactory(), note="Fix it.", base_version=1)
    submit(statement, verdict.author, version=1)
    with pytest.raises(Conflict, match="changed"):
        verdict_approve(statement_id=statement.pk, user=EditorFactory(), base_version=1)


def test_reviewers_and_outsiders_cannot_approve_return_or_withdraw(submitted):
    statement, _ = submitted
    for user in (ReviewerFactory(), UserFactory()):
        with pytest.raises(Forbidden):
            verdict_approve(statement_id=statement.pk, user=user, base_version=1)
        with pytest.raises(Forbidden):
            verdict_return(statement_id=statement.pk, user=user, note="n", base_version=1)
        with pytest.raises(Forbidden):
            verdict_withdraw(statement_id=statement.pk, user=user, reason="r")


def test_a_correction_keeps_the_published_version_until_it_is_approved(submitted):
    statement, verdict = submitted
    eddie, rita = EditorFactory(), verdict.author
    first = verdict_approve(statement_id=statement.pk, user=eddie, base_version=1)
    verdict_correction_start(statement_id=statement.pk, user=rita)
    submit(statement, rita, version=1, explanation="Corrected: the figure was revised.")
    published = PublishedVerdict.objects.get()
    assert published.explanation == "Checked against the budget."
    assert published.corrected_at is None

    corrected = verdict_approve(statement_id=statement.pk, user=eddie, base_version=2)
    assert corrected.explanation == "Corrected: the figure was revised."
    assert corrected.corrected_at and corrected.correction_count == 1
    assert corrected.first_published_at == first.first_published_at
    assert corrected.modified_at > first.modified_at


def test_withdrawal_needs_a_reason_and_marks_the_published_verdict(submitted):
    statement, _ = submitted
    eddie = EditorFactory()
    with pytest.raises(Conflict, match="no published"):
        verdict_withdraw(statement_id=statement.pk, user=eddie, reason="Wrong.")
    verdict_approve(statement_id=statement.pk, user=eddie, base_version=1)
    with pytest.raises(DomainError, match="why"):
        verdict_withdraw(statement_id=statement.pk, user=eddie, reason="")
    published = verdict_withdraw(statement_id=statement.pk, user=eddie, reason="Source retracted.")
    statement.refresh_from_db()
    assert published.is_withdrawn and published.withdrawn_reason == "Source retracted."
    assert statement.review_state == State.WITHDRAWN
    with pytest.raises(Conflict):
        verdict_withdraw(statement_id=statement.pk, user=eddie, reason="Again.")


def test_history_entries_cannot_be_changed_or_deleted(submitted):
    statement, _ = submitted
    event = ReviewEvent.objects.get()
    event.note = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        event.save()
    with pytest.raises(HistoryIsAppendOnly):
        event.delete()
    with pytest.raises(HistoryIsAppendOnly):
        ReviewEvent.objects.filter(statement=statement).update(note="x")
    with pytest.raises(HistoryIsAppendOnly):
        ReviewEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_two_editors_deciding_at_once_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks across two real connections")
    statement = StatementFactory()
    submit(statement, ReviewerFactory())
    editors = [EditorFactory(), EditorFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(editor, action):
        try:
            barrier.wait()
            if action == "approve":
                verdict_approve(statement_id=statement.pk, user=editor, base_version=1)
            else:
                verdict_return(statement_id=statement.pk, user=editor, note="No.", base_version=1)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()  # each thread has its own connection

    for _ in range(5):  # repeat: the race must never produce two transitions
        statement.review_state = State.SUBMITTED
        statement.save()
        outcomes.clear()
        threads = [
            threading.Thread(target=decide, args=(editors[0], "approve")),
            threading.Thread(target=decide, args=(editors[1], "return")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict", "won"]
    decisions = ReviewEvent.objects.filter(statement=statement, action__in=["approved", "returned"])
    assert decisions.count() == 5
