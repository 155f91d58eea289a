"""Webhook deliveries: their states in the database, from the editorial transaction
that records them to the last attempt.

The database owns delivery state, not the broker: a delivery is pending until delivered or
failed, and next_attempt_at says when it is due. Publishing to the broker never raises; a
delivery whose message was lost (broker down, worker killed) is found again by the sweep
(webhook_deliveries_requeue_stale: Celery beat, or `manage.py sweep_webhook_deliveries`).
What goes over the wire is protocol.py; how it is sent, transport.py.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations.core.jobs import (
    TASK_WEBHOOK_DELIVER,
    error_short,
    job_note,
    jobs_requeue,
    task_publish,
)
from annotations.models import Partner, PublishedVerdict, WebhookAttempt, WebhookDelivery
from annotations.partners.webhooks.protocol import (
    EVENTS,
    webhook_body,
    webhook_headers,
    webhook_retry_countdown,
)
from annotations.partners.webhooks.transport import Outcome, webhook_send
from annotations.publishing.claimreview import claimreview_or_tombstone

logger = logging.getLogger(__name__)

State = WebhookDelivery.State

# While an attempt runs, next_attempt_at is pushed this far ahead (a lease): a duplicate
# message is a no-op meanwhile, and if the worker dies the sweep takes over once it ends.
# Longer than the task's hard time limit, so the attempt is surely over by then.
ATTEMPT_LEASE_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
# A message may run a little before next_attempt_at (clocks of different workers).
EARLY_TOLERANCE_SECONDS = 10
# The sweep re-publishes pending deliveries this long past due: their message was lost.
STALE_SECONDS = 300
SWEEP_BATCH_SIZE = 500


# --- Queueing ---------------------------------------------------------------------------


def webhooks_enqueue(*, published_id: int, event: str) -> list[WebhookDelivery]:
    """Record one delivery of ``event`` for each active partner with a webhook URL, then
    publish their tasks once the rows are committed. Called inside the editorial
    transaction, so the deliveries commit (or roll back) with the publication itself."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    partners = list(Partner.objects.filter(is_active=True).exclude(webhook_url="").order_by("pk"))
    if not partners:
        return []
    published = PublishedVerdict.objects.select_related("article").get(pk=published_id)
    payload = claimreview_or_tombstone(published)
    now = timezone.now()
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                partner=partner,
                published=published,
                event=event,
                delivery_id=uuid.uuid4(),
                url=partner.webhook_url,
                payload=payload,
                next_attempt_at=now,
            )
            for partner in partners
        ]
        ids = [delivery.pk for delivery in deliveries]
        # A worker must find the rows: publish after commit. One task per delivery, so a
        # partner that is down holds up nobody else.
        transaction.on_commit(lambda: _publish_all(ids))
    return deliveries


