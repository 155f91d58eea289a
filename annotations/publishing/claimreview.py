"""schema.org ClaimReview for a published verdict: the one place its shape is defined, used
by the API, the bulk export and webhooks alike. The CSV export's columns (a flattening of
the same document) and the API schema's example are derived here too, so neither can
drift from the builder; tests check the API serializers that describe it against it.

Rating scale (documented in the API docs): the five truth steps carry a number, with
``bestRating`` 5 and ``worstRating`` 1 — True 5, Mostly true 4, Half true 3, Mostly false 2,
False 1. Misleading and Unverifiable are not points on that scale: their ``reviewRating``
has ``alternateName`` only, no ``ratingValue``, as Google's fact-check guidance allows.

The claimant (``itemReviewed.author``) is a Person or an Organization: see
``nlp.statements.claimant_type``. The public verdict page embeds the same document as
JSON-LD (``claimreview_jsonld``).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from annotations.models import Article, PublishedVerdict, SpeakerType, Statement, Verdict

# The CSV form of a document is derived and stored with it (PublishedVerdict.document_csv).
from annotations.models.publishing import CSV_COLUMNS, claimreview_csv_row  # noqa: F401
from annotations.nlp.statements import claimant_type

Rating = Verdict.Rating
RATING_VALUES: dict[str, int] = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.HALF_TRUE: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
}
RATING_NAMES = dict(Rating.choices)


@dataclass(frozen=True)
class Site:
    """Who publishes: the public root the verdict URLs hang from, and the author."""

    url: str
    org_name: str
    org_url: str


def site_current() -> Site:
    return Site(
        url=settings.SITE_URL,
        org_name=settings.FACTCHECK_ORG_NAME,
        org_url=settings.FACTCHECK_ORG_URL,
    )


def verdict_url(published: PublishedVerdict, *, site: Site | None = None) -> str:
    return (site or site_current()).url + reverse("verdict_public", args=[published.pk])


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


def claimreview_build(
    published: PublishedVerdict,
    *,
    site: Site | None = None,
    claimant_labels: Collection[str] = (),
) -> dict[str, Any]:
    """The ClaimReview JSON-LD object. ``published`` must come with
    ``select_related("article")`` (no query is made here). ``claimReviewed`` is the
    approved claim summary, else the approved sentence; the claimant is the approved speaker
    with the type chosen for it. ``claimant_labels`` are the labels of the tagged
    entities named like the speaker, for a speaker without a type (see
    ``claimant_type``)."""
    site = site or site_current()
    article = published.article  # the revision the verdict was approved on
    appearance: dict[str, Any] = {"@type": "NewsArticle", "headline": article.title}
    if article.source_url:
        appearance["url"] = article.source_url
    if article.published_on:
        appearance["datePublished"] = article.published_on.isoformat()
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if published.speaker:
        claim["author"] = {
            # Approved with the verdict; a verdict from before types were chosen has none.
            "@type": published.speaker_type
            or claimant_type(speaker=published.speaker, labels=claimant_labels),
            "name": published.speaker,
        }
    if article.published_on:
        claim["datePublished"] = article.published_on.isoformat()

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "id": published.pk,
        "url": verdict_url(published, site=site),
        # The reviewer's summary when there is one; the sentence is kept in the article.
        "claimReviewed": published.claim_summary or published.quote,
        "datePublished": _iso(published.first_published_at),
        "dateModified": _iso(published.modified_at),
        "author": {
            "@type": "Organization",
            "name": site.org_name,
            "url": site.org_url,
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


def claimreview_tombstone(
    published: PublishedVerdict, *, site: Site | None = None
) -> dict[str, Any]:
    """What a withdrawn verdict becomes: enough for a partner to take it down."""
    return {
        "id": published.pk,
        "withdrawn": True,
        "withdrawnAt": _iso(published.withdrawn_at),
        "dateModified": _iso(published.modified_at),
        "url": verdict_url(published, site=site),
    }


def claimreview_document(
    published: PublishedVerdict, *, claimant_labels: Collection[str] = ()
) -> dict[str, Any]:
    """Build the document to store on the row (see PublishedVerdict.document)."""
    if published.is_withdrawn:
        return claimreview_tombstone(published)
    return claimreview_build(published, claimant_labels=claimant_labels)


def claimreview_or_tombstone(published: PublishedVerdict) -> dict[str, Any]:
    """What partners get for this verdict: the document frozen at its last publication
    event (built now only for a row that predates stored documents; without a query, so
    its claimant's type comes from the name rule alone)."""
    return published.document or claimreview_document(published)


# Keys of the partners' document that are not schema.org terms: the API's own id (which
# schema.org's JSON-LD context would even read as "@id") and the withdrawn flag.
API_ONLY_KEYS = frozenset({"id", "withdrawn"})


def claimreview_jsonld(document: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON-LD the public verdict page embeds: the stored ClaimReview partners get,
    less API_ONLY_KEYS; None for a tombstone (a withdrawn verdict is no ClaimReview)."""
    if document.get("withdrawn", True) or document.get("@type") != "ClaimReview":
        return None
    return {key: value for key, value in document.items() if key not in API_ONLY_KEYS}


# --- The API schema's example ----------------------------------------------------------

EXAMPLE_SITE = Site(
    url="https://factcheck.example.org",
    org_name="Fact-check desk",
    org_url="https://factcheck.example.org/",
)


def claimreview_example_published() -> PublishedVerdict:
    """An unsaved published verdict, the API documentation's example."""
    when = datetime(2026, 11, 20, 9, 12, tzinfo=UTC)
    article = Article(title="Coalition of the Willing meets")
    quote = "The EU holds €210 billion in immobilised Russian assets."
    return PublishedVerdict(
        pk=7,
        statement=Statement(article=article, text=quote),
        article=article,
        quote=quote,
        claim_summary="The EU holds €210 billion of Russia's central bank assets.",
        speaker="European Commission",
        speaker_type=SpeakerType.ORGANIZATION,
        rating=Rating.MOSTLY_TRUE,
        explanation="The Commission's figure is €210 billion; most is held in Belgium.",
        sources=[{"url": "https://ec.europa.eu/"}],
        first_published_at=when,
        published_at=when,
        modified_at=when,
    )


def claimreview_example() -> dict[str, Any]:
    """The ClaimReview of the example verdict, as the API would serve it (call it once
    URLs can be reversed: not while the URLconf is being imported)."""
    return claimreview_build(claimreview_example_published(), site=EXAMPLE_SITE)
