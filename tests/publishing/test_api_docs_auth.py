"""The API documentation offers partners their token first: Swagger UI's Authorize dialog
lists the schemes in the schema's order, the session cookie after the partner token."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_partner_token_is_the_first_security_scheme_and_the_first_on_every_operation(
    client,
):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    schemes = schema["components"]["securitySchemes"]
    assert list(schemes) == ["partnerToken", "sessionCookie"]
    assert schemes["partnerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A partner token from `manage.py partner_token NAME`.",
    }
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert "partners use the token" in schemes["sessionCookie"]["description"]
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert operation["security"][0] == {"partnerToken": []}


def test_the_yaml_schema_lists_the_partner_token_first_too(client):
    text = client.get("/api/schema/").content.decode()
    assert text.index("    partnerToken:") < text.index("    sessionCookie:")
