"""The approvals queue shows what an editor needs to judge a row: its figures and speaker."""

import itertools

import pytest
from django.urls import reverse

from annotations.review.services import SourceInput, verdict_save
from tests.factories import ArticleFactory, EditorFactory, ReviewerFactory, StatementFactory

pytestmark = pytest.mark.django_db

LONG = (
    "Speaking to parliament on Tuesday, after a long debate about the cost of the new rail "
    "line through the eastern provinces and the delays it has suffered, the minister said "
    "that the project would cost €4.2 billion and employ 12,000 people."
)


_articles = itertools.count()


def long_statement(*, speaker="Jan de Vries"):
    article = ArticleFactory(body=f"Intro {next(_articles)}.\n{LONG}\nMore.")
    figures = [
        {"text": text, "start": article.body.index(text), "kind": kind}
        for text, kind in (("€4.2 billion", "money"), ("12,000", "count"))
    ]
    for f in figures:
        f["end"] = f["start"] + len(f["text"])
    return StatementFactory(article=article, phrase=LONG, figures=figures, speaker=speaker)


def submit(statement, reviewer):
    verdict_save(
        statement_id=statement.pk,
        user=reviewer,
        rating="mostly_true",
        explanation="The budget says €4.1 billion.",
        sources=[SourceInput(url="https://example.org/budget", title="Budget")],
        base_version=0,
        submit=True,
    )


def test_a_long_statement_cut_before_its_figures_still_shows_them_and_the_speaker(client):
    statement = long_statement()
    assert LONG.index("€4.2 billion") > 150  # the cut text alone would not show it
    submit(statement, ReviewerFactory())
    client.force_login(EditorFactory())
    html = client.get(reverse("approvals")).content.decode()
    row = html[html.index(f'href="{reverse("approval_detail", args=[statement.pk])}"') :]
    row = row[: row.index("</tr>")]
    assert "€4.2 billion <small>money</small>" in row
    assert "12,000 <small>count</small>" in row
    assert "Speaker: Jan de Vries" in row
    assert f'title="{LONG}"' in row  # the whole statement on hover


def test_a_row_without_figures_or_speaker_shows_neither(client):
    statement = StatementFactory()
    submit(statement, ReviewerFactory())
    client.force_login(EditorFactory())
    html = client.get(reverse("approvals")).content.decode()
    assert "Speaker:" not in html and 'aria-label="Figures"' not in html


def test_figures_and_speakers_cost_no_query_per_row(client, django_assert_num_queries):
    rita = ReviewerFactory()
    client.force_login(EditorFactory())
    submit(long_statement(), rita)
    # session, user, groups, approvals count (navigation), count, page, reviewers
    with django_assert_num_queries(7):
        client.get(reverse("approvals"))
    for _ in range(20):
        submit(long_statement(speaker="Statistics Netherlands"), rita)
    with django_assert_num_queries(7):
        html = client.get(reverse("approvals")).content.decode()
    assert html.count("€4.2 billion <small>money</small>") == 21
