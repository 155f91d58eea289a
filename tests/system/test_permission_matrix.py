"""Each role against each transition of a statement's review: every cell asserted.

Roles: anonymous, a user in no group, the reviewer who wrote the verdict, another
reviewer, an editor, and the editor who wrote it (in Editors and Reviewers, the author).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.core.errors import Forbidden
from annotations.editorial.services import (
    verdict_approve,
    verdict_correction_start,
    verdict_return,
    verdict_withdraw,
)
from annotations.models import Statement
from annotations.review.services import (
    SourceInput,
    statement_dismiss,
    statement_restore,
    verdict_save,
)
from tests.factories import EditorFactory, ReviewerFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Statement.ReviewState
SOURCE = SourceInput(url="https://example.org/s", title="S")
ROLES = ["anonymous", "no group", "author", "other reviewer", "editor", "editor who wrote it"]


def _save(statement, user, *, submit=False, version=None):
    if version is None:
        version = statement.verdict.version if hasattr(statement, "verdict") else 0
    return verdict_save(
        statement_id=statement.pk,
        user=user,
        rating="false",
        explanation="Wrong figure.",
        sources=[SOURCE],
        base_version=version,
        submit=submit,
    )


def _setup(transition: str, author) -> Statement:
    """A statement in the state the transition starts from, its verdict by ``author``."""
    statement = StatementFactory()
    if transition == "restore":
        statement_dismiss(statement_id=statement.pk, user=author, reason="Opinion.")
        return Statement.objects.get(pk=statement.pk)
    if transition in ("save draft", "submit", "dismiss"):
        _save(statement, author)
        return Statement.objects.get(pk=statement.pk)
    _save(statement, author, submit=True)
    if transition in ("start correction", "withdraw"):
        verdict_approve(statement_id=statement.pk, user=EditorFactory(), base_version=1)
    return Statement.objects.get(pk=statement.pk)


TRANSITIONS = {
    "save draft": lambda s, u: _save(s, u),
    "submit": lambda s, u: _save(s, u, submit=True),
    "approve": lambda s, u: verdict_approve(statement_id=s.pk, user=u, base_version=1),
    "return": lambda s, u: verdict_return(statement_id=s.pk, user=u, note="n", base_version=1),
    "dismiss": lambda s, u: statement_dismiss(statement_id=s.pk, user=u, reason="Opinion."),
    "restore": lambda s, u: statement_restore(statement_id=s.pk, user=u),
    "start correction": lambda s, u: verdict_correction_start(statement_id=s.pk, user=u),
    "withdraw": lambda s, u: verdict_withdraw(statement_id=s.pk, user=u, reason="Retracted."),
}

# allowed (True) or forbidden (False), per transition, in ROLES order.
MATRIX = {
    "save draft": [False, False, True, True, False, True],
    "submit": [False, False, True, True, False, True],
    "approve": [False, False, False, False, True, False],
    "return": [False, False, False, False, True, True],
    "dismiss": [False, False, True, True, False, True],
    "restore": [False, False, True, True, False, True],
    "start correction": [False, False, True, True, True, True],
    "withdraw": [False, False, False, False, True, True],
}

EXPECTED_STATE = {
    "save draft": State.DRAFT,
    "submit": State.SUBMITTED,
    "approve": State.APPROVED,
    "return": State.RETURNED,
    "dismiss": State.DISMISSED,
    "restore": State.NOT_STARTED,  # it had no verdict
    "start correction": State.DRAFT,
    "withdraw": State.WITHDRAWN,
}

CELLS = [
    pytest.param(transition, role, allowed, id=f"{transition}-{role}")
    for transition, row in MATRIX.items()
    for role, allowed in zip(ROLES, row, strict=True)
]


def _users(role: str):
    """(the verdict's author, the user acting)."""
    if role == "editor who wrote it":
        author = EditorFactory(roles=["Reviewers"])
        return author, author
    author = ReviewerFactory()
    acting = {
        "anonymous": AnonymousUser(),
        "no group": UserFactory(),
        "author": author,
        "other reviewer": ReviewerFactory(),
        "editor": EditorFactory(),
    }[role]
    return author, acting


@pytest.mark.parametrize(("transition", "role", "allowed"), CELLS)
def test_permission_matrix(transition, role, allowed):
    author, acting = _users(role)
    statement = _setup(transition, author)
    before = statement.review_state
    if allowed:
        TRANSITIONS[transition](statement, acting)
        statement.refresh_from_db()
        assert statement.review_state == EXPECTED_STATE[transition]
    else:
        with pytest.raises(Forbidden):
            TRANSITIONS[transition](statement, acting)
        statement.refresh_from_db()
        assert statement.review_state == before
