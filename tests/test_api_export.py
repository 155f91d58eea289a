"""On PostgreSQL the export builds ClaimReview in SQL: it must give exactly the objects the
API builds in Python, for every shape a verdict can take."""

import json
from datetime import date

import pytest
from django.db import connection

from annotations.api.claimreview import claimreview_or_tombstone
from annotations.api.export import ndjson_export
from annotations.models import PublishedVerdict, Statement
from annotations.services.editorial import verdict_correction_start, verdict_withdraw
from tests.factories import ArticleFactory, EditorFactory, ReviewerFactory, StatementFactory
from tests.test_api import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    settings.API_SYNC_LAG_SECONDS = 0


def test_the_sql_export_and_the_python_claimreview_are_the_same_objects():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL builder is PostgreSQL's; SQLite exports through Python")
    full = ArticleFactory(
        source_url="https://news.example.org/a", publisher="Daily", published_on=date(2026, 3, 1)
    )
    publish(StatementFactory(article=full, speaker="Jane “JJ” O'Neil \\ Jr"), rating="true")
    publish(rating="misleading")
    publish(rating="unverifiable")
    corrected = publish(rating="false")
    verdict_correction_start(statement_id=corrected.statement_id, user=ReviewerFactory())
    publish(Statement.objects.get(pk=corrected.statement_id), rating="mostly_false")
    withdrawn = publish(rating="half_true")
    verdict_withdraw(statement_id=withdrawn.statement_id, user=EditorFactory(), reason="r")

    exported = [json.loads(line) for chunk in ndjson_export() for line in chunk.splitlines()]
    expected = [
        claimreview_or_tombstone(p)
        for p in PublishedVerdict.objects.select_related("statement__article").order_by(
            "modified_at", "id"
        )
    ]
    assert len(exported) == 5
    assert exported == expected
