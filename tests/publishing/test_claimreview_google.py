"""The ClaimReview passes a validator written from Google's fact-check structured-data
guide: its required properties (claimReviewed, reviewRating, url, author) and its
recommended ones (itemReviewed with author, datePublished and appearance, datePublished).
The claimant is typed Person or Organization rightly."""

from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from annotations.models import PublishedVerdict, Verdict
from annotations.nlp.statements import claimant_type
from annotations.partners.tokens import partner_token_create
from annotations.publishing.claimreview import claimreview_build
from annotations.publishing.services import claimreviews_refresh
from tests.factories import (
    ArticleFactory,
    EntityFactory,
    EntityMentionFactory,
    PublishedVerdictFactory,
    StatementFactory,
)

CREATIVE_WORKS = {"CreativeWork", "Article", "NewsArticle", "Report", "WebPage", "VideoObject"}
CLAIMANTS = {"Person", "Organization"}


def _absolute_url(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


def _iso_date(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def google_claimreview_problems(doc: dict) -> tuple[list[str], list[str]]:
    """(errors, warnings): what Google calls a missing or invalid required property, and a
    missing or invalid recommended one."""
    errors, warnings = [], []
    if doc.get("@context") not in ("https://schema.org", "http://schema.org"):
        errors.append("@context")
    if doc.get("@type") != "ClaimReview":
        errors.append("@type")
    # Required.
    if not (isinstance(doc.get("claimReviewed"), str) and doc["claimReviewed"].strip()):
        errors.append("claimReviewed")
    rating = doc.get("reviewRating")
    if not isinstance(rating, dict) or rating.get("@type") != "Rating":
        errors.append("reviewRating")
    else:
        numeric = [rating.get(k) for k in ("ratingValue", "bestRating", "worstRating")]
        if all(isinstance(n, int | float) for n in numeric):
            value, best, worst = numeric
            if not worst <= value <= best:
                errors.append("reviewRating.ratingValue out of worstRating..bestRating")
        elif any(n is not None for n in numeric):
            errors.append("reviewRating: ratingValue needs bestRating and worstRating")
        elif not (isinstance(rating.get("alternateName"), str) and rating["alternateName"]):
            errors.append("reviewRating: neither a number nor alternateName")
    if not _absolute_url(doc.get("url")):
        errors.append("url")
    author = doc.get("author")
    if not (
        isinstance(author, dict)
        and author.get("@type") == "Organization"
        and author.get("name")
        and _absolute_url(author.get("url"))
    ):
        errors.append("author (Organization with name and url)")
    # Recommended.
    if not _iso_date(doc.get("datePublished")):
        warnings.append("datePublished")
    claim = doc.get("itemReviewed")
    if not isinstance(claim, dict) or claim.get("@type") != "Claim":
        warnings.append("itemReviewed")
        return errors, warnings
    claimant = claim.get("author")
    if not (
        isinstance(claimant, dict) and claimant.get("@type") in CLAIMANTS and claimant.get("name")
    ):
        warnings.append("itemReviewed.author")
    if not _iso_date(claim.get("datePublished")):
        warnings.append("itemReviewed.datePublished")
    appearances = [claim[k] for k in ("appearance", "firstAppearance") if k in claim]
    if not appearances:
        warnings.append("itemReviewed.appearance")
    for work in appearances:
        if not (isinstance(work, dict) and work.get("@type") in CREATIVE_WORKS):
            warnings.append("itemReviewed.appearance is no CreativeWork")
        elif not _absolute_url(work.get("url")):
            warnings.append("itemReviewed.appearance.url")
    return errors, warnings


def full_published(*, speaker="Jane Minister") -> PublishedVerdict:
    article = ArticleFactory(
        title="Coalition of the Willing meets",
        source_url="https://news.example.org/coalition",
        publisher="The Daily",
        published_on=date(2026, 11, 19),
    )
    return PublishedVerdictFactory(statement=StatementFactory(article=article, speaker=speaker))


@pytest.mark.django_db
def test_a_verdict_on_a_fully_described_article_has_every_required_and_recommended_property():
    published = full_published()
    assert google_claimreview_problems(published.document) == ([], [])
    appearance = published.document["itemReviewed"]["appearance"]
    assert appearance == {
        "@type": "NewsArticle",
        "headline": "Coalition of the Willing meets",
        "url": "https://news.example.org/coalition",
        "datePublished": "2026-11-19",
        "publisher": {"@type": "Organization", "name": "The Daily"},
    }
    assert published.document["itemReviewed"]["datePublished"] == "2026-11-19"
    assert published.document["url"] == f"{settings.SITE_URL}/verdicts/{published.pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize("rating", Verdict.Rating.values)
def test_every_rating_meets_the_required_properties(rating):
    published = PublishedVerdictFactory(rating=rating)
    errors, _ = google_claimreview_problems(published.document)
    assert errors == []


@pytest.mark.django_db
def test_a_bare_article_still_meets_the_required_properties_and_says_what_it_lacks():
    published = PublishedVerdictFactory()  # no speaker, source URL or date
    errors, warnings = google_claimreview_problems(published.document)
    assert errors == []
    assert warnings == [
        "itemReviewed.author",
        "itemReviewed.datePublished",
        "itemReviewed.appearance.url",
    ]


def test_the_validator_catches_what_google_would_refuse():
    good = claimreview_build(_example())
    errors, _ = google_claimreview_problems(good)
    assert errors == []
    for broken, problem in [
        ({**good, "claimReviewed": " "}, "claimReviewed"),
        ({**good, "url": "/verdicts/7/"}, "url"),
        ({**good, "author": {"@type": "Person", "name": "X"}}, "author"),
        ({**good, "reviewRating": {"@type": "Rating", "ratingValue": 9, "bestRating": 5,
                                   "worstRating": 1}}, "reviewRating"),
        ({**good, "reviewRating": {"@type": "Rating"}}, "reviewRating"),
    ]:  # fmt: skip
        errors, _ = google_claimreview_problems(broken)
        assert any(e.startswith(problem) for e in errors), (problem, errors)


def _example():
    from annotations.publishing.claimreview import claimreview_example_published

    return claimreview_example_published()


# --- Person or Organization -------------------------------------------------------------


@pytest.mark.django_db
def test_a_claimant_tagged_as_an_organisation_is_an_organization_not_a_person():
    article = ArticleFactory(
        body="Unemployment fell to 3.6% in March, Rabobank said on Friday. More follows."
    )
    EntityMentionFactory(
        article=article, phrase="Rabobank", entity=EntityFactory(label="ORG", name="Rabobank")
    )
    statement = StatementFactory(article=article, speaker="Rabobank")
    published = PublishedVerdictFactory(statement=statement)
    assert published.document["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Rabobank",
    }


@pytest.mark.django_db
def test_statistics_netherlands_is_an_organization_tagged_or_not():
    body = "Unemployment fell to 3.6% in March, Statistics Netherlands said. More follows."
    untagged = StatementFactory(article=ArticleFactory(body=body), speaker="Statistics Netherlands")
    tagged = StatementFactory(
        article=ArticleFactory(body=body + " Again."), speaker="Statistics Netherlands"
    )
    EntityMentionFactory(
        article=tagged.article,
        phrase="Statistics Netherlands",
        entity=EntityFactory(label="ORG", name="Statistics Netherlands"),
    )
    for statement in (untagged, tagged):
        document = PublishedVerdictFactory(statement=statement).document
        assert document["itemReviewed"]["author"]["@type"] == "Organization"


@pytest.mark.django_db
def test_a_person_tagged_by_surname_is_a_person_even_with_an_organisation_word_in_the_name():
    article = ArticleFactory(body="Mr Bank said that 12% of the schools had closed. More.")
    EntityMentionFactory(
        article=article, phrase="Bank", entity=EntityFactory(label="PERSON", name="Peter Bank")
    )
    statement = StatementFactory(article=article, speaker="Peter Bank")
    document = PublishedVerdictFactory(statement=statement).document
    assert document["itemReviewed"]["author"] == {"@type": "Person", "name": "Peter Bank"}


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Jane Minister", "Person"),
        ("Volodymyr Zelenskyy", "Person"),
        ("Ursula von der Leyen", "Person"),
        ("Statistics Netherlands", "Organization"),
        ("Ministry of Finance", "Organization"),
        ("European Commission", "Organization"),
        ("OECD", "Organization"),
        ("Office for National Statistics", "Organization"),
        ("Margaret Court", "Person"),  # not an organisation word: Hampton Court is a place
    ],
)
def test_without_a_tagged_entity_a_simple_rule_on_the_name_decides(speaker, expected):
    assert claimant_type(speaker=speaker) == expected


