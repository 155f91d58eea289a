"""My queue: a reviewer's assignments and every draft or returned verdict they wrote."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.editorial.services import (
    verdict_approve,
    verdict_correction_start,
    verdict_return,
)
from annotations.review.services import SourceInput, statement_assign, verdict_save
from tests.factories import EditorFactory, ReviewerFactory, StatementFactory

pytestmark = pytest.mark.django_db


def save(statement, user, *, version=0, submit=False):
    return verdict_save(
        statement_id=statement.pk,
        user=user,
        rating="false",
        explanation="The treasury's figure is 9%.",
        sources=[SourceInput(url="https://example.org/treasury", title="Treasury")],
        base_version=version,
        submit=submit,
    )


def queue_html(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("queue")).content.decode()


def test_a_verdict_returned_on_an_unassigned_statement_is_in_its_authors_queue_with_the_note(
    client,
):
    rita = ReviewerFactory(username="rita")
    statement = StatementFactory(article__title="Schools report")
    save(statement, rita, submit=True)
    verdict_return(
        statement_id=statement.pk,
        user=EditorFactory(username="eddie"),
        note="Cite the treasury's table, not the press release.",
        base_version=1,
    )
    html = queue_html(client, rita)
    assert "Nothing is assigned to you" not in html
    assert "Schools report" in html and "Returned" in html
    assert "Returned by eddie:</strong> Cite the treasury&#x27;s table" in html
    assert "Not assigned; your verdict" in html


def test_my_drafts_on_unassigned_statements_are_in_my_queue_and_not_in_anyone_elses(client):
    rita, bob = ReviewerFactory(username="rita"), ReviewerFactory(username="bob")
    save(StatementFactory(article__title="Rita's draft"), rita)
    assert "Rita&#x27;s draft" in queue_html(client, rita)
    assert "Nothing is assigned to you" in queue_html(client, bob)


def test_my_draft_stays_in_my_queue_when_the_statement_is_assigned_to_someone_else(client):
    rita, bob = ReviewerFactory(username="rita"), ReviewerFactory(username="bob")
    statement = StatementFactory(article__title="Handed over")
    save(statement, rita)
    statement_assign(statement_id=statement.pk, user=EditorFactory(), assignee_id=bob.pk)
    assert "To bob; your verdict" in queue_html(client, rita)
    assert "Handed over" in queue_html(client, bob)


def test_the_return_note_stays_while_i_rework_the_verdict_and_goes_once_i_resubmit(client):
    rita = ReviewerFactory(username="rita")
    statement = StatementFactory(article__title="Reworked")
    save(statement, rita, submit=True)
    verdict_return(
        statement_id=statement.pk, user=EditorFactory(), note="Add a source.", base_version=1
    )
    save(statement, rita, version=1)  # a draft now, the note still says what to change
    html = queue_html(client, rita)
    assert "Draft" in html and "Add a source." in html
    save(statement, rita, version=2, submit=True)
    assert "Reworked" not in queue_html(client, rita)  # waiting for an editor, not for rita


def test_a_correction_of_my_published_verdict_shows_no_old_return_note(client):
    rita = ReviewerFactory(username="rita")
    statement = StatementFactory(article__title="Corrected")
    save(statement, rita, submit=True)
    editor = EditorFactory()
    verdict_return(statement_id=statement.pk, user=editor, note="Old note.", base_version=1)
    save(statement, rita, version=1, submit=True)
    verdict_approve(statement_id=statement.pk, user=editor, base_version=2)
    verdict_correction_start(statement_id=statement.pk, user=rita)
    html = queue_html(client, rita)
    assert "Corrected" in html and "Old note." not in html


def test_returned_verdicts_come_first_then_the_oldest_work(client):
    rita = ReviewerFactory(username="rita")
    now = timezone.now()
    StatementFactory(article__title="Old assignment", assignee=rita, assigned_at=now - timedelta(1))
    StatementFactory(article__title="New assignment", assignee=rita, assigned_at=now)
    returned = StatementFactory(article__title="Sent back")
    save(returned, rita, submit=True)
    verdict_return(statement_id=returned.pk, user=EditorFactory(), note="Fix.", base_version=1)
    html = queue_html(client, rita)
    assert html.index("Sent back") < html.index("Old assignment") < html.index("New assignment")


def test_my_queue_runs_the_same_queries_for_one_row_or_twenty(client, django_assert_num_queries):
    rita, editor = ReviewerFactory(username="rita"), EditorFactory()
    client.force_login(rita)

    def add_rows(n):
        for _ in range(n):
            StatementFactory(assignee=rita, assigned_at=timezone.now())
            statement = StatementFactory()
            save(statement, rita, submit=True)
            verdict_return(statement_id=statement.pk, user=editor, note="Fix.", base_version=1)

    add_rows(1)
    # session, user, groups, the queue, the return notes
    with django_assert_num_queries(5):
        client.get(reverse("queue"))
    add_rows(10)
    with django_assert_num_queries(5):
        html = client.get(reverse("queue")).content.decode()
    assert html.count("Returned by") == 11
