"""Celery tasks: thin wrappers around annotations.tagging.jobs and partners.webhooks.deliveries.

Delivery guarantees come from the global settings (acks_late, reject_on_worker_lost,
prefetch 1, soft/hard time limits CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT):
a message is acknowledged only after the task ran, and put back if the worker process
died, so tasks must be idempotent, which the services make them.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError

from annotations.core.jobs import TASK_ARTICLE_TAG, TASK_WEBHOOK_DELIVER

logger = logging.getLogger(__name__)

# Worth another try: the database restarting or a lost connection, a deadlock, or a
# concurrent worker merging an entity this one was using (IntegrityError).
TRANSIENT_ERRORS = (OperationalError, InterfaceError, IntegrityError)


@shared_task(
    bind=True,
    name=TASK_ARTICLE_TAG,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def article_tag(self, article_id: int) -> None:
    """Tag the entities of one article. Takes only the id: everything else is read here."""
    if isinstance(article_id, bool) or not isinstance(article_id, int):
        logger.error("article_tag: ignoring a non-integer article id %r", article_id)
        return
    from annotations.tagging.jobs import (
        article_entities_tag,
        tagging_job_fail,
        tagging_job_note_retry,
    )

    try:
        article_entities_tag(article_id=article_id)
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        tagging_job_fail(article_id=article_id, error=f"timed out after {limit} s")
        raise
    except TRANSIENT_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
        if self.request.retries >= self.max_retries:
            tagging_job_fail(article_id=article_id, error=f"gave up after retries: {error}")
        else:
            tagging_job_note_retry(article_id=article_id, error=error)
        raise  # autoretry_for schedules the retry
    except Exception as exc:
        tagging_job_fail(article_id=article_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="annotations.tasks.tagging_jobs_sweep")
def tagging_jobs_sweep() -> int:
    """Re-enqueue tagging jobs lost to a broker outage or a dead worker (celery beat)."""
    from annotations.tagging.jobs import tagging_jobs_requeue_stale

    return tagging_jobs_requeue_stale()


@shared_task(name=TASK_WEBHOOK_DELIVER)
def webhook_deliver(delivery_id: int) -> None:
    """One attempt at one webhook delivery; a failure schedules the next attempt as a new
    message with an ETA (never a sleep in the worker), so a partner that is down holds a
    worker for one timeout at most, and delays nobody else."""
    if isinstance(delivery_id, bool) or not isinstance(delivery_id, int):
        logger.error("webhook_deliver: ignoring a non-integer delivery id %r", delivery_id)
        return
    from annotations.partners.webhooks.deliveries import (
        webhook_delivery_attempt,
        webhook_delivery_publish,
    )

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is not None and delivery.state == delivery.State.PENDING:
        # If this publish fails, the delivery is still pending and the sweep finds it.
        webhook_delivery_publish(delivery_id=delivery_id, eta=delivery.next_attempt_at)


@shared_task(name="annotations.tasks.webhook_deliveries_sweep")
def webhook_deliveries_sweep() -> int:
    """Re-enqueue webhook deliveries lost to a broker outage or a dead worker (celery beat)."""
    from annotations.partners.webhooks.deliveries import webhook_deliveries_requeue_stale

    return webhook_deliveries_requeue_stale()
