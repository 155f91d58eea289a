"""The reviewer's writes: verdicts with sources, dismissal, assignment, and human
corrections of statements and entity mentions.

Every write locks the statement row (select_for_update) and checks the current state
inside the transaction, so two people acting at once are serialised and the second gets
a clear Conflict instead of a silent overwrite. Every change to a statement's
review is appended to ReviewEvent with the verdict as it was at that moment.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotations.core.errors import Conflict, Forbidden, InvalidInput
from annotations.core.roles import user_has_desk_role, user_is_reviewer
from annotations.models import (
    CLAIM_SUMMARY_MAX_CHARS,
    SPEAKER_MAX_CHARS,
    ReviewEvent,
    SpeakerType,
    Statement,
    Verdict,
    VerdictSource,
)
from annotations.review.selectors import speaker_type_guess
from annotations.review.workflow import Action, transition_find, transition_target

State = Statement.ReviewState


class VerdictConflict(Conflict):
    """A verdict saved on a stale version, or on a statement no longer open: ``current``
    is the verdict as the other person left it (None if there is none), to show beside
    what this reviewer typed."""

    def __init__(self, message: str, *, current: Verdict | None) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class SourceInput:
    url: str
    title: str = ""
    publisher: str = ""
    quote: str = ""


@dataclass(frozen=True)
class ClaimInput:
    """The claim as reviewed: a short summary ("" for the sentence itself) and who made it
    (``speaker`` "" when nobody is known; ``speaker_type`` a SpeakerType value, or "" to
    let the name rule choose)."""

    summary: str = ""
    speaker: str = ""
    speaker_type: str = ""


# --- Verdicts -------------------------------------------------------------------------


def verdict_save(
    *,
    statement_id: int,
    user: User,
    rating: str,
    explanation: str,
    sources: Sequence[SourceInput],
    base_version: int,
    submit: bool = False,
    claim: ClaimInput | None = None,
) -> Verdict:
    """Save the verdict as a draft, or submit it for approval.

    ``base_version`` is the version the reviewer started editing from (0 when there was
    no verdict yet); if someone saved in between, VerdictConflict carries their verdict.
    ``claim`` None keeps the claim as saved (a new verdict: the sentence, by the speaker
    detected in it).
    """
    reviewer_require(user)
    if rating and rating not in Verdict.Rating.values:
        raise InvalidInput("Choose one of the listed verdicts.", field="rating")
    if claim is not None:
        claim = _claim_clean(claim)
    if submit:
        _submission_check(rating=rating, explanation=explanation, sources=sources)
    with transaction.atomic():
        statement = statement_lock(statement_id)
        verdict = Verdict.objects.filter(statement=statement).first()
        action = Action.SUBMIT if submit else Action.SAVE
        if transition_find(state=statement.review_state, action=action) is None:
            raise VerdictConflict(
                f"This statement is {statement.get_review_state_display().lower()}; "
                "its verdict can't be edited now.",
                current=verdict,
            )
        current_version = verdict.version if verdict else 0
        if base_version != current_version:
            raise VerdictConflict(_conflict_message(verdict), current=verdict)

        now = timezone.now()
        if verdict is None:
            verdict = Verdict(statement=statement, author=user, version=0)
            verdict.speaker = statement.speaker
        before = _claim_of(verdict)
        if claim is not None:
            verdict.claim_summary = claim.summary
            verdict.speaker, verdict.speaker_type = claim.speaker, claim.speaker_type
        if verdict.speaker and not verdict.speaker_type:
            # A known speaker always has a type on the verdict, so the editor approves
            # the one that is published.
            verdict.speaker_type = speaker_type_guess(
                article_id=statement.article_id, speaker=verdict.speaker
            )
        verdict.rating = rating
        verdict.explanation = explanation
        verdict.version += 1
        verdict.last_edited_by = user
        if submit:
            verdict.submitted_at = now
        verdict.save()
        saved_sources = _sources_replace(verdict=verdict, sources=sources, now=now)

        to_state = transition_target(state=statement.review_state, action=action)
        event_record(
            statement=statement,
            user=user,
            action=ReviewEvent.Action.SUBMITTED if submit else ReviewEvent.Action.SAVED,
            to_state=to_state,
            note=claim_changes_describe(before=before, after=_claim_of(verdict)),
            verdict=verdict,
            sources=saved_sources,
        )
    return verdict


def _claim_clean(claim: ClaimInput) -> ClaimInput:
    summary, speaker = " ".join(claim.summary.split()), " ".join(claim.speaker.split())
    if len(summary) > CLAIM_SUMMARY_MAX_CHARS:
        raise InvalidInput(
            f"Keep the claim as reviewed to {CLAIM_SUMMARY_MAX_CHARS} characters "
            f"(it has {len(summary)}).",
            field="claim_summary",
        )
    if len(speaker) > SPEAKER_MAX_CHARS:
        raise InvalidInput("The speaker's name is too long.", field="speaker")
    if claim.speaker_type and claim.speaker_type not in SpeakerType.values:
        raise InvalidInput(
            "Choose Person or Organization as the speaker type.", field="speaker_type"
        )
    # No speaker, no type: nobody is named as the claimant.
    return ClaimInput(
        summary=summary, speaker=speaker, speaker_type=claim.speaker_type if speaker else ""
    )


def _claim_of(verdict: Verdict) -> ClaimInput:
    speaker_type = verdict.speaker_type
    if verdict.speaker and not speaker_type:
        # Saved before types were chosen: the type the name rule gave it.
        statement = verdict.statement
        speaker_type = speaker_type_guess(article_id=statement.article_id, speaker=verdict.speaker)
    return ClaimInput(
        summary=verdict.claim_summary, speaker=verdict.speaker, speaker_type=speaker_type
    )


def claim_changes_describe(*, before: ClaimInput, after: ClaimInput) -> str:
    """What a save changed in the claim as reviewed, in plain words for the history ("" when
    nothing did)."""
    words = []
    if before.summary != after.summary:
        if not after.summary:
            words.append("Claim summary removed: the sentence itself is reviewed.")
        else:
            # No full stop after a summary that ends a sentence itself.
            end = "" if after.summary[-1] in ".!?…" else "."
            words.append(f"Claim as reviewed: “{after.summary}”{end}")
    if before.speaker != after.speaker:
        if not after.speaker:
            words.append(f"Speaker “{before.speaker}” removed: no speaker named.")
        elif not before.speaker:
            words.append(f"Speaker: {after.speaker} ({after.speaker_type.lower()}).")
        else:
            words.append(
                f"Speaker corrected from “{before.speaker}” to “{after.speaker}” "
                f"({after.speaker_type.lower()})."
            )
    elif after.speaker and before.speaker_type != after.speaker_type:
        words.append(f"{after.speaker} is now typed as {after.speaker_type.lower()}.")
    return " ".join(words)


def _submission_check(*, rating: str, explanation: str, sources: Sequence[SourceInput]) -> None:
    if not rating:
        raise InvalidInput("Choose a verdict before submitting.", field="rating")
    if not explanation.strip():
        raise InvalidInput("Write an explanation before submitting.", field="explanation")
    if not sources:
        raise InvalidInput("Add at least one source before submitting.", field="sources")


def _conflict_message(verdict: Verdict | None) -> str:
    if verdict is None:
        return "This verdict was removed while you were editing it."
    who = verdict.last_edited_by.get_username()
    when = timezone.localtime(verdict.updated_at).strftime("%H:%M:%S")
    return (
        f"{who} saved a change at {when} while you were editing. Their version is shown "
        "below; your text is kept in the form. Save again to replace theirs with yours."
    )


def _sources_replace(
    *, verdict: Verdict, sources: Sequence[SourceInput], now: datetime
) -> list[VerdictSource]:
    """Replace the verdict's sources, keeping the date a URL was first accessed."""
    accessed = dict(verdict.sources.values_list("url", "accessed_at")) if verdict.pk else {}
    verdict.sources.all().delete()
    return VerdictSource.objects.bulk_create(
        VerdictSource(
            verdict=verdict,
            position=i,
            url=s.url,
            title=s.title,
            publisher=s.publisher,
            quote=s.quote,
            accessed_at=accessed.get(s.url, now),
        )
        for i, s in enumerate(sources)
    )


