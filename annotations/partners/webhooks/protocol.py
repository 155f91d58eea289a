"""The webhook wire protocol, as a partner's receiver sees it (no I/O, no database).

One POST per event and partner:

    POST <Partner.webhook_url>
    Content-Type: application/json
    User-Agent: FactcheckWebhooks/1.0 (+<SITE_URL>)
    X-Webhook-Event: published | corrected | withdrawn
    X-Delivery-Id: <uuid4>          the same on every attempt: dedupe on it
    X-Webhook-Attempt: 1, 2, ...
    X-Webhook-Timestamp: <unix seconds when this attempt was sent>
    X-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret>

    <the ClaimReview JSON (annotations.publishing.claimreview), or a withdrawn verdict's tombstone>

- The body is serialised once per delivery (sorted keys, compact separators, UTF-8), so
  every attempt sends the same bytes with the same signature. Receivers verify the
  signature over the raw body before parsing it (hmac.compare_digest). The signature
  covers the body only, not the timestamp: a replay carries a known X-Delivery-Id.
- At least once: a retry after a timeout may deliver an event twice (dedupe on
  X-Delivery-Id), and events for one verdict may arrive out of order (apply a body only if
  its dateModified is newer than the one you hold). "corrected" also follows a withdrawal
  when a corrected verdict is approved again: the full ClaimReview replaces the tombstone.
- Delivered: any 2xx, within WEBHOOK_TIMEOUT_SECONDS to connect and for each read.
- Transient failures, retried: 5xx, 408, 425, 429, timeouts, connection and DNS errors.
  Retries come after 30 s, 1 min, 2 min, 4 min ... at most 1 h, each up to 20 % sooner
  (jitter, so deliveries held up by one outage do not all come back at once); a
  Retry-After on 429/503 is honoured up to that hour. After WEBHOOK_RETRY_FOR_SECONDS
  from the event the delivery is "failed" (about 30 attempts in a day).
- Permanent failures, not retried: other 4xx (the receiver understood and refused; the
  same bytes would get the same answer), 3xx (redirects are never followed: fix the URL),
  a URL that is not http(s) or carries credentials, an address the SSRF guard refuses
  (transport.py), a deactivated partner, a partner without a secret. Admin can retry
  failed deliveries (deliveries.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import uuid
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

EVENT_PUBLISHED = "published"
EVENT_CORRECTED = "corrected"
EVENT_WITHDRAWN = "withdrawn"
EVENTS = frozenset({EVENT_PUBLISHED, EVENT_CORRECTED, EVENT_WITHDRAWN})

BACKOFF_FIRST_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
BACKOFF_JITTER = 0.2  # each wait is up to 20 % shorter: never over the cap, still growing
# Transient statuses: timeout, too early, too many requests; 5xx are transient too.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: deterministic for a given payload."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def webhook_signature(*, secret: str, body: bytes) -> str:
    """The X-Signature header value a receiver recomputes to authenticate a body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_headers(
    *, event: str, delivery_id: uuid.UUID, attempt: int, secret: str, body: bytes
) -> dict[str, str]:
    """The headers of one attempt (the timestamp is this attempt's, the rest fixed)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": f"FactcheckWebhooks/1.0 (+{settings.SITE_URL})",
        "Accept-Encoding": "identity",  # a readable excerpt of an error response
        "X-Webhook-Event": event,
        "X-Delivery-Id": str(delivery_id),
        "X-Webhook-Attempt": str(attempt),
        "X-Webhook-Timestamp": str(int(time.time())),
        "X-Signature": webhook_signature(secret=secret, body=body),
    }


def webhook_status_retryable(*, status: int) -> bool:
    """Whether a non-2xx, non-3xx answer is worth the same bytes again later."""
    return not (400 <= status < 500 and status not in RETRYABLE_STATUSES)


def webhook_retry_countdown(
    *, attempt: int, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1 for the first): 30 s
    doubling up to 1 h, minus up to 20 % jitter; at least the receiver's Retry-After
    (itself capped at 1 h)."""
    exponent = min(max(attempt, 1) - 1, 20)  # 2**20 × 30 s is far past the cap already
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2**exponent)
    delay *= 1 - BACKOFF_JITTER * (rng or random).random()
    if retry_after:
        delay = max(delay, min(retry_after, BACKOFF_MAX_SECONDS))
    return delay


def retry_after_parse(*, value: str | None) -> float | None:
    """Retry-After in seconds, from delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - timezone.now()).total_seconds())
