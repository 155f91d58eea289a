"""Outbound HTTP behind the SSRF guard (no database), shared by webhooks and URL intake.

The host is resolved here (getaddrinfo), every address it resolves to must be public
(unless the caller allows private ones), and the connection goes to that checked address
(the URL's host replaced by the IP, with the original Host header and TLS SNI /
certificate name), so the name is never looked up a second time: a DNS rebind between
check and connect cannot redirect the request. Proxies from the environment are ignored.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_ADDRESSES_TRIED = 4

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundRefused(Exception):
    """A request that can never succeed as addressed (bad URL, non-public address)."""


class OutboundAddressRefused(OutboundRefused):
    """Refused for where it goes: a private, loopback or reserved address."""


class OutboundLookupFailed(Exception):
    """The host name did not resolve (transient: DNS can recover)."""


def address_refusal(address: IPAddress) -> str | None:
    """Why requests may not go to ``address`` ("a private address"), or None if public."""
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


def outbound_url_parse(*, url: str) -> httpx.URL:
    """The URL if it is one we would ever request; OutboundRefused otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise OutboundRefused(f"refused: not a valid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        raise OutboundRefused("refused: only http and https URLs are allowed")
    if not parsed.raw_host:
        raise OutboundRefused("refused: the URL has no host")
    if parsed.userinfo:
        # Credentials in a URL end up in logs and in what we store.
        raise OutboundRefused("refused: the URL must not contain a user name or password")
    return parsed


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def outbound_target_resolve(*, url: str, allow_private: bool) -> tuple[httpx.URL, list[IPAddress]]:
    """The parsed URL and every address its host resolves to, each one checked."""
    parsed = outbound_url_parse(url=url)
    host = parsed.raw_host.decode("ascii")
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise OutboundLookupFailed(f"DNS lookup of {host} failed: {exc}") from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
        if not addresses:
            raise OutboundLookupFailed(f"DNS lookup of {host} found no address")
    if not allow_private:
        # Every address, not just the first: the connection may use any of them.
        for address in addresses:
            if not (reason := address_refusal(address)):
                continue
            if literal is not None:
                raise OutboundAddressRefused(f"refused: {address} is {reason}")
            raise OutboundAddressRefused(f"refused: {host} resolves to {address}, {reason}")
    return parsed, addresses


def outbound_client(*, timeout: float, verify: ssl.SSLContext | bool) -> httpx.Client:
    # trust_env=False: an HTTP(S)_PROXY from the environment would resolve the name itself.
    return httpx.Client(
        timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False, verify=verify
    )


@contextmanager
def outbound_stream(
    *,
    client: httpx.Client,
    method: str,
    url: str,
    allow_private: bool,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Iterator[httpx.Response]:
    """One request to a checked address of ``url``'s host, its response streamed."""
    parsed, addresses = outbound_target_resolve(url=url, allow_private=allow_private)
    host = parsed.raw_host.decode("ascii")
    # Connect to the address just checked, never to the name (which could resolve
    # elsewhere by now): the URL carries the IP, the Host header the original name, and
    # TLS sends the name as SNI and checks the certificate against it.
    headers = {**(headers or {}), "Host": parsed.netloc.decode("ascii")}
    extensions = {}
    if parsed.scheme == "https" and literal_address(host) is None:
        extensions["sni_hostname"] = host
    tried = addresses[:MAX_ADDRESSES_TRIED]
    for index, address in enumerate(tried):
        try:
            request = client.build_request(
                method,
                parsed.copy_with(host=str(address)),
                content=content,
                headers=headers,
                extensions=extensions,
            )
            response = client.send(request, stream=True)
        except httpx.ConnectError:
            # Another checked address may work (an IPv6 route missing, say).
            if index + 1 >= len(tried):
                raise
            continue
        try:
            yield response
        finally:
            response.close()
        return