def verdict_snapshot(*, verdict: Verdict | None, sources: Sequence[VerdictSource]) -> dict:
    """The verdict as stored in the history: enough to show it as it was."""
    if verdict is None:
        return {}
    return {
        "rating": verdict.rating,
        "explanation": verdict.explanation,
        "claim_summary": verdict.claim_summary,
        "speaker": verdict.speaker,
        "speaker_type": verdict.speaker_type,
        "sources": [
            {
                "url": s.url,
                "title": s.title,
                "publisher": s.publisher,
                "quote": s.quote,
                "accessed_at": s.accessed_at.isoformat(),
            }
            for s in sources
        ],
    }


# --- Dismissal and assignment ----------------------------------------------------------


def statement_dismiss(*, statement_id: int, user: User, reason: str) -> Statement:
    """Mark a statement "not checkable" with a reason; it can be restored."""
    reviewer_require(user)
    if not reason.strip():
        raise InvalidInput("Say why this statement is not checkable.", field="reason")
    with transaction.atomic():
        statement = statement_lock(statement_id)
        if transition_find(state=statement.review_state, action=Action.DISMISS) is None:
            raise Conflict(
                f"This statement is {statement.get_review_state_display().lower()}; "
                "it can't be dismissed now."
            )
        statement.dismissed_reason = reason.strip()
        event_record(
            statement=statement,
            user=user,
            action=ReviewEvent.Action.DISMISSED,
            to_state=State.DISMISSED,
            note=statement.dismissed_reason,
        )
    return statement


