"""Published verdicts carry their ClaimReview document, frozen when published; the bulk
export (COPY on PostgreSQL, Python elsewhere) must hand out exactly those documents."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from annotations.editorial.services import verdict_correction_start, verdict_withdraw
from annotations.models import Article, PublishedVerdict, Statement
from annotations.publishing.claimreview import claimreview_document
from annotations.publishing.export import ndjson_export
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    settings.API_SYNC_LAG_SECONDS = 0


def exported() -> list[dict]:
    text = "".join(
        chunk.decode() if isinstance(chunk, bytes) else chunk for chunk in ndjson_export()
    )
    return [json.loads(line) for line in text.splitlines()]


def test_the_export_is_exactly_the_stored_documents_of_every_kind_of_verdict():
    full = ArticleFactory(
        source_url="https://news.example.org/a", publisher="Daily", published_on=date(2026, 3, 1)
    )
    # Quotes, a backslash and a tab inside JSON strings must survive the COPY unaltered.
    tricky = 'Jane “JJ” O\'Neil \\ Jr\t"the minister"'
    PublishedVerdictFactory(statement=StatementFactory(article=full, speaker=tricky), rating="true")
    PublishedVerdictFactory(rating="misleading")
    corrected = PublishedVerdictFactory(rating="false")
    verdict_correction_start(statement_id=corrected.statement_id, user=ReviewerFactory())
    PublishedVerdictFactory(
        statement=Statement.objects.get(pk=corrected.statement_id), rating="mostly_false"
    )
    withdrawn = PublishedVerdictFactory(rating="half_true")
    verdict_withdraw(statement_id=withdrawn.statement_id, user=EditorFactory(), reason="r")

    rows = PublishedVerdict.objects.select_related("statement__article").order_by(
        "modified_at", "id"
    )
    assert exported() == [p.document for p in rows]
    # ...and each stored document is what the builder makes of the row.
    for p in rows:
        assert p.document == claimreview_document(p)
    assert exported()[0]["itemReviewed"]["author"]["name"] == tricky
    assert exported()[-1]["withdrawn"] is True


def test_what_partners_see_changes_only_with_a_new_date_modified(settings):
    published = PublishedVerdictFactory()
    before = published.document
    Article.objects.filter(pk=published.statement.article_id).update(title="Edited title")
    assert exported() == [before]  # frozen until refreshed

    settings.FACTCHECK_ORG_NAME = "Renamed desk"
    out = StringIO()
    call_command("claimreviews_refresh", stdout=out)
    assert out.getvalue().strip() == "Rebuilt 1 ClaimReview document(s)."
    (after,) = exported()
    assert after["author"]["name"] == "Renamed desk"
    assert after["itemReviewed"]["appearance"]["headline"] == "Edited title"
    assert after["dateModified"] > before["dateModified"]
