"""schema.org ClaimReview for a published verdict: the one place its shape is defined, used
by the API, the bulk export and webhooks alike.

Rating scale (documented in the API docs): the five truth steps carry a number, with
``bestRating`` 5 and ``worstRating`` 1 — True 5, Mostly true 4, Half true 3, Mostly false 2,
False 1. Misleading and Unverifiable are not points on that scale: their ``reviewRating``
has ``alternateName`` only, no ``ratingValue``, as Google's fact-check guidance allows.
"""

from datetime import UTC
from typing import Any

from django.conf import settings
from django.urls import reverse

from annotations.models import PublishedVerdict, Verdict

Rating = Verdict.Rating
RATING_VALUES: dict[str, int] = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.HALF_TRUE: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
}
RATING_NAMES = dict(Rating.choices)


def verdict_url(published: PublishedVerdict) -> str:
    return settings.SITE_URL + reverse("verdict_public", args=[published.pk])


def _iso(value) -> str | None:
    """UTC with microseconds always written, so every builder (this one, and the SQL of
    the bulk export) gives the same text for the same instant."""
    if not value:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def review_rating(rating: str) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Rating", "alternateName": RATING_NAMES[rating]}
    if rating in RATING_VALUES:
        data.update(ratingValue=RATING_VALUES[rating], bestRating=5, worstRating=1)
    return data


def claimreview_build(published: PublishedVerdict) -> dict[str, Any]:
    """The ClaimReview JSON-LD object. ``published`` must come with
    ``select_related("statement__article")`` (no query is made here)."""
    statement = published.statement
    article = statement.article
    appearance: dict[str, Any] = {"@type": "NewsArticle", "headline": article.title}
    if article.source_url:
        appearance["url"] = article.source_url
    if article.published_on:
        appearance["datePublished"] = article.published_on.isoformat()
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if statement.speaker:
        claim["author"] = {"@type": "Person", "name": statement.speaker}
    if article.published_on:
        claim["datePublished"] = article.published_on.isoformat()

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "id": published.pk,
        "url": verdict_url(published),
        "claimReviewed": statement.text,
        "datePublished": _iso(published.first_published_at),
        "dateModified": _iso(published.modified_at),
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORG_NAME,
            "url": settings.FACTCHECK_ORG_URL,
        },
        "reviewRating": review_rating(published.rating),
        "reviewBody": published.explanation,
        "itemReviewed": claim,
        "citation": [
            {
                "@type": "CreativeWork",
                "url": s["url"],
                **({"name": s["title"]} if s.get("title") else {}),
                **(
                    {"publisher": {"@type": "Organization", "name": s["publisher"]}}
                    if s.get("publisher")
                    else {}
                ),
            }
            for s in published.sources
        ],
        "withdrawn": False,
    }
    if published.corrected_at:
        data["correction"] = {
            "@type": "CorrectionComment",
            "datePublished": _iso(published.corrected_at),
            "text": f"This verdict was corrected ({published.correction_count}).",
        }
    return data


def claimreview_tombstone(published: PublishedVerdict) -> dict[str, Any]:
    """What a withdrawn verdict becomes: enough for a partner to take it down."""
    return {
        "id": published.pk,
        "withdrawn": True,
        "withdrawnAt": _iso(published.withdrawn_at),
        "dateModified": _iso(published.modified_at),
        "url": verdict_url(published),
    }


def claimreview_document(published: PublishedVerdict) -> dict[str, Any]:
    """Build the document to store on the row (see PublishedVerdict.document)."""
    if published.is_withdrawn:
        return claimreview_tombstone(published)
    return claimreview_build(published)


def claimreview_or_tombstone(published: PublishedVerdict) -> dict[str, Any]:
    """What partners get for this verdict: the document frozen at its last publication
    event (built now only for a row that predates stored documents)."""
    return published.document or claimreview_document(published)
