"""The OpenAPI schema validates, and fuzzing the API from it (schemathesis) finds no server
error and no response that breaks the schema."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from annotations.models import Partner
from annotations.services.partners import partner_token_create
from tests.test_api import publish

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_valid(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    validate(response.json())


@pytest.fixture
def api_schema(db, settings):
    settings.API_SYNC_LAG_SECONDS = 0
    # The real WSGI handler closes the database connection after each request, which would
    # end the test's transaction; Django's own test client unhooks this the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def partner_headers(db):
    cache.clear()  # throttle counters
    token = partner_token_create(name="Fuzzer")
    Partner.objects.filter(pk=token.partner.pk).update(can_ingest=True, rate_per_minute=100_000)
    for rating in ("true", "misleading", "false"):
        publish(rating=rating)
    return {"Authorization": f"Bearer {token.secret}"}


def test_the_api_answers_every_generated_request_without_5xx_and_within_its_schema(
    api_schema, partner_headers
):
    # Driven with Hypothesis directly: schemathesis' pytest plugin does not load under
    # pytest 9 yet. Each operation gets its own generated cases.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    statuses: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            response = case.call_and_validate(
                headers=partner_headers, checks=[not_a_server_error, response_schema_conformance]
            )
            statuses.append(response.status_code)

        check()
    # The run really exercised the API, and mostly got past validation into real answers.
    assert len(statuses) > 10 * len(operations)
    assert statuses.count(200) > len(statuses) / 4
