"""The workflow table: what each role may do in each state, as pages and services see it."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from annotations.models import Statement
from annotations.review.workflow import Action, action_allowed, allowed_actions, panel_rights
from tests.factories import EditorFactory, ReviewerFactory, StatementFactory, UserFactory

State = Statement.ReviewState
pytestmark = pytest.mark.django_db


def test_a_reviewer_writes_submits_and_dismisses_open_work_but_never_approves():
    reviewer = ReviewerFactory()
    statement = StatementFactory(review_state=State.RETURNED)

    assert allowed_actions(user=reviewer, statement=statement) == {
        Action.SAVE, Action.SUBMIT, Action.DISMISS, Action.ASSIGN, Action.ANNOTATE,
    }  # fmt: skip


def test_an_editor_approves_or_returns_a_submitted_verdict_and_nothing_else():
    statement = StatementFactory(review_state=State.SUBMITTED)

    assert allowed_actions(user=EditorFactory(), statement=statement) == {
        Action.APPROVE, Action.RETURN,
    }  # fmt: skip


def test_withdrawal_needs_a_live_published_copy_even_during_a_correction():
    editor = EditorFactory()

    assert not action_allowed(user=editor, state=State.DRAFT, action=Action.WITHDRAW)
    assert action_allowed(
        user=editor, state=State.DRAFT, action=Action.WITHDRAW, published_live=True
    )
    assert not action_allowed(
        user=ReviewerFactory(), state=State.APPROVED, action=Action.WITHDRAW, published_live=True
    )


def test_a_user_in_neither_group_may_do_nothing():
    statement = StatementFactory(review_state=State.NOT_STARTED)

    assert allowed_actions(user=UserFactory(), statement=statement) == frozenset()


def test_the_panel_of_a_submitted_statement_is_read_only_with_a_reason():
    rights = panel_rights(
        user=ReviewerFactory(), statement=StatementFactory(review_state="submitted")
    )

    assert not rights.editable and not rights.can_annotate
    assert rights.readonly_note == "Submitted for approval — read-only until an editor acts."


def test_the_admin_never_edits_the_review_state_directly():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    admin = site._registry[Statement]

    assert "review_state" in admin.get_readonly_fields(request, StatementFactory())