def _publish_all(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        webhook_delivery_publish(delivery_id=delivery_id)


def webhook_delivery_publish(*, delivery_id: int, eta: datetime | None = None) -> bool:
    """Publish the delivery task (at ``eta``); False if the broker refused. Never raises:
    the delivery stays pending in the database and the sweep publishes it later."""
    return task_publish(
        task=TASK_WEBHOOK_DELIVER,
        args=(delivery_id,),
        eta=eta,
        what=f"Webhook delivery {delivery_id}",
        note=lambda error: _note_unqueued(delivery_id=delivery_id, error=f"not queued, {error}"),
    )


def _note_unqueued(*, delivery_id: int, error: str) -> None:
    # Only on a delivery never attempted: an attempt's own error is more useful to keep.
    job_note(
        rows=WebhookDelivery.objects.filter(pk=delivery_id, state=State.PENDING, attempts=0),
        error=error,
        what=f"webhook delivery {delivery_id}",
    )


def webhook_deliveries_requeue_stale(*, now: datetime | None = None) -> int:
    """Re-publish pending deliveries whose message looks lost (due more than STALE_SECONDS
    ago: the broker was down, or a worker died mid-attempt); returns how many."""
    now = now or timezone.now()
    before = now - timedelta(seconds=STALE_SECONDS)
    stale = Q(state=State.PENDING) & (
        Q(next_attempt_at__lt=before) | Q(next_attempt_at__isnull=True, created_at__lt=before)
    )
    candidates = list(
        WebhookDelivery.objects.filter(stale)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    # Reclaimed as due now, so the task's claim accepts it; the next sweep leaves it alone
    # for STALE_SECONDS.
    requeued = jobs_requeue(
        rows=WebhookDelivery.objects.filter(stale),
        candidates=[(pk, pk) for pk in candidates],
        reclaim={"next_attempt_at": now},
        publish=lambda pk: webhook_delivery_publish(delivery_id=pk),
    )
    if requeued:
        logger.info("Re-enqueued %d stale webhook deliveries", requeued)
    return requeued


def webhook_deliveries_retry(*, delivery_ids: Iterable[int]) -> int:
    """Give failed deliveries another attempt now, to the partner's current URL (admin,
    once a partner fixed their endpoint). The retry window still counts from the event:
    past it, this is one more attempt. Returns how many were queued again."""
    now = timezone.now()
    retried = []
    failed = WebhookDelivery.objects.filter(pk__in=list(delivery_ids), state=State.FAILED)
    with transaction.atomic():
        for delivery in failed.select_related("partner"):
            partner = delivery.partner
            if not (partner.is_active and partner.webhook_url):
                continue
            won = WebhookDelivery.objects.filter(pk=delivery.pk, state=State.FAILED).update(
                state=State.PENDING, next_attempt_at=now, url=partner.webhook_url
            )
            if won:
                retried.append(delivery.pk)
        transaction.on_commit(lambda: _publish_all(retried))
    return len(retried)


# --- Delivering -------------------------------------------------------------------------


def webhook_delivery_claim(*, delivery_id: int) -> bool:
    """Take the delivery for one attempt; False if it is not pending or not due yet."""
    now = timezone.now()
    # A conditional UPDATE is an atomic test-and-set. A delivered or failed delivery is
    # never touched (re-running one is a no-op). Of two messages for one pending delivery
    # (a scheduled retry and the sweep's, or a broker redelivery) only the first finds it
    # due: it moves next_attempt_at a lease ahead, so the other finds it not due and stops
    # instead of sending twice at once. A message that arrives early does nothing either
    # (eager Celery runs a scheduled retry at once; it must not skip the backoff).
    due = Q(next_attempt_at__isnull=True) | Q(
        next_attempt_at__lte=now + timedelta(seconds=EARLY_TOLERANCE_SECONDS)
    )
    claimed = WebhookDelivery.objects.filter(due, pk=delivery_id, state=State.PENDING).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=ATTEMPT_LEASE_SECONDS),
    )
    return claimed == 1


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt at a delivery and record it. Returns the delivery as it now
    stands (pending with next_attempt_at = when to retry, delivered, or failed), or None
    when there was nothing to do. The caller schedules the retry (tasks.webhook_deliver)."""
    if not webhook_delivery_claim(delivery_id=delivery_id):
        return None
    delivery = WebhookDelivery.objects.select_related("partner").get(pk=delivery_id)
    started = time.monotonic()
    status, error, permanent, retry_after = _attempt(delivery)
    duration_ms = round((time.monotonic() - started) * 1000)
    now = timezone.now()

    fields: dict[str, Any] = {"last_status": status, "last_error": error_short(error)}
    if status is not None and 200 <= status < 300:
        fields.update(state=State.DELIVERED, delivered_at=now, next_attempt_at=None)
    else:
        deadline = delivery.created_at + timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS)
        if permanent:
            fields.update(state=State.FAILED, next_attempt_at=None)
        elif now >= deadline:
            fields.update(
                state=State.FAILED,
                next_attempt_at=None,
                last_error=error_short(f"gave up after {delivery.attempts} attempts: {error}"),
            )
        else:
            countdown = webhook_retry_countdown(attempt=delivery.attempts, retry_after=retry_after)
            # The last retry falls on the deadline rather than past it.
            fields["next_attempt_at"] = min(now + timedelta(seconds=countdown), deadline)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, status=status, error=error_short(error), duration_ms=duration_ms
        )
        WebhookDelivery.objects.filter(pk=delivery.pk, state=State.PENDING).update(**fields)
    delivery.refresh_from_db()
    if delivery.state == State.FAILED:
        logger.warning("Webhook delivery %s failed: %s", delivery.delivery_id, delivery.last_error)
    return delivery


def _attempt(delivery: WebhookDelivery) -> Outcome:
    """Send once, unless the partner can no longer receive (permanent failures)."""
    partner = delivery.partner
    if not partner.is_active:
        return Outcome(None, "partner is inactive", True)
    if not partner.webhook_secret:
        return Outcome(None, "the partner has no webhook secret: set one in admin", True)
    body = webhook_body(delivery.payload)
    headers = webhook_headers(
        event=delivery.event,
        delivery_id=delivery.delivery_id,
        attempt=delivery.attempts,
        secret=partner.webhook_secret,
        body=body,
    )
    return webhook_send(
        url=delivery.url, body=body, headers=headers, what=str(delivery.delivery_id)
    )
