"""A public verdict is never a 404 on the partner API: while an editor approves a
correction or withdraws it, a partner reading /api/v1/claimreviews/N/ gets the previous
version, the new one or the tombstone, and never an older one than it already had.

(The detail used to be held back like the sync lists, for API_SYNC_LAG_SECONDS after every
change: each approval made the verdict a 404 for two seconds.)"""

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.editorial.services import (
    verdict_approve,
    verdict_correction_start,
    verdict_withdraw,
)
from annotations.models import Partner, PublishedVerdict, Verdict
from annotations.partners.tokens import partner_token_create
from annotations.review.services import SourceInput, verdict_save
from tests.factories import EditorFactory, PublishedVerdictFactory, ReviewerFactory
from tests.live import Gunicorn, subprocess_database_url

# The production default: incremental sync holds back records modified in the last 2 s.
SYNC_LAG_SECONDS = 2.0
Answer = tuple[int, dict]


@pytest.fixture
def token(settings) -> str:
    settings.API_SYNC_LAG_SECONDS = SYNC_LAG_SECONDS
    cache.clear()
    new = partner_token_create(name="Poller")
    Partner.objects.filter(pk=new.partner.pk).update(rate_per_minute=1_000_000)
    return new.secret


@pytest.fixture
def partner_api(token) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def correct(published, *, reviewer, editor, explanation: str) -> None:
    """A reviewer revises the published verdict and another editor approves it."""
    statement_id = published.statement_id
    verdict_correction_start(statement_id=statement_id, user=reviewer)
    version = Verdict.objects.get(statement_id=statement_id).version
    verdict_save(
        statement_id=statement_id,
        user=reviewer,
        rating="mostly_false",
        explanation=explanation,
        sources=[SourceInput(url="https://example.org/treasury", title="Treasury")],
        base_version=version,
        submit=True,
    )
    verdict_approve(statement_id=statement_id, user=editor, base_version=version + 1)


def settled_verdict():
    """A verdict published an hour ago (long settled, as in the report), its people."""
    rita, eddie = ReviewerFactory(username="rita-the-reviewer"), EditorFactory()
    published = PublishedVerdictFactory(reviewer=rita)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    PublishedVerdict.objects.filter(pk=published.pk).update(modified_at=an_hour_ago)
    return published, rita, eddie


def corrections_and_a_withdrawal(published, rita, eddie) -> None:
    for n in range(4):
        correct(published, reviewer=rita, editor=eddie, explanation=f"Correction {n}.")
        time.sleep(0.05)
    verdict_withdraw(statement_id=published.statement_id, user=eddie, reason="Retracted.")
    time.sleep(0.2)


def answers_during(get: Callable[[], Answer], work: Callable[[], None]) -> list[Answer]:
    """Every answer ``get`` had, polling from another thread while ``work`` ran."""
    seen: list[Answer] = []
    stop = threading.Event()

    def poll() -> None:
        try:
            while not stop.is_set():
                seen.append(get())
        finally:
            connection.close()  # this thread's own connection, if it opened one

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        work()
    finally:
        stop.set()
        poller.join(timeout=30)
    return seen


def assert_never_missing_nor_older(seen: list[Answer]) -> None:
    statuses = [status for status, _ in seen]
    assert len(seen) > 10, "the poller hardly ran"
    assert statuses.count(404) == 0, f"{statuses.count(404)} of {len(seen)} answers were 404"
    assert set(statuses) == {200}
    modified = [body["dateModified"] for _, body in seen]
    assert modified == sorted(modified), "a partner got an older version after a newer one"
    assert seen[-1][1]["withdrawn"] is True  # the tombstone, at the end
    texts = {body.get("reviewBody") for _, body in seen}
    assert texts <= {None, "The treasury's own figure is 9%."} | {
        f"Correction {n}." for n in range(4)
    }


@pytest.mark.django_db
def test_a_new_a_corrected_and_a_withdrawn_verdict_are_served_at_once(partner_api):
    rita, eddie = ReviewerFactory(username="rita-the-reviewer"), EditorFactory()
    published = PublishedVerdictFactory(reviewer=rita)
    url = f"/api/v1/claimreviews/{published.pk}/"
    assert partner_api.get(url).status_code == 200  # just published, not 2 s later
    correct(published, reviewer=rita, editor=eddie, explanation="Corrected: the figure is 8%.")
    response = partner_api.get(url)
    assert response.status_code == 200
    assert response.json()["reviewBody"] == "Corrected: the figure is 8%."
    verdict_withdraw(statement_id=published.statement_id, user=eddie, reason="Retracted.")
    response = partner_api.get(url)
    assert response.status_code == 200 and response.json()["withdrawn"] is True


@pytest.mark.django_db(transaction=True)
def test_a_partner_polling_during_corrections_and_a_withdrawal_never_gets_a_404(partner_api):
    if connection.vendor == "sqlite":
        # Not the site's SQLite: its file database (WAL) lets readers through a write.
        pytest.skip(
            "SQLite's in-memory test database locks a table against other threads' reads "
            "while a write is open (shared cache); PostgreSQL runs this test"
        )
    published, rita, eddie = settled_verdict()
    url = f"/api/v1/claimreviews/{published.pk}/"

    def get() -> Answer:
        response = partner_api.get(url)
        return response.status_code, response.json()

    seen = answers_during(get, lambda: corrections_and_a_withdrawal(published, rita, eddie))
    assert_never_missing_nor_older(seen)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_partner_polling_a_real_server_during_approvals_never_gets_a_404(token, tmp_path):
    published, rita, eddie = settled_verdict()
    server = Gunicorn(
        env={
            "DATABASE_URL": subprocess_database_url(),
            "API_SYNC_LAG_SECONDS": str(SYNC_LAG_SECONDS),
        },
        log=tmp_path / "gunicorn.log",
    )
    try:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=20
        ) as api:

            def get() -> Answer:
                response = api.get(f"/api/v1/claimreviews/{published.pk}/")
                return response.status_code, response.json()

            assert get()[0] == 200
            seen = answers_during(get, lambda: corrections_and_a_withdrawal(published, rita, eddie))
    finally:
        server.stop()
    assert_never_missing_nor_older(seen)
    assert "Traceback" not in server.log()
