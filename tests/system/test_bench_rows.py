"""`make bench` writes its rows with bulk inserts, not through the services: they must
stay rows the site itself would write, or the benchmark measures something else (or, as
once, stops with an IntegrityError after a new column)."""

import pytest

from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import claimreview_document
from bench.bench_api import published_create

pytestmark = pytest.mark.django_db


def test_the_benchmarks_published_verdicts_are_what_an_approval_writes():
    published_create(3)
    rows = PublishedVerdict.objects.select_related("statement", "article")
    assert rows.count() == 3
    for published in rows:
        assert published.article.body[published.start : published.end] == published.quote
        assert published.quote == published.statement.text
        assert published.document == claimreview_document(published)
