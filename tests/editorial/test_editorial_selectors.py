import pytest
from django.utils import timezone

from annotations.editorial.selectors import approvals_queue, dashboard_get
from annotations.editorial.services import verdict_approve, verdict_return
from annotations.models import Statement
from annotations.review.selectors import returned_note, statement_history
from annotations.review.services import SourceInput, verdict_save
from tests.factories import EditorFactory, ReviewerFactory, StatementFactory

pytestmark = pytest.mark.django_db
SOURCE = SourceInput(url="https://example.org/a", title="A")


def submit(statement, user, *, rating="false", version=0):
    verdict_save(
        statement_id=statement.pk,
        user=user,
        rating=rating,
        explanation="Because.",
        sources=[SOURCE],
        base_version=version,
        submit=True,
    )


def test_approvals_queue_is_oldest_first_and_filters_by_reviewer_and_verdict(
    django_assert_num_queries,
):
    rita, sam = ReviewerFactory(), ReviewerFactory()
    first, second, third = StatementFactory.create_batch(3)
    submit(first, rita)
    submit(second, sam, rating="true")
    submit(third, rita, rating="true")
    assert list(approvals_queue()) == [first, second, third]
    assert list(approvals_queue(reviewer_id=rita.pk)) == [first, third]
    assert list(approvals_queue(rating="true")) == [second, third]
    with django_assert_num_queries(1):
        rows = list(approvals_queue())
        [(s.article.title, s.verdict.last_edited_by.username) for s in rows]


def test_history_and_returned_note_come_in_a_fixed_number_of_queries(django_assert_num_queries):
    statement, rita, eddie = StatementFactory(), ReviewerFactory(), EditorFactory()
    submit(statement, rita)
    verdict_return(statement_id=statement.pk, user=eddie, note="Cite it.", base_version=1)
    submit(statement, rita, version=1)
    with django_assert_num_queries(1):
        history = statement_history(statement_id=statement.pk)
        [e.actor.username for e in history]
    assert [e.action for e in history] == ["submitted", "returned", "submitted"]
    assert returned_note(statement_id=statement.pk).note == "Cite it."


def test_dashboard_counts_states_verdicts_approvals_per_day_and_median_decision_time():
    rita, eddie = ReviewerFactory(username="rita"), EditorFactory()
    decided, waiting = StatementFactory(), StatementFactory()
    StatementFactory(assignee=rita, assigned_at=timezone.now())
    submit(decided, rita)
    verdict_approve(statement_id=decided.pk, user=eddie, base_version=1)
    submit(waiting, rita, rating="true")

    board = dashboard_get(days=7)
    states = {s: n for s, _, n in board.by_state}
    assert states[Statement.ReviewState.APPROVED] == 1
    assert states[Statement.ReviewState.SUBMITTED] == 1
    assert states[Statement.ReviewState.NOT_STARTED] == 1
    assert {r: n for r, _, n in board.by_verdict}["false"] == 1
    assert len(board.approvals_per_day) == 7
    assert board.approvals_per_day[-1].count == 1
    assert board.open_work == [("rita", 1, 1)]
    assert board.decisions_measured == 1
    assert board.median_decision_hours is not None and board.median_decision_hours < 1
