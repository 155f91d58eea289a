"""The check-worthiness model's pass in the tagging job: the rules' provisional statements
are confirmed, re-scored or dropped, new ones added, and what a person touched stays."""

from pathlib import Path

import pytest
from django.conf import settings

from annotations.ingest.services import article_ingest, statements_reconcile
from annotations.models import Statement, StatementEmbedding
from annotations.nlp.statements import SCORED_BY_MODEL, DetectedStatement, sentences_split
from annotations.review.services import statement_assign, statement_dismiss, statement_restore
from annotations.tagging.jobs import article_entities_tag
from tests.factories import ArticleFactory, ReviewerFactory, StatementFactory

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")

pytestmark = pytest.mark.django_db


def rows(article_id: int) -> dict[int, tuple]:
    return {
        s.pk: (s.start, s.end, s.score, s.scored_by, s.review_state)
        for s in Statement.objects.filter(article_id=article_id)
    }


def detected(body: str, sentence_index: int, *, score: float = 0.9) -> DetectedStatement:
    sentence = sentences_split(body)[sentence_index]
    return DetectedStatement(
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        order=sentence_index,
        score=score,
        reasons=("count",),
        figures=(),
        speaker=None,
        scored_by=SCORED_BY_MODEL,
    )


def test_after_tagging_every_machine_statement_is_the_models():
    article = article_ingest(text=SAMPLE).article  # on_commit not run: rules only so far
    provisional = rows(article.pk)
    assert provisional and {r[3] for r in provisional.values()} == {"rules"}

    article_entities_tag(article_id=article.pk)

    final = Statement.objects.filter(article=article)
    assert final.exists()
    assert set(final.values_list("scored_by", flat=True)) == {"model"}
    texts = list(final.values_list("text", flat=True))
    assert not any(t.rstrip('”’"').endswith("?") for t in texts)
    assert any("€210 billion" in t for t in texts)


def test_tagging_leaves_a_dismissed_and_an_assigned_statement_exactly_as_they_were():
    reviewer = ReviewerFactory()
    article = article_ingest(text=SAMPLE).article
    first, second, *_ = Statement.objects.filter(article=article).order_by("start")
    statement_dismiss(statement_id=first.pk, user=reviewer, reason="Opinion, not a claim.")
    statement_assign(statement_id=second.pk, user=reviewer, assignee_id=reviewer.pk)
    before = {pk: r for pk, r in rows(article.pk).items() if pk in {first.pk, second.pk}}

    article_entities_tag(article_id=article.pk)

    after = rows(article.pk)
    assert {pk: after[pk] for pk in before} == before
    assert before[first.pk][3] == "rules"  # never re-scored by the model


def test_a_restored_statement_counts_as_touched():
    reviewer = ReviewerFactory()
    article = ArticleFactory(body="One claim of 34 countries. Another of 26 countries.")
    statement = StatementFactory(article=article, phrase="One claim of 34 countries.")
    statement_dismiss(statement_id=statement.pk, user=reviewer, reason="Not sure.")
    statement_restore(statement_id=statement.pk, user=reviewer)

    statements_reconcile(article_id=article.pk, detected=[])  # the model keeps nothing

    assert Statement.objects.filter(pk=statement.pk).exists()


def test_reconcile_rescores_in_place_drops_adds_and_skips_overlaps_with_touched_ones():
    reviewer = ReviewerFactory()
    body = "Alpha has 3 ships. Beta has 4 ships. Gamma has 5 ships. Delta has 6 ships."
    article = ArticleFactory(body=body)
    alpha = StatementFactory(article=article, phrase="Alpha has 3 ships.", score=0.6)
    beta = StatementFactory(article=article, phrase="Beta has 4 ships.", score=0.6)
    gamma = StatementFactory(article=article, phrase="Gamma has 5 ships.", score=0.6)
    statement_assign(statement_id=beta.pk, user=reviewer, assignee_id=reviewer.pk)
    beta_before = rows(article.pk)[beta.pk]

    count = statements_reconcile(
        article_id=article.pk,
        detected=[detected(body, 0, score=0.91), detected(body, 1), detected(body, 3)],
    )

    after = rows(article.pk)
    assert count == 3 == len(after)
    assert after[alpha.pk][2:4] == (0.91, "model")  # same row, re-scored
    assert gamma.pk not in after  # dropped by the model
    assert after[beta.pk] == beta_before  # touched: left alone, not duplicated
    (delta,) = Statement.objects.filter(article=article, text="Delta has 6 ships.")
    assert (delta.scored_by, delta.reasons, delta.origin) == ("model", ["count"], "detector")


def test_running_the_pass_twice_changes_nothing_the_second_time():
    body = "Alpha has 3 ships. Beta has 4 ships."
    article = ArticleFactory(body=body)
    StatementFactory(article=article, phrase="Alpha has 3 ships.")
    wanted = [detected(body, 0), detected(body, 1)]
    statements_reconcile(article_id=article.pk, detected=wanted)
    once = rows(article.pk)
    statements_reconcile(article_id=article.pk, detected=wanted)
    assert rows(article.pk) == once


def test_a_dropped_statement_takes_its_matching_vectors_and_a_kept_one_keeps_them(
    django_assert_num_queries,
):
    body = "Alpha has 3 ships. Beta has 4 ships. Gamma has 5 ships."
    article = ArticleFactory(body=body)
    alpha = StatementFactory(article=article, phrase="Alpha has 3 ships.")
    gamma = StatementFactory(article=article, phrase="Gamma has 5 ships.")
    for statement in (alpha, gamma):
        StatementEmbedding.objects.create(
            statement=statement, vectors=b"\0" * 768, count=1, encoder_version="x", text_sha256="y"
        )
    # Lock the untouched, read the touched, re-score alpha (one UPDATE), delete gamma's
    # vectors and gamma (two DELETEs, no reads of verdicts, events or published copies),
    # insert beta.
    with django_assert_num_queries(6):
        statements_reconcile(article_id=article.pk, detected=[detected(body, 0), detected(body, 1)])
    assert not Statement.objects.filter(pk=gamma.pk).exists()
    assert list(StatementEmbedding.objects.values_list("statement_id", flat=True)) == [alpha.pk]
    assert Statement.objects.filter(article=article).count() == 2


def test_a_second_pass_with_the_same_scores_writes_nothing(django_assert_num_queries):
    body = "Alpha has 3 ships. Beta has 4 ships. Gamma has 5 ships."
    article = ArticleFactory(body=body)
    StatementFactory(article=article, phrase="Alpha has 3 ships.")
    wanted = [detected(body, 0), detected(body, 1, score=0.7)]
    statements_reconcile(article_id=article.pk, detected=wanted)
    # Lock the untouched statements and read the touched ones: no UPDATE, DELETE or INSERT.
    with django_assert_num_queries(2):
        statements_reconcile(article_id=article.pk, detected=wanted)
    rescored = [*wanted[:1], detected(body, 1, score=0.8)]
    statements_reconcile(article_id=article.pk, detected=rescored)
    beta = Statement.objects.get(article=article, text="Beta has 4 ships.")
    assert beta.score == 0.8


def test_re_running_tagging_gives_the_same_statements():
    article = article_ingest(text=SAMPLE).article
    article_entities_tag(article_id=article.pk)
    once = rows(article.pk)
    from annotations.models import TaggingJob

    TaggingJob.objects.filter(article=article).update(state=TaggingJob.State.QUEUED)
    article_entities_tag(article_id=article.pk)
    assert rows(article.pk) == once
