"""Read-side queries for editors: the approvals queue, a statement's history, the
dashboard. Each runs a fixed number of queries whatever the number of rows."""

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from annotations.models import PublishedVerdict, ReviewEvent, Statement, Verdict
from annotations.review.workflow import OPEN_STATES

State = Statement.ReviewState
Action = ReviewEvent.Action


def approvals_queue(
    *, article_id: int | None = None, reviewer_id: int | None = None, rating: str = ""
) -> QuerySet[Statement]:
    """Submitted verdicts waiting for an editor, oldest submission first."""
    qs = (
        Statement.objects.filter(review_state=State.SUBMITTED)
        .select_related("article", "verdict__last_edited_by", "verdict__author", "published")
        .defer("article__body")
        .order_by("verdict__submitted_at", "id")
    )
    if article_id:
        qs = qs.filter(article_id=article_id)
    if reviewer_id:
        qs = qs.filter(verdict__last_edited_by_id=reviewer_id)
    if rating:
        qs = qs.filter(verdict__rating=rating)
    return qs


def approvals_count() -> int:
    return Statement.objects.filter(review_state=State.SUBMITTED).count()


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class Dashboard:
    by_state: list[tuple[str, str, int]]  # (state, label, count), every state
    by_verdict: list[tuple[str, str, int]]  # published and not withdrawn
    approvals_per_day: list[DayCount]  # the last `days` days, zeros included
    open_work: list[tuple[str, int, int]]  # (reviewer, open assigned, waiting decision)
    median_decision_hours: float | None
    decisions_measured: int


def dashboard_get(*, days: int = 30, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)

    state_counts = dict(
        Statement.objects.values_list("review_state").annotate(n=Count("id")).order_by()
    )
    verdict_counts = dict(
        PublishedVerdict.objects.filter(withdrawn_at__isnull=True)
        .values_list("rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_day = dict(
        ReviewEvent.objects.filter(action=Action.APPROVED, created_at__date__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Dashboard(
        by_state=[(s, label, state_counts.get(s, 0)) for s, label in State.choices],
        by_verdict=[(r, label, verdict_counts.get(r, 0)) for r, label in Verdict.Rating.choices],
        approvals_per_day=[
            DayCount(day=since + timedelta(days=i), count=per_day.get(since + timedelta(days=i), 0))
            for i in range(days)
        ],
        open_work=_open_work(),
        **_decision_times(since=timezone.now() - timedelta(days=90)),
    )


def _open_work() -> list[tuple[str, int, int]]:
    """Per reviewer: statements assigned and still open, and verdicts they submitted that
    wait for an editor."""
    assigned = dict(
        Statement.objects.filter(review_state__in=OPEN_STATES, assignee__isnull=False)
        .values_list("assignee__username")
        .annotate(n=Count("id"))
        .order_by()
    )
    waiting = dict(
        Statement.objects.filter(review_state=State.SUBMITTED)
        .values_list("verdict__last_edited_by__username")
        .annotate(n=Count("id"))
        .order_by()
    )
    names = sorted(set(assigned) | set(waiting))
    return [(name, assigned.get(name, 0), waiting.get(name, 0)) for name in names]


def _decision_times(*, since) -> dict:
    """Median hours from a submission to the editor's decision (approve or return)."""
    events = (
        ReviewEvent.objects.filter(
            created_at__gte=since, action__in=[Action.SUBMITTED, Action.APPROVED, Action.RETURNED]
        )
        .order_by("statement_id", "created_at", "id")
        .values_list("statement_id", "action", "created_at")
    )
    hours, submitted_at, current = [], None, None
    for statement_id, action, at in events.iterator(chunk_size=2000):
        if statement_id != current:
            current, submitted_at = statement_id, None
        if action == Action.SUBMITTED:
            submitted_at = at
        elif submitted_at is not None:
            hours.append((at - submitted_at).total_seconds() / 3600)
            submitted_at = None
    return {
        "median_decision_hours": statistics.median(hours) if hours else None,
        "decisions_measured": len(hours),
    }
