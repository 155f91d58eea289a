"""Articles from web pages: fetch a URL behind the SSRF guard, extract the article.

Fetching (`page_fetch`) is bounded in time (INGEST_URL_TIMEOUT_SECONDS for the whole
fetch, redirects included) and size (INGEST_URL_MAX_BYTES, counted while streaming), takes
only HTML, and follows at most MAX_REDIRECTS redirects by hand so that every hop goes
through the guard again. Extraction (`page_extract`) is trafilatura on the bytes already
fetched: it never goes to the network itself.
"""

from __future__ import annotations

import hashlib
import ssl
import time
from dataclasses import dataclass
from datetime import date, datetime

import httpx
import trafilatura
from django.conf import settings
from django.utils import timezone

from annotations.core.errors import InvalidInput
from annotations.core.outbound import (
    OutboundAddressRefused,
    OutboundLookupFailed,
    OutboundRefused,
    outbound_client,
    outbound_stream,
)

MAX_REDIRECTS = 5
URL_MAX_CHARS = 2000  # Article.source_url, ArchivedSource.final_url
HTML_TYPES = ("text/html", "application/xhtml+xml")
# https certificates are checked with certifi's CA bundle; tests may swap in their own.
TLS_VERIFY: ssl.SSLContext | bool = True
USER_AGENT = "factcheck-workbench/1 (article intake)"
TITLE_MAX_CHARS = 300
PUBLISHER_MAX_CHARS = 200


class PageError(InvalidInput):
    """A page that cannot become an article; the message is shown beside ``field``."""


@dataclass(frozen=True)
class FetchedPage:
    """A page as received: the bytes exactly, from where, and when (None: uploaded)."""

    content: bytes
    final_url: str
    content_type: str
    fetched_at: datetime | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class ExtractedPage:
    title: str
    text: str
    publisher: str
    published_on: date | None


def page_fetch(*, url: str) -> FetchedPage:
    """GET an HTML page; PageError (field "url") says why it could not be had."""
    timeout = settings.INGEST_URL_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    current = url
    try:
        with outbound_client(timeout=timeout, verify=TLS_VERIFY) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if len(current) > URL_MAX_CHARS:
                    raise _url_error(f"the address is longer than {URL_MAX_CHARS} characters")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("deadline passed")
                with outbound_stream(
                    client=client,
                    method="GET",
                    url=current,
                    allow_private=settings.INGEST_URL_ALLOW_PRIVATE,
                    headers={"Accept": ", ".join(HTML_TYPES), "User-Agent": USER_AGENT},
                ) as response:
                    if response.is_redirect:
                        current = _redirect_target(current=current, response=response)
                        continue
                    return _page_read(url=current, response=response, deadline=deadline)
    except OutboundRefused as exc:
        # The message goes beside the address the user gave: name another one only if a
        # redirect led there.
        where = "the address" if current == url else f"the redirect to {current}"
        why = (
            "; only public addresses are fetched" if isinstance(exc, OutboundAddressRefused) else ""
        )
        raise _url_error(f"{where} was {exc}{why}") from None
    except OutboundLookupFailed as exc:
        raise _url_error(str(exc)) from None
    except httpx.TimeoutException:
        raise _url_error(f"the page did not answer within {timeout:g} seconds") from None
    except httpx.HTTPError as exc:
        raise _url_error(f"the page could not be fetched ({type(exc).__name__}: {exc})") from None
    raise _url_error(f"the page redirects more than {MAX_REDIRECTS} times")


def _url_error(message: str) -> PageError:
    return PageError(message, field="url")


def _redirect_target(*, current: str, response: httpx.Response) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise _url_error(f"the page answered HTTP {response.status_code} without a Location")
    # Relative to the URL as asked for (its host name), not the address we connected to.
    return str(httpx.URL(current).join(location))


def _page_read(*, url: str, response: httpx.Response, deadline: float) -> FetchedPage:
    if response.status_code != 200:
        raise _url_error(f"the page answered HTTP {response.status_code}, not 200")
    content_type = response.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        shown = content_type.split(";")[0].strip() or "no content type"
        raise _url_error(f"the page is {shown}, not HTML")
    limit = settings.INGEST_URL_MAX_BYTES
    too_large = f"the page is larger than {limit / (1024 * 1024):g} MB"
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _url_error(too_large)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _url_error(too_large)
        # The read timeout bounds each wait; this bounds a page sent a byte at a time.
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("deadline passed")
        chunks.append(chunk)
    return FetchedPage(
        content=b"".join(chunks),
        final_url=url,
        content_type=content_type[:200],
        fetched_at=timezone.now(),
    )


def page_uploaded(*, content: bytes, source_url: str = "") -> FetchedPage:
    """A saved HTML page, as if fetched from ``source_url`` (not fetched: no time)."""
    limit = settings.INGEST_URL_MAX_BYTES
    if len(content) > limit:
        raise PageError(f"the file is larger than {limit / (1024 * 1024):g} MB", field="html")
    return FetchedPage(
        content=content, final_url=source_url, content_type="text/html", fetched_at=None
    )


def page_extract(*, html: bytes, url: str = "", field: str = "url") -> ExtractedPage:
    """The article in a page: main text without navigation, footers and banners, and its
    title, site name and date from the page's metadata. PageError when there is no text."""
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    text = (getattr(document, "text", None) or "").strip()
    if document is None or not text:
        raise PageError("no article text could be found in this page", field=field)
    return ExtractedPage(
        title=_cut(getattr(document, "title", None), TITLE_MAX_CHARS),
        text=text,
        publisher=_cut(getattr(document, "sitename", None), PUBLISHER_MAX_CHARS),
        published_on=_date_parse(getattr(document, "date", None)),
    )


def _cut(value: str | None, limit: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _date_parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
