"""Sending one webhook attempt over HTTP, behind the SSRF guard (no database).

SSRF guard: the host is resolved here (getaddrinfo), every address it resolves to must be
public (unless WEBHOOK_ALLOW_PRIVATE), and the connection goes to that checked address
(the URL's host replaced by the IP, with the original Host header and TLS SNI /
certificate name), so the name is never looked up a second time: a DNS rebind between
check and connect cannot redirect the request. Proxies from the environment are ignored.

The admin's URL validation lives here too: it applies the same URL and address rules,
without resolving names (that happens on every delivery).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
from typing import NamedTuple

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError

from annotations.partners.webhooks.protocol import retry_after_parse, webhook_status_retryable

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_ADDRESSES_TRIED = 4
RESPONSE_EXCERPT_BYTES = 200
# https certificates are checked against the URL's host name (certifi's CA bundle); an
# ssl.SSLContext here replaces it (the tests trust their own certificate authority).
TLS_VERIFY: ssl.SSLContext | bool = True

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class WebhookRefused(Exception):
    """A delivery that can never succeed as addressed (permanent failure)."""


class WebhookLookupFailed(Exception):
    """The host name did not resolve (transient: DNS can recover)."""


class Outcome(NamedTuple):
    """What one attempt came to, as recorded on the delivery."""

    status: int | None
    error: str
    permanent: bool
    retry_after: float | None = None


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


def webhook_send(*, url: str, body: bytes, headers: dict[str, str], what: str) -> Outcome:
    """POST once and say how it went; never raises (``what`` names it in the log)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        return _post(url=url, body=body, headers=headers)
    except WebhookRefused as exc:
        return Outcome(None, str(exc), True)
    except WebhookLookupFailed as exc:
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
