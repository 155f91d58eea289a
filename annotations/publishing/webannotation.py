"""A published verdict as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/),
so partners can anchor it on their own copy of the article with any annotation client.

It is built, not stored: everything it says comes from what is already frozen — the
stored ClaimReview document (rating, explanation, dates, publisher, the article's URL as
published) and the approved sentence's offsets into the body of the revision it was
approved on (PublishedVerdict's article, start and end; a body is never rewritten: see
docs/ARCHITECTURE.md, "Offsets are the contract"). So it changes when the ClaimReview
does: on publication, correction and withdrawal; and its position when a new revision of
the article carries the sentence over word for word.

A withdrawn verdict is an annotation without a body (the model allows one): its target
stays, so a client can find the annotation it anchored and take it down.

Offsets and selector positions count Unicode code points, as everywhere in the API.
"""

from typing import Any

from django.urls import reverse

from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import (
    Site,
    _iso,
    claimreview_or_tombstone,
    site_current,
    verdict_url,
)

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PROFILE = CONTEXT
MEDIA_TYPE = f'application/ld+json; profile="{PROFILE}"'
# Enough context for a client to pick the right occurrence of a short, repeated sentence.
CONTEXT_CHARS = 32


def annotation_url(published: PublishedVerdict, *, site: Site) -> str:
    return site.url + reverse("api_claimreview_annotation", args=[published.pk])


def text_quote_selector(*, body: str, start: int, end: int) -> dict[str, str]:
    """``body[start:end]`` with up to CONTEXT_CHARS either side; no prefix at the very
    start of the article, no suffix at its end."""
    selector = {"type": "TextQuoteSelector", "exact": body[start:end]}
    if start > 0:
        selector["prefix"] = body[max(0, start - CONTEXT_CHARS) : start]
    if end < len(body):
        selector["suffix"] = body[end : end + CONTEXT_CHARS]
    return selector


def web_annotation_build(
    *, published: PublishedVerdict, site: Site | None = None
) -> dict[str, Any]:
    """The Web Annotation of ``published`` (or of its withdrawal). ``published`` must come
    with ``select_related("article")``; no query is made here. The target is the approved
    sentence, on the revision it was approved on."""
    site = site or site_current()
    article = published.article
    document = claimreview_or_tombstone(published)
    appearance = document.get("itemReviewed", {}).get("appearance", {})
    # The article's URL as the ClaimReview published it; without one (or in a tombstone,
    # which has none), the article's own record in this API, which carries the text.
    source = (
        appearance.get("url")
        or article.source_url
        or site.url + reverse("api_article", args=[article.pk])
    )
    annotation: dict[str, Any] = {
        "@context": CONTEXT,
        "id": annotation_url(published, site=site),
        "type": "Annotation",
        "motivation": "assessing",
        "created": _iso(published.first_published_at),
        "modified": document.get("dateModified") or _iso(published.modified_at),
    }
    author = document.get("author")
    if author:
        annotation["creator"] = {
            "type": "Organization",
            "name": author["name"],
            "homepage": author["url"],
        }
    if not document["withdrawn"]:
        rating = document["reviewRating"]["alternateName"]
        annotation["body"] = [
            {
                "type": "TextualBody",
                "value": f"{rating}: {document['reviewBody']}",
                "format": "text/plain",
                "purpose": "assessing",
            },
            {
                "type": "SpecificResource",
                "source": document.get("url") or verdict_url(published, site=site),
                "purpose": "describing",
            },
        ]
    annotation["target"] = {
        "source": source,
        "selector": [
            text_quote_selector(body=article.body, start=published.start, end=published.end),
            {"type": "TextPositionSelector", "start": published.start, "end": published.end},
        ],
    }
    return annotation
