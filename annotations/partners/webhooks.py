"""Webhooks: tell partners when a verdict is published, corrected or withdrawn.

The protocol, as a partner's receiver sees it: one POST per event and partner,

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
  a URL that is not http(s) or carries credentials, an address the SSRF guard refuses,
  a deactivated partner, a partner without a secret. Admin can retry failed deliveries.

SSRF guard: the host is resolved here (getaddrinfo), every address it resolves to must be
public (unless WEBHOOK_ALLOW_PRIVATE), and the connection goes to that checked address
(the URL's host replaced by the IP, with the original Host header and TLS SNI /
certificate name), so the name is never looked up a second time: a DNS rebind between
check and connect cannot redirect the request. Proxies from the environment are ignored.

The database owns delivery state, not the broker: a delivery is pending until delivered or
failed, and next_attempt_at says when it is due. Publishing to the broker never raises; a
delivery whose message was lost (broker down, worker killed) is found again by the sweep
(webhook_deliveries_requeue_stale, Celery beat).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import ssl
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
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
from annotations.publishing.claimreview import claimreview_or_tombstone

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
State = WebhookDelivery.State

EVENT_PUBLISHED = "published"
EVENT_CORRECTED = "corrected"
EVENT_WITHDRAWN = "withdrawn"
EVENTS = frozenset({EVENT_PUBLISHED, EVENT_CORRECTED, EVENT_WITHDRAWN})

BACKOFF_FIRST_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
BACKOFF_JITTER = 0.2  # each wait is up to 20 % shorter: never over the cap, still growing
# Transient statuses: timeout, too early, too many requests; 5xx are transient too.
RETRYABLE_STATUSES = frozenset({408, 425, 429})
# While an attempt runs, next_attempt_at is pushed this far ahead (a lease): a duplicate
# message is a no-op meanwhile, and if the worker dies the sweep takes over once it ends.
# Longer than the task's hard time limit, so the attempt is surely over by then.
ATTEMPT_LEASE_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
# A message may run a little before next_attempt_at (clocks of different workers).
EARLY_TOLERANCE_SECONDS = 10
# The sweep re-publishes pending deliveries this long past due: their message was lost.
STALE_SECONDS = 300
SWEEP_BATCH_SIZE = 500
MAX_ADDRESSES_TRIED = 4
RESPONSE_EXCERPT_BYTES = 200
# https certificates are checked against the URL's host name (certifi's CA bundle); an
# ssl.SSLContext here replaces it (the tests trust their own certificate authority).
TLS_VERIFY: ssl.SSLContext | bool = True


class WebhookRefused(Exception):
    """A delivery that can never succeed as addressed (permanent failure)."""


class WebhookLookupFailed(Exception):
    """The host name did not resolve (transient: DNS can recover)."""


# --- Pure parts: body, signature, backoff, address policy --------------------------------


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: deterministic for a given payload."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def webhook_signature(*, secret: str, body: bytes) -> str:
    """The X-Signature header value a receiver recomputes to authenticate a body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


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


def address_refusal(address: IPAddress) -> str | None:
    """Why webhooks may not go to ``address`` ("a private address"), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 (::ffff:10.0.0.5, 6to4, NAT64 64:ff9b::/96)
        # reaches that IPv4 address: judge it by what it wraps.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded)
    # Order matters: 127.0.0.1 and 169.254.x are also "private" to ipaddress, and IPv6
    # multicast counts as global.
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:  # before "private", which includes 240.0.0.0/4 too
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:  # e.g. 100.64.0.0/10, carrier-grade NAT
        return "not a public address"
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _url_parse(url: str) -> httpx.URL:
    """The URL if it is one we would ever send to; WebhookRefused otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise WebhookRefused(f"refused: not a valid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        raise WebhookRefused("refused: only http and https URLs are allowed")
    if not parsed.raw_host:
        raise WebhookRefused("refused: the URL has no host")
    if parsed.userinfo:
        # The signature authenticates us; credentials in a URL end up in logs and admin.
        raise WebhookRefused("refused: the URL must not contain a user name or password")
    return parsed


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def webhook_url_validate(*, url: str) -> None:
    """Raise ValidationError for a webhook URL that could never be delivered to: not
    http(s), credentials in it, or (unless WEBHOOK_ALLOW_PRIVATE) a literal non-public IP
    or localhost. Names are not resolved here: that check happens on every delivery."""
    try:
        parsed = _url_parse(url)
    except WebhookRefused as exc:
        message = str(exc).removeprefix("refused: ")
        raise ValidationError(message[:1].upper() + message[1:]) from exc
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    host = parsed.raw_host.decode("ascii").lower().rstrip(".")
    address = _literal_address(host)
    reason = address_refusal(address) if address is not None else None
    if host == "localhost" or host.endswith(".localhost"):
        reason = "a loopback address"
    if reason:
        raise ValidationError(f"{host} is {reason}: webhooks only go to public addresses.")


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
    published = PublishedVerdict.objects.select_related("statement__article").get(pk=published_id)
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
        args=[delivery_id],
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


def _attempt(delivery: WebhookDelivery) -> tuple[int | None, str, bool, float | None]:
    """Send once: (status or None, error text, permanent?, Retry-After seconds)."""
    partner = delivery.partner
    if not partner.is_active:
        return None, "partner is inactive", True, None
    if not partner.webhook_secret:
        return None, "the partner has no webhook secret: set one in admin", True, None
    body = webhook_body(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"FactcheckWebhooks/1.0 (+{settings.SITE_URL})",
        "Accept-Encoding": "identity",  # a readable excerpt of an error response
        "X-Webhook-Event": delivery.event,
        "X-Delivery-Id": str(delivery.delivery_id),
        "X-Webhook-Attempt": str(delivery.attempts),
        "X-Webhook-Timestamp": str(int(time.time())),
        "X-Signature": webhook_signature(secret=partner.webhook_secret, body=body),
    }
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        return _post(url=delivery.url, body=body, headers=headers)
    except WebhookRefused as exc:
        return None, str(exc), True, None
    except WebhookLookupFailed as exc:
        return None, str(exc), False, None
    except httpx.TimeoutException as exc:
        return None, f"timed out after {timeout:g} s ({type(exc).__name__})", False, None
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}", False, None
    except Exception as exc:
        # Anything else (the soft time limit included) is recorded as a failed attempt.
        logger.exception("Webhook delivery %s: unexpected error", delivery.delivery_id)
        return None, f"{type(exc).__name__}: {exc}", False, None