def test_tagged_entities_outvote_the_name_rule_and_a_tie_falls_back_to_it():
    assert claimant_type(speaker="Jan Group", labels=["PERSON"]) == "Person"
    assert claimant_type(speaker="Rabobank", labels=["ORG", "ORG", "PERSON"]) == "Organization"
    assert claimant_type(speaker="Statistics Netherlands", labels=["ORG", "PERSON"]) == (
        "Organization"
    )
    assert claimant_type(speaker="Kaag", labels=["GPE", "PERSON"]) == "Person"


@pytest.mark.django_db
def test_refreshing_the_documents_retypes_a_claimant_approved_without_a_type(settings):
    settings.API_SYNC_LAG_SECONDS = 0
    article = ArticleFactory(body="Prices rose 4%, said Rabobank. More follows here.")
    published = PublishedVerdictFactory(
        statement=StatementFactory(article=article, speaker="Rabobank")
    )
    assert published.document["itemReviewed"]["author"]["@type"] == "Person"  # by the rule
    # A verdict approved before reviewers chose the type: the tagging decides it.
    PublishedVerdict.objects.filter(pk=published.pk).update(speaker_type="")
    EntityMentionFactory(
        article=article, phrase="Rabobank", entity=EntityFactory(label="ORG", name="Rabobank")
    )
    assert claimreviews_refresh() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='N').secret}")
    item = client.get(f"/api/v1/claimreviews/{published.pk}/").json()
    assert item["itemReviewed"]["author"] == {"@type": "Organization", "name": "Rabobank"}


@pytest.mark.django_db
def test_a_claimant_type_approved_with_the_verdict_is_kept_when_the_tagging_changes():
    article = ArticleFactory(body="Prices rose 4%, said Rabobank. More follows here.")
    published = PublishedVerdictFactory(
        statement=StatementFactory(article=article, speaker="Rabobank")
    )
    EntityMentionFactory(
        article=article, phrase="Rabobank", entity=EntityFactory(label="ORG", name="Rabobank")
    )
    assert claimreviews_refresh() == 0
    published.refresh_from_db()
    assert published.document["itemReviewed"]["author"] == {"@type": "Person", "name": "Rabobank"}
