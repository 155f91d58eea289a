"""Sending one webhook attempt over HTTP, behind the SSRF guard of core.outbound (no
database): private addresses are refused unless WEBHOOK_ALLOW_PRIVATE.

The admin's URL validation lives here too: it applies the same URL and address rules,
without resolving names (that happens on every delivery).
"""

from __future__ import annotations

import logging
import ssl
from typing import NamedTuple

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError

from annotations.core.outbound import (
    IPAddress,
    OutboundLookupFailed,
    OutboundRefused,
    address_refusal,
    literal_address,
    outbound_client,
    outbound_stream,
    outbound_target_resolve,
    outbound_url_parse,
)
from annotations.partners.webhooks.protocol import retry_after_parse, webhook_status_retryable

logger = logging.getLogger(__name__)

RESPONSE_EXCERPT_BYTES = 200
# https certificates are checked against the URL's host name (certifi's CA bundle); an
# ssl.SSLContext here replaces it (the tests trust their own certificate authority).
TLS_VERIFY: ssl.SSLContext | bool = True


class WebhookRefused(OutboundRefused):
    """A delivery that can never succeed as addressed (permanent failure)."""


class WebhookLookupFailed(OutboundLookupFailed):
    """The host name did not resolve (transient: DNS can recover)."""


class Outcome(NamedTuple):
    """What one attempt came to, as recorded on the delivery."""

    status: int | None
    error: str
    permanent: bool
    retry_after: float | None = None


def _url_parse(url: str) -> httpx.URL:
    try:
        return outbound_url_parse(url=url)
    except OutboundRefused as exc:
        raise WebhookRefused(str(exc)) from exc


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
    address = literal_address(host)
    reason = address_refusal(address) if address is not None else None
    if host == "localhost" or host.endswith(".localhost"):
        reason = "a loopback address"
    if reason:
        raise ValidationError(f"{host} is {reason}: webhooks only go to public addresses.")


def webhook_target_resolve(*, url: str) -> tuple[httpx.URL, list[IPAddress]]:
    """The parsed URL and every address its host resolves to, each one checked."""
    try:
        return outbound_target_resolve(url=url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
    except OutboundRefused as exc:
        raise WebhookRefused(str(exc)) from exc
    except OutboundLookupFailed as exc:
        raise WebhookLookupFailed(str(exc)) from exc


def webhook_send(*, url: str, body: bytes, headers: dict[str, str], what: str) -> Outcome:
    """POST once and say how it went; never raises (``what`` names it in the log)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        return _post(url=url, body=body, headers=headers)
    except OutboundRefused as exc:  # WebhookRefused too
        return Outcome(None, str(exc), True)
    except OutboundLookupFailed as exc:
        return Outcome(None, str(exc), False)
    except httpx.TimeoutException as exc:
        return Outcome(None, f"timed out after {timeout:g} s ({type(exc).__name__})", False)
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}", False)
    except Exception as exc:
        # Anything else (the soft time limit included) is recorded as a failed attempt.
        logger.exception("Webhook delivery %s: unexpected error", what)
        return Outcome(None, f"{type(exc).__name__}: {exc}", False)


def _post(*, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    with (
        outbound_client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS, verify=TLS_VERIFY) as client,
        outbound_stream(
            client=client,
            method="POST",
            url=url,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
            headers=headers,
            content=body,
        ) as response,
    ):
        return _response_outcome(response)


def _response_outcome(response: httpx.Response) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(status, "", False)
    excerpt = _excerpt(response)
    error = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        return Outcome(status, f"HTTP {status}: redirects are not followed (to {location!r})", True)
    if not webhook_status_retryable(status=status):
        return Outcome(status, error, True)
    return Outcome(
        status, error, False, retry_after_parse(value=response.headers.get("retry-after"))
    )


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
