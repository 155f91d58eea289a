"""The OpenAPI schema validates, and the API behaves as it says: fuzzing it from the
schema (schemathesis, every check) finds nothing, in process and against gunicorn."""

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from annotations.models import Partner
from annotations.partners.tokens import partner_token_create
from tests.factories import PublishedVerdictFactory
from tests.live import Gunicorn, subprocess_database_url

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
        PublishedVerdictFactory(rating=rating)
    return {"Authorization": f"Bearer {token.secret}"}


def test_the_api_answers_every_generated_request_as_its_schema_says(api_schema, partner_headers):
    # Driven with Hypothesis directly: schemathesis' pytest plugin does not load under
    # pytest 9 yet. Each operation gets its own cases, valid and invalid, and every check
    # schemathesis has: no 5xx, only documented statuses, content types, headers and
    # bodies, invalid input refused, valid input accepted, authentication not ignored.
    # (The checks that need a sequence of calls run in the gunicorn test below.)
    load_all_checks()
    checks = CHECKS.get_all()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    statuses: dict[GenerationMode, list[int]] = {mode: [] for mode in GenerationMode}

    for operation in operations:
        for mode in GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=25,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                response = case.call_and_validate(
                    headers=partner_headers, checks=checks, excluded_checks=page_excluded(case)
                )
                statuses[case.meta.generation.mode].append(response.status_code)

            check()
    # The run really exercised the API: valid requests mostly got real answers, invalid
    # ones were refused.
    valid, invalid = statuses[GenerationMode.POSITIVE], statuses[GenerationMode.NEGATIVE]
    assert len(valid) > 10 * len(operations) and len(invalid) > 5 * len(operations)
    assert sum(200 <= code < 300 for code in valid) > len(valid) / 2
    assert sum(400 <= code < 500 for code in invalid) > len(invalid) / 2, sorted(invalid)


def page_excluded(case) -> list:
    """A generated url or html is well formed, but no schema can promise that the page
    exists or holds an article: its 422 is not "valid data rejected"."""
    if isinstance(case.body, dict) and ({"url", "html"} & case.body.keys()):
        return [positive_data_acceptance]
    return []


def page_config(tmp_path: Path) -> Path:
    """The CLI's form of page_excluded: the article create may answer 422 to well-formed
    data (a page that cannot be fetched or holds no article)."""
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[[operations]]\n"
        'include-operation-id = "articles_create"\n'
        "checks.positive_data_acceptance.expected-statuses = "
        '["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]\n'
    )
    return config


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_schemathesis_run_with_every_check_against_gunicorn_finds_nothing(tmp_path):
    # The real CLI, every phase (examples, coverage, fuzzing, stateful), positive and
    # negative data, every check: undocumented statuses, invalid input accepted, valid
    # input rejected, auth ignored...
    token = partner_token_create(name="Fuzzer")
    Partner.objects.filter(pk=token.partner.pk).update(can_ingest=True, rate_per_minute=100_000)
    for rating in ("true", "misleading", "false"):
        PublishedVerdictFactory(rating=rating)
    server = Gunicorn(
        env={"DATABASE_URL": subprocess_database_url()}, log=tmp_path / "gunicorn.log"
    )
    binary = Path(sys.executable).with_name("schemathesis")
    try:
        run = subprocess.run(
            [str(binary), "--config-file", str(page_config(tmp_path)),
             "run", f"{server.url}/api/schema/?format=json", "--url", server.url,
             "--checks", "all", "--mode", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "60",
             "--workers", "1", "--request-timeout", "30", "--generation-database", "none",
             "--no-color", "-H", f"Authorization: Bearer {token.secret}"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]
    assert "Traceback" not in server.log(), server.log()[-5000:]
