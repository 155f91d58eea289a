"""The editorial workflow: every transition of a verdict after submission, in one place.

    draft ──submit──► submitted ──approve──► approved (published)
                          │                      │
                          └──return (note)──► returned ──save──► draft
    approved ──start correction──► draft … ──approve──► approved (published, corrected)
    approved ──withdraw (reason)──► withdrawn ──start correction──► draft …

Each transition runs in one transaction, locks the statement row (select_for_update),
and checks the state it finds there: a stale or invalid transition (approving what an
editor just returned, two editors deciding at once) raises Conflict, which views
turn into a 409, never a 500 and never a double transition.

Four eyes: an editor can never approve a verdict they wrote or edited in this revision.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotations.core.errors import Conflict, Forbidden, InvalidInput
from annotations.core.roles import user_is_editor, user_is_reviewer
from annotations.models import PublishedVerdict, ReviewEvent, Statement, Verdict
from annotations.partners.webhooks.deliveries import webhooks_enqueue
from annotations.partners.webhooks.protocol import (
    EVENT_CORRECTED,
    EVENT_PUBLISHED,
    EVENT_WITHDRAWN,
)
from annotations.publishing.services import published_document_store
from annotations.review.services import event_record, statement_lock, verdict_snapshot
from annotations.review.workflow import Action, transition_find, transition_target

State = Statement.ReviewState
Event = ReviewEvent.Action


def verdict_approve(*, statement_id: int, user: User, base_version: int) -> PublishedVerdict:
    """Approve a submitted verdict and publish it (or publish its correction)."""
    _require_editor(user)
    with transaction.atomic():
        statement = statement_lock(statement_id)
        verdict = _submitted_verdict(statement, base_version=base_version, doing=Action.APPROVE)
        if user.pk in revision_editor_ids(statement=statement, verdict=verdict):
            raise Forbidden("You wrote or edited this verdict, so another editor must approve it.")
        sources = list(verdict.sources.all())
        snapshot = verdict_snapshot(verdict=verdict, sources=sources)
        now = timezone.now()
        published = PublishedVerdict.objects.filter(statement=statement).first()
        if published is None:
            published = PublishedVerdict(statement=statement, first_published_at=now)
        else:
            published.corrected_at = now
            published.correction_count += 1
        # The approved sentence and its place, frozen with the verdict (a later revision
        # of the article that rewords it does not change what is published).
        published.article_id, published.start, published.end, published.quote = (
            statement.article_id, statement.start, statement.end, statement.text
        )  # fmt: skip
        published.rating = verdict.rating
        published.explanation = verdict.explanation
        published.claim_summary = verdict.claim_summary
        published.speaker, published.speaker_type = verdict.speaker, verdict.speaker_type
        published.sources = snapshot["sources"]
        published.verdict_version = verdict.version
        published.reviewer = verdict.last_edited_by
        published.approved_by = user
        published.published_at = published.modified_at = now
        published.withdrawn_at = None
        published.withdrawn_reason = ""
        published.save()
        published_document_store(published=published)
        event = EVENT_CORRECTED if published.correction_count > 0 else EVENT_PUBLISHED
        # Delivery rows are written in this transaction (no event is lost if the process
        # dies right after the commit); their tasks are published only after the commit,
        # so partners never hear of a publication that was rolled back.
        webhooks_enqueue(published_id=published.pk, event=event)
        event_record(
            statement=statement,
            user=user,
            action=Event.APPROVED,
            to_state=State.APPROVED,
            verdict=verdict,
            sources=sources,
        )
    return published


def verdict_return(*, statement_id: int, user: User, note: str, base_version: int) -> Statement:
    """Send a submitted verdict back to its reviewer with a note."""
    _require_editor(user)
    if not note.strip():
        raise InvalidInput("Write a note to the reviewer saying what to change.", field="note")
    with transaction.atomic():
        statement = statement_lock(statement_id)
        verdict = _submitted_verdict(statement, base_version=base_version, doing=Action.RETURN)
        event_record(
            statement=statement,
            user=user,
            action=Event.RETURNED,
            to_state=State.RETURNED,
            note=note.strip(),
            verdict=verdict,
            sources=list(verdict.sources.all()),
        )
    return statement


def verdict_correction_start(*, statement_id: int, user: User) -> Statement:
    """Reopen a published (or withdrawn) verdict for revision. Partners keep seeing the
    published version until the revision is approved."""
    if not (user_is_reviewer(user) or user_is_editor(user)):
        raise Forbidden("Only reviewers and editors can correct a verdict.")
    with transaction.atomic():
        statement = statement_lock(statement_id)
        if transition_find(state=statement.review_state, action=Action.CORRECT) is None:
            raise Conflict(
                f"This statement is {statement.get_review_state_display().lower()}; "
                "only a published or withdrawn verdict can be corrected."
            )
        event_record(statement=statement, user=user, action=Event.CORRECTION, to_state=State.DRAFT)
    return statement


def verdict_withdraw(*, statement_id: int, user: User, reason: str) -> PublishedVerdict:
    """Take a published verdict down; partners see it as withdrawn."""
    _require_editor(user)
    if not reason.strip():
        raise InvalidInput("Say why the verdict is withdrawn.", field="reason")
    with transaction.atomic():
        statement = statement_lock(statement_id)
        published = PublishedVerdict.objects.select_for_update().filter(statement=statement).first()
        if published is None or published.is_withdrawn:
            raise Conflict("There is no published verdict to withdraw.")
        now = timezone.now()
        published.withdrawn_at = published.modified_at = now
        published.withdrawn_reason = reason.strip()
        published.save()
        published_document_store(published=published)
        webhooks_enqueue(published_id=published.pk, event=EVENT_WITHDRAWN)
        # A correction in progress keeps its state; a plain published one is now withdrawn.
        to_state = transition_target(state=statement.review_state, action=Action.WITHDRAW)
        event_record(
            statement=statement,
            user=user,
            action=Event.WITHDRAWN,
            to_state=to_state,
            note=published.withdrawn_reason,
        )
    return published


def revision_editor_ids(*, statement: Statement, verdict: Verdict) -> set[int]:
    """Everyone who wrote or edited the verdict since it was last decided on: the author,
    the last editor, and whoever saved or submitted since the last approval."""
    ids = {verdict.author_id, verdict.last_edited_by_id}
    last_approval = (
        ReviewEvent.objects.filter(statement=statement, action=Event.APPROVED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    saves = ReviewEvent.objects.filter(
        statement=statement, action__in=[Event.SAVED, Event.SUBMITTED]
    )
    if last_approval is not None:
        saves = saves.filter(id__gt=last_approval)
    ids.update(saves.values_list("actor_id", flat=True))
    return ids


def _submitted_verdict(statement: Statement, *, base_version: int, doing: Action) -> Verdict:
    if transition_find(state=statement.review_state, action=doing) is None:
        raise Conflict(
            f"Can't {doing}: this verdict is {statement.get_review_state_display().lower()} "
            "now (someone acted on it first). Reload to see where it stands."
        )
    verdict = Verdict.objects.select_related("author", "last_edited_by").get(statement=statement)
    if verdict.version != base_version:
        raise Conflict(
            f"Can't {doing}: the verdict changed since you opened it. Reload to see the "
            "submitted version."
        )
    return verdict


def _require_editor(user: User) -> None:
    if not user_is_editor(user):
        raise Forbidden("Only members of Editors can do this.")
