"""The ClaimReview's claimant in the OpenAPI schema: a valid component, Person or
Organization."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_schema_component_has_a_valid_name_and_the_claimant_type_is_an_enum(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for kind, components in schema["components"].items():
        for name in components:  # OpenAPI 3: ^[a-zA-Z0-9.\-_]+$
            assert re.fullmatch(r"[A-Za-z0-9._-]+", name), (kind, name)
    assert schema["components"]["schemas"]["ClaimantTypeEnum"]["enum"] == [
        "Person",
        "Organization",
    ]
    claim = schema["components"]["schemas"]["Claim"]["properties"]
    assert claim["author"]["allOf"] == [{"$ref": "#/components/schemas/Claimant"}]
