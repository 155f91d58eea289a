"""Publishing Celery tasks from services, safely, by name.

Services never import annotations.tasks (the tasks import services): they name the task
here, and the task is looked up in Celery's registry when the message is published.

The database owns the state of every job (TaggingJob, WebhookDelivery); publishing the
message is a nudge. So publishing never raises: if the broker is down, the caller's work
is already saved, the reason is noted on the job, and a periodic sweep publishes again.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import DatabaseError
from django.db.models import QuerySet
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

from annotations.models import TaggingJob

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerOperationalError, RedisError, OSError)
ERROR_MAX_CHARS = 500


def error_short(error: str) -> str:
    """An error cut to what a job's last_error shows."""
    return error if len(error) <= ERROR_MAX_CHARS else error[: ERROR_MAX_CHARS - 1] + "…"


# The names the tasks are registered under (annotations/tasks.py uses the same).
TASK_ARTICLE_TAG = "annotations.tasks.article_tag"
TASK_WEBHOOK_DELIVER = "annotations.tasks.webhook_deliver"


def task_publish(
    *, task: str, args: tuple[Any, ...], what: str, note: Callable[[str], None], **options: Any
) -> bool:
    """Publish the task named ``task`` with ``args``; on failure log it, call ``note``
    with the reason (to record on the job) and return False.

    CELERY_TASK_PUBLISH_RETRY_POLICY keeps this short: 0.5 s measured when the broker
    refuses connections; a broker that never answers is bounded by the transport's socket
    timeouts (CELERY_BROKER_TRANSPORT_OPTIONS).
    """
    try:
        # The registered task, not send_task(): eager mode (unit tests) runs it in-process.
        current_app.tasks[task].apply_async(
            args=args, retry=True, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY, **options
        )
    except BROKER_ERRORS as exc:
        logger.warning("%s not queued, broker unavailable: %s", what, exc)
        note(f"broker unavailable: {exc}")
        return False
    except Exception as exc:
        # With CELERY_TASK_ALWAYS_EAGER the task ran here and raised (it records its own
        # failure on the job).
        logger.exception("%s not queued", what)
        note(f"could not queue: {type(exc).__name__}: {exc}")
        return False
    return True


def job_note(*, rows: QuerySet, error: str, what: str) -> None:
    """Write ``error`` as ``last_error`` on ``rows`` (a queryset filtered to the rows whose
    state may take the note). Never raises: the database may be why there is an error."""
    try:
        rows.update(last_error=error_short(error))
    except DatabaseError:
        logger.exception("Could not record the error of %s", what)


def jobs_requeue(
    *,
    rows: QuerySet,
    candidates: Sequence[tuple[int, Any]],
    reclaim: dict[str, Any],
    publish: Callable[[Any], bool],
) -> int:
    """Re-publish the jobs in ``candidates`` ((pk, argument for ``publish``) pairs, read
    from ``rows``, the stale jobs) and return how many were published.

    Each is first reclaimed with a conditional UPDATE that re-checks ``rows``: of two
    sweepers (or a sweeper and the worker finishing the job) only one still finds it stale.
    A job is counted only once published: with the broker still down it keeps waiting.
    """
    requeued = 0
    for pk, argument in candidates:
        if rows.filter(pk=pk).update(**reclaim) and publish(argument):
            requeued += 1
    return requeued


def tagging_job_enqueue(*, article_id: int) -> bool:
    """Publish the tagging task of an article; False (and a note on its job) if that
    failed. Never raises: the article is already saved, and the HTTP request or CLI run
    must succeed anyway. Here, not in tagging/, because ingestion enqueues too."""
    return task_publish(
        task=TASK_ARTICLE_TAG,
        args=(article_id,),
        what=f"Tagging of article {article_id}",
        # Only a job still waiting: a task that already ran (eager mode) keeps its outcome.
        note=lambda error: job_note(
            rows=TaggingJob.objects.filter(article_id=article_id, state=TaggingJob.State.QUEUED),
            error=error,
            what=f"the tagging of article {article_id}",
        ),
    )
