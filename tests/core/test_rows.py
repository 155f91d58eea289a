import pytest

from annotations.core.rows import rows_update
from annotations.models import Statement
from tests.factories import ArticleFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_other_rows_and_fields_stay():
    article = ArticleFactory(body="Alpha has 3 ships. Beta has 4 ships. Gamma has 5 ships.")
    alpha, beta, gamma = (
        StatementFactory(article=article, phrase=p, speaker="Ann")
        for p in ("Alpha has 3 ships.", "Beta has 4 ships.", "Gamma has 5 ships.")
    )
    alpha.score, alpha.reasons, alpha.speaker = 0.25, ["count", "it's “quoted”"], "Bo"
    beta.score, beta.reasons, beta.speaker = 0.75, [], "Cy"

    assert rows_update(rows=[alpha, beta], fields=["score", "reasons"]) == 2

    stored = {s.text: s for s in Statement.objects.filter(article=article)}
    assert (stored[alpha.text].score, stored[alpha.text].reasons) == (
        0.25,
        ["count", "it's “quoted”"],
    )
    assert (stored[beta.text].score, stored[beta.text].reasons) == (0.75, [])
    # speaker was not named, and gamma was not passed: both as they were.
    assert {s.speaker for s in stored.values()} == {"Ann"}
    assert stored[gamma.text].score == gamma.score


def test_nothing_to_write_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_update(rows=[], fields=["score"]) == 0