def statement_restore(*, statement_id: int, user: User) -> Statement:
    """Undo a dismissal: back to draft if it has a verdict, else not started."""
    reviewer_require(user)
    with transaction.atomic():
        statement = statement_lock(statement_id)
        if transition_find(state=statement.review_state, action=Action.RESTORE) is None:
            raise Conflict("This statement is not dismissed.")
        has_verdict = Verdict.objects.filter(statement=statement).exists()
        statement.dismissed_reason = ""
        event_record(
            statement=statement,
            user=user,
            action=ReviewEvent.Action.RESTORED,
            to_state=State.DRAFT if has_verdict else State.NOT_STARTED,
        )
    return statement


def statement_assign(*, statement_id: int, user: User, assignee_id: int | None) -> Statement:
    """Put a statement in a reviewer's queue (or take it out with ``assignee_id=None``)."""
    if not user_has_desk_role(user):
        raise Forbidden("Only reviewers and editors can assign statements.")
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not user_is_reviewer(assignee):
            raise InvalidInput("Statements can only be assigned to reviewers.", field="assignee")
    with transaction.atomic():
        statement = statement_lock(statement_id)
        statement.assignee = assignee
        statement.assigned_at = timezone.now() if assignee else None
        event_record(
            statement=statement,
            user=user,
            action=ReviewEvent.Action.ASSIGNED,
            to_state=statement.review_state,
            note=f"Assigned to {assignee.get_username()}" if assignee else "Unassigned",
        )
    return statement


# --- Shared ---------------------------------------------------------------------------


def reviewer_require(user: User) -> None:
    if not user_is_reviewer(user):
        raise Forbidden("Only members of Reviewers can do this.")


def statement_lock(statement_id: int) -> Statement:
    """Lock and return the statement (inside the caller's transaction)."""
    # Row lock: concurrent writes to one statement's review run one after the other, and
    # each sees the state the previous one left.
    statement = Statement.objects.select_for_update().filter(pk=statement_id).first()
    if statement is None:
        raise InvalidInput("No such statement.")
    return statement


def event_record(
    *,
    statement: Statement,
    user: User,
    action: str,
    to_state: str,
    note: str = "",
    verdict: Verdict | None = None,
    sources: Sequence[VerdictSource] = (),
    from_state: str | None = None,
) -> ReviewEvent:
    """Move the statement to ``to_state`` (saving it) and append the history entry."""
    previous = statement.review_state if from_state is None else from_state
    statement.review_state = to_state
    statement.save()
    return ReviewEvent.objects.create(
        statement=statement,
        actor=user,
        action=action,
        from_state=previous,
        to_state=to_state,
        note=note,
        verdict_version=verdict.version if verdict else None,
        snapshot=verdict_snapshot(verdict=verdict, sources=sources),
    )
