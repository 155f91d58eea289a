from pathlib import Path

import pytest
from django.conf import settings

from annotations.ingest.services import ArticleInputError, article_ingest
from annotations.models import Article, Statement, TaggingJob

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")

pytestmark = pytest.mark.django_db


def _figure_kinds(article: Article) -> dict[str, str]:
    return {f["text"]: f["kind"] for s in article.statements.all() for f in s.figures}


def test_sample_article_statements_carry_the_three_key_figures_with_their_kinds():
    article = article_ingest(text=SAMPLE).article
    kinds = _figure_kinds(article)
    assert kinds["€210 billion"] == "money"
    assert any(t.startswith("34") and "countries" in t and k == "count" for t, k in kinds.items())
    assert kinds["26 countries"] == "count"


def test_every_statement_and_figure_slices_back_out_of_the_stored_body():
    article = article_ingest(text=SAMPLE).article
    statements = list(article.statements.all())
    assert len(statements) >= 10
    for s in statements:
        assert article.body[s.start : s.end] == s.text
        for f in s.figures:
            assert article.body[f["start"] : f["end"]] == f["text"]
            assert s.start <= f["start"] < f["end"] <= s.end


def test_statements_carry_a_score_and_the_reasons_they_were_picked():
    article = article_ingest(text=SAMPLE).article
    for s in article.statements.all():
        assert 0 <= s.score <= 1
        assert s.reasons, s.text


def test_ingesting_the_same_text_twice_returns_the_existing_article_unchanged():
    first = article_ingest(text=SAMPLE, title="First")
    second = article_ingest(text=SAMPLE, title="Second")
    assert first.created and not second.created
    assert second.article.pk == first.article.pk
    assert Article.objects.get().title == "First"
    assert Statement.objects.count() == first.article.statements.count()
    assert TaggingJob.objects.count() == 1


def test_windows_line_endings_are_the_same_article_as_unix_ones():
    unix = article_ingest(text="The EU froze €210 billion of assets on Thursday.\nSecond line.")
    windows = article_ingest(
        text="The EU froze €210 billion of assets on Thursday.\r\nSecond line."
    )
    assert windows.article.pk == unix.article.pk
    assert "\r" not in unix.article.body


def test_untitled_article_takes_its_title_from_the_first_line():
    article = article_ingest(text="Headline here\nThe EU froze €210 billion in 2024.").article
    assert article.title == "Headline here"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n  ", "empty"),
        ("x" * (settings.ARTICLE_MAX_CHARS + 1), "longer than"),
        ("bin\x00ary\x01\x02" * 10, "control characters"),
    ],
)
def test_unusable_text_is_refused_with_a_reason_and_nothing_is_stored(text, message):
    with pytest.raises(ArticleInputError, match=message):
        article_ingest(text=text)
    assert Article.objects.count() == 0
    assert Statement.objects.count() == 0


def test_ingestion_queues_tagging_only_once_the_article_is_committed(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = article_ingest(text=SAMPLE).article
    assert len(callbacks) == 1
    assert article.tagging_job.state == TaggingJob.State.QUEUED
