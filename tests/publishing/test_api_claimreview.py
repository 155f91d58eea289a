"""The ClaimReview shape is defined once, by annotations.publishing.claimreview: the API's
serializers (which only describe it for the OpenAPI schema), the schema's example and the
CSV columns must all follow the builder."""

from datetime import UTC, date, datetime

import pytest
from rest_framework import serializers

from annotations.models import Verdict
from annotations.partners.api import serializers as s
from annotations.partners.api.views import CLAIMREVIEW_EXAMPLE
from annotations.publishing.claimreview import (
    CSV_COLUMNS,
    EXAMPLE_SITE,
    claimreview_build,
    claimreview_csv_row,
    claimreview_example,
    claimreview_example_published,
    claimreview_tombstone,
)

WHEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def full_published():
    """The example verdict with every optional property the builder can write."""
    published = claimreview_example_published()
    article = published.statement.article
    article.source_url, article.publisher = "https://news.example.org/a", "Daily"
    article.published_on = date(2026, 11, 19)
    published.speaker = "Jane Minister"
    published.sources = [
        {"url": "https://ec.europa.eu/", "title": "Assets", "publisher": "The Commission"}
    ]
    published.corrected_at, published.correction_count = WHEN, 1
    return published


def field_names(serializer: serializers.Serializer) -> set[str]:
    return set(serializer.get_fields())


def keys_seen(serializer: serializers.Serializer, data: dict, seen: dict) -> dict:
    """Per serializer class, the keys ``data`` has where that serializer describes it;
    fails on a key no serializer declares."""
    fields = serializer.get_fields()
    assert set(data) <= set(fields), type(serializer).__name__
    seen.setdefault(type(serializer), set()).update(data)
    for name, field in fields.items():
        if name not in data:
            continue
        if isinstance(field, serializers.ListSerializer):
            for item in data[name]:
                keys_seen(field.child, item, seen)
        elif isinstance(field, serializers.Serializer):
            keys_seen(field, data[name], seen)
    return seen


def assert_required_present(serializer: serializers.Serializer, data: dict) -> None:
    fields = serializer.get_fields()
    assert {n for n, f in fields.items() if f.required} <= set(data)
    for name, field in fields.items():
        if name not in data:
            continue
        if isinstance(field, serializers.ListSerializer):
            for item in data[name]:
                assert_required_present(field.child, item)
        elif isinstance(field, serializers.Serializer):
            assert_required_present(field, data[name])


def test_the_claimreview_serializers_describe_exactly_what_the_builder_writes():
    # Each serializer (Organization serves the author and publishers alike) declares
    # exactly the keys the builder writes wherever it is used.
    seen = keys_seen(s.ClaimReviewSerializer(), claimreview_build(full_published()), {})
    assert {cls: field_names(cls()) for cls in seen} == seen
    assert len(seen) == 8  # ClaimReview and the seven objects nested in it


@pytest.mark.parametrize("rating", Verdict.Rating.values)
def test_what_the_serializers_call_required_is_always_written(rating):
    published = claimreview_example_published()
    published.sources, published.rating = [], rating
    assert_required_present(s.ClaimReviewSerializer(), claimreview_build(published))


def test_the_tombstone_serializer_describes_the_tombstone():
    published = claimreview_example_published()
    published.withdrawn_at = WHEN
    assert field_names(s.TombstoneSerializer()) == set(claimreview_tombstone(published))


def test_the_schema_example_is_the_builders_output(client):
    example = claimreview_example()
    assert CLAIMREVIEW_EXAMPLE.value == example
    assert example["url"] == "https://factcheck.example.org/verdicts/7/"
    assert example["author"]["name"] == "Fact-check desk"
    schema = client.get("/api/schema/", {"format": "json"}).json()
    detail = schema["paths"]["/api/v1/claimreviews/{id}/"]["get"]
    examples = detail["responses"]["200"]["content"]["application/json"]["examples"]
    assert [e["value"] for e in examples.values()] == [example]


def test_the_csv_flattens_a_claimreview_and_a_tombstone_under_its_columns():
    document = claimreview_build(full_published(), site=EXAMPLE_SITE)
    row = dict(zip(CSV_COLUMNS, claimreview_csv_row(document=document), strict=True))
    assert row == {
        "id": 7,
        "url": "https://factcheck.example.org/verdicts/7/",
        "claimReviewed": "The EU holds €210 billion of Russia's central bank assets.",
        "verdict": "Mostly true",
        "ratingValue": 4,
        "datePublished": "2026-11-20T09:12:00.000000+00:00",
        "dateModified": "2026-11-20T09:12:00.000000+00:00",
        "withdrawn": "false",
        "withdrawnAt": "",
        "speaker": "Jane Minister",
        "articleUrl": "https://news.example.org/a",
        "articleHeadline": "Coalition of the Willing meets",
        "reviewBody": "The Commission's figure is €210 billion; most is held in Belgium.",
        "sources": "https://ec.europa.eu/",
    }
    published = claimreview_example_published()
    published.withdrawn_at = WHEN
    tombstone = claimreview_tombstone(published, site=EXAMPLE_SITE)
    assert claimreview_csv_row(document=tombstone) == [
        7, "https://factcheck.example.org/verdicts/7/", "", "", "", "",
        tombstone["dateModified"], "true", "2026-12-01T08:00:00.000000+00:00",
        "", "", "", "", "",
    ]  # fmt: skip
