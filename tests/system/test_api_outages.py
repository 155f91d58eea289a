"""The partner API through a live gunicorn while a service it uses is down: Redis (the
cache holding the rate counts, and the Celery broker) killed under it, or the database
unreachable."""

import logging
import time
from collections.abc import Iterator

import httpx
import pytest
from rest_framework.test import APIClient

from annotations.models import Article, Partner, TaggingJob
from annotations.partners.api.throttling import PartnerRateThrottle
from annotations.partners.tokens import partner_token_create
from tests.factories import PublishedVerdictFactory
from tests.live import Gunicorn, RedisServer, subprocess_database_url

TEXT = "Budget day\nThe minister said 12% of the 300 schools closed in 2024, at a cost of €4m."


@pytest.fixture
def throttle_reset() -> Iterator[None]:
    """The throttle remembers a cache outage for the process: forget it for later tests."""
    yield
    PartnerRateThrottle._cache_down_until = 0.0


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def token(db) -> str:
    new = partner_token_create(name="Newsroom")
    Partner.objects.filter(pk=new.partner.pk).update(can_ingest=True)
    return new.secret


@pytest.mark.django_db
def test_the_rate_limit_fails_open_and_logs_once_when_the_cache_is_down(
    settings, token, throttle_reset, caplog
):
    PublishedVerdictFactory()
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.API_SYNC_LAG_SECONDS = 0
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    Partner.objects.update(rate_per_minute=1)
    with caplog.at_level(logging.WARNING, logger="annotations.partners.api.throttling"):
        codes = [api.get("/api/v1/claimreviews/").status_code for _ in range(5)]
    assert codes == [200] * 5  # uncounted, so the rate of 1 a minute is not enforced
    (record,) = caplog.records
    assert "Rate limiting suspended" in record.getMessage()
    assert "ConnectionError" in record.getMessage()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_api_reads_and_ingestion_are_served_while_redis_is_down(redis_server, token, tmp_path):
    published = PublishedVerdictFactory()
    article_id = published.statement.article_id
    server = Gunicorn(
        env={"DATABASE_URL": subprocess_database_url(), "REDIS_URL": redis_server.url},
        log=tmp_path / "gunicorn.log",
    )
    try:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=20
        ) as api:
            assert api.get("/api/v1/claimreviews/").status_code == 200  # Redis up: counted

            redis_server.kill()
            reads = [
                "/api/v1/claimreviews/",
                f"/api/v1/claimreviews/{published.pk}/",
                "/api/v1/articles/",
                f"/api/v1/articles/{article_id}/",
                "/api/v1/export.ndjson",
                "/api/v1/export.csv",
            ]
            for _ in range(3):  # more requests than gunicorn workers: every worker sees it
                for path in reads:
                    started = time.monotonic()
                    response = api.get(path)
                    assert response.status_code == 200, (path, response.text[:500])
                    assert time.monotonic() - started < 5, f"{path} waited on the dead Redis"
            assert str(published.pk) in response.text

            response = api.post("/api/v1/articles/", json={"text": TEXT})
            assert response.status_code == 201, response.text[:500]
            assert response.json()["tagging"] == "queued"
    finally:
        server.stop()

    article = Article.objects.get(pk=response.json()["id"])
    assert article.channel == Article.Channel.API and article.statements.exists()
    job = TaggingJob.objects.get(article=article)
    assert job.state == TaggingJob.State.QUEUED  # the sweep publishes it once Redis is back
    assert job.last_error.startswith("broker unavailable")
    log = server.log()
    warnings = log.count("Rate limiting suspended")
    assert 1 <= warnings <= 2, log[-3000:]  # once per worker, not once per request
    assert "Traceback" not in log, log[-3000:]


@pytest.mark.integration
def test_api_server_errors_are_json_while_the_database_is_down(tmp_path):
    # Nothing listens on port 1: every query fails to connect, as in a database outage.
    server = Gunicorn(
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/factcheck", "REDIS_URL": ""},
        log=tmp_path / "gunicorn.log",
    )
    try:
        response = httpx.get(
            f"{server.url}/api/v1/claimreviews/",
            headers={"Authorization": "Bearer fcp_any-token-needs-the-database"},
            timeout=20,
        )
    finally:
        server.stop()
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Server error")
    assert "OperationalError" in server.log()  # logged with its traceback, for the operator