def webhook_target_resolve(*, url: str) -> tuple[httpx.URL, list[IPAddress]]:
    """The parsed URL and every address its host resolves to, each one checked."""
    parsed = _url_parse(url)
    host = parsed.raw_host.decode("ascii")
    literal = _literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise WebhookLookupFailed(f"DNS lookup of {host} failed: {exc}") from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
        if not addresses:
            raise WebhookLookupFailed(f"DNS lookup of {host} found no address")
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        # Every address, not just the first: the connection may use any of them.
        for address in addresses:
            if not (reason := address_refusal(address)):
                continue
            if literal is not None:
                raise WebhookRefused(f"refused: {address} is {reason}")
            raise WebhookRefused(f"refused: {host} resolves to {address}, {reason}")
    return parsed, addresses


def _post(
    *, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str, bool, float | None]:
    parsed, addresses = webhook_target_resolve(url=url)
    host = parsed.raw_host.decode("ascii")
    # Connect to the address just checked, never to the name (which could resolve
    # elsewhere by now): the URL carries the IP, the Host header the original name, and
    # TLS sends the name as SNI and checks the certificate against it.
    headers = {**headers, "Host": parsed.netloc.decode("ascii")}
    extensions = {}
    if parsed.scheme == "https" and _literal_address(host) is None:
        extensions["sni_hostname"] = host
    # trust_env=False: an HTTP(S)_PROXY from the environment would resolve the name itself.
    with httpx.Client(
        timeout=httpx.Timeout(settings.WEBHOOK_TIMEOUT_SECONDS),
        follow_redirects=False,
        trust_env=False,
        verify=TLS_VERIFY,
    ) as client:
        for index, address in enumerate(addresses[:MAX_ADDRESSES_TRIED]):
            try:
                with client.stream(
                    "POST",
                    parsed.copy_with(host=str(address)),
                    content=body,
                    headers=headers,
                    extensions=extensions,
                ) as response:
                    return _response_outcome(response)
            except httpx.ConnectError:
                # Another checked address may work (an IPv6 route missing, say).
                if index + 1 >= min(len(addresses), MAX_ADDRESSES_TRIED):
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def _response_outcome(response: httpx.Response) -> tuple[int, str, bool, float | None]:
    status = response.status_code
    if 200 <= status < 300:
        return status, "", False, None
    excerpt = _excerpt(response)
    error = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        return status, f"HTTP {status}: redirects are not followed (to {location!r})", True, None
    if 400 <= status < 500 and status not in RETRYABLE_STATUSES:
        return status, error, True, None
    return status, error, False, _retry_after(response.headers.get("retry-after"))


def _excerpt(response: httpx.Response) -> str:
    # Read a little of an error response for the admin; never the whole (unbounded) body.
    data = b""
    try:
        for chunk in response.iter_raw():
            data += chunk
            if len(data) >= RESPONSE_EXCERPT_BYTES:
                break
    except httpx.HTTPError:
        pass
    return " ".join(data[:RESPONSE_EXCERPT_BYTES].decode("utf-8", "replace").split())


def _retry_after(value: str | None) -> float | None:
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
