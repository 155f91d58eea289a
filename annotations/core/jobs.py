"""Publishing Celery tasks from services, safely.

The database owns the state of every job (TaggingJob, WebhookDelivery); publishing the
message is a nudge. So publishing never raises: if the broker is down, the caller's work
is already saved, the reason is noted on the job, and a periodic sweep publishes again.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerOperationalError, RedisError, OSError)
ERROR_MAX_CHARS = 500


def error_short(error: str) -> str:
    """An error cut to what a job's last_error shows."""
    return error if len(error) <= ERROR_MAX_CHARS else error[: ERROR_MAX_CHARS - 1] + "…"


def task_publish(
    *, task, args: list, what: str, note: Callable[[str], None], **options: Any
) -> bool:
    """``task.apply_async(args, **options)``; on failure log it, call ``note`` with the
    reason (to record on the job) and return False.

    CELERY_TASK_PUBLISH_RETRY_POLICY keeps this short: 0.5 s measured when the broker
    refuses connections; a broker that never answers is bounded by the transport's socket
    timeouts (CELERY_BROKER_TRANSPORT_OPTIONS).
    """
    try:
        task.apply_async(
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
