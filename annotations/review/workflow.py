"""The review workflow in one table: from which state each action leads where, and who may
take it. Services check their transitions here; views, templates and the admin ask
`allowed_actions` what a user may do with a statement, so the rules are written once.

    not started / draft / returned ──save──► draft ──submit──► submitted
    submitted ──approve──► approved (published)      submitted ──return (note)──► returned
    approved / withdrawn ──correct──► draft … ──approve──► approved (corrected)
    approved ──withdraw──► withdrawn   (during a correction the state stays; the published
                                        copy is what is withdrawn)
    not started / draft / returned ──dismiss──► dismissed ──restore──► draft or not started

One step is not in the table because no person takes it: when an article is revised and
an approved statement's sentence is reworded, ingest.revisions moves it approved ──►
submitted, so an editor approves the verdict again for the new wording.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User

from annotations.core.roles import EDITORS, REVIEWERS, user_roles
from annotations.models import Statement

State = Statement.ReviewState


class Action(StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    DISMISS = "dismiss"
    RESTORE = "restore"
    ASSIGN = "assign"
    APPROVE = "approve"
    RETURN = "return"
    CORRECT = "correct"  # reopen a published or withdrawn verdict for revision
    WITHDRAW = "withdraw"
    ANNOTATE = "annotate"  # add, relabel or remove the statement's entity mentions


@dataclass(frozen=True)
class Transition:
    target: State | None  # None: the state does not change
    roles: frozenset[str]
    # Only while a published copy is live (not withdrawn): withdrawing needs one.
    needs_live_publication: bool = False


REVIEWER = frozenset({REVIEWERS})
EDITOR = frozenset({EDITORS})
DESK = REVIEWER | EDITOR
# A verdict is written in these states; "submitted" is read-only until an editor acts.
OPEN_STATES = frozenset({State.NOT_STARTED, State.DRAFT, State.RETURNED})

TRANSITIONS: dict[tuple[State, Action], Transition] = {
    **{(s, Action.SAVE): Transition(State.DRAFT, REVIEWER) for s in OPEN_STATES},
    **{(s, Action.SUBMIT): Transition(State.SUBMITTED, REVIEWER) for s in OPEN_STATES},
    **{(s, Action.DISMISS): Transition(State.DISMISSED, REVIEWER) for s in OPEN_STATES},
    **{(s, Action.ASSIGN): Transition(None, DESK) for s in OPEN_STATES},
    # Back to draft when the statement has a verdict (the service decides which).
    (State.DISMISSED, Action.RESTORE): Transition(State.NOT_STARTED, REVIEWER),
    (State.SUBMITTED, Action.APPROVE): Transition(State.APPROVED, EDITOR),
    (State.SUBMITTED, Action.RETURN): Transition(State.RETURNED, EDITOR),
    (State.APPROVED, Action.CORRECT): Transition(State.DRAFT, DESK),
    (State.WITHDRAWN, Action.CORRECT): Transition(State.DRAFT, DESK),
    (State.APPROVED, Action.WITHDRAW): Transition(State.WITHDRAWN, EDITOR, True),
    **{
        (s, Action.WITHDRAW): Transition(None, EDITOR, True)
        for s in OPEN_STATES | {State.SUBMITTED}
    },
    # Entity corrections stay open on a dismissed statement, not on a submitted one.
    **{
        (s, Action.ANNOTATE): Transition(None, REVIEWER)
        for s in OPEN_STATES | {State.DISMISSED, State.WITHDRAWN}
    },
}


def transition_find(*, state: str, action: Action) -> Transition | None:
    """The transition ``action`` takes from ``state``, or None where it is not allowed."""
    return TRANSITIONS.get((State(state), action))


def action_allowed(*, user: User, state: str, action: Action, published_live: bool = False) -> bool:
    """May ``user`` take ``action`` on a statement in ``state``? (roles and state only;
    four eyes and versions are the services' to check)."""
    transition = transition_find(state=state, action=action)
    if transition is None or not (transition.roles & user_roles(user)):
        return False
    return published_live or not transition.needs_live_publication


def allowed_actions(
    *, user: User, statement: Statement, published_live: bool = False
) -> frozenset[Action]:
    """Every action ``user`` may take on ``statement`` now."""
    return frozenset(
        action
        for action in Action
        if action_allowed(
            user=user, state=statement.review_state, action=action, published_live=published_live
        )
    )


def transition_target(*, state: str, action: Action) -> State:
    """The state ``action`` leads to from ``state`` (the same state where it stays)."""
    transition = transition_find(state=state, action=action)
    if transition is None:
        raise ValueError(f"{action} is not allowed from {state}")
    return transition.target or State(state)


@dataclass(frozen=True)
class PanelRights:
    """What the verdict panel offers one user for one statement, from the table above."""

    editable: bool  # write and save the verdict
    can_assign: bool
    can_annotate: bool  # correct the statement's entity mentions
    can_correct: bool  # reopen a published or withdrawn verdict
    readonly_note: str  # why the verdict is read-only, in plain words ("" when it is not)


def panel_rights(*, user: User, statement: Statement) -> PanelRights:
    actions = allowed_actions(user=user, statement=statement)
    state = statement.review_state
    editable = Action.SAVE in actions
    if state == State.SUBMITTED:
        note = "Submitted for approval — read-only until an editor acts."
    elif state == State.APPROVED:
        note = "Approved by an editor — read-only."
    elif REVIEWERS not in user_roles(user):
        note = "Only members of Reviewers write verdicts; you can assign this statement."
    elif state not in OPEN_STATES and state != State.DISMISSED:
        note = f"{statement.get_review_state_display()} — read-only."
    else:
        note = ""
    return PanelRights(
        editable=editable,
        can_assign=Action.ASSIGN in actions,
        can_annotate=Action.ANNOTATE in actions,
        can_correct=Action.CORRECT in actions,
        readonly_note=note,
    )
