import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.editorial.services import (
    verdict_approve,
    verdict_correction_start,
    verdict_return,
)
from annotations.models import PublishedVerdict, Statement
from annotations.review.services import SourceInput, verdict_save
from tests.factories import ArticleFactory, EditorFactory, ReviewerFactory, StatementFactory

pytestmark = pytest.mark.django_db
State = Statement.ReviewState


def submit(statement, user, *, version=0, explanation="The budget says 12%.", url=None):
    verdict_save(
        statement_id=statement.pk,
        user=user,
        rating="mostly_true",
        explanation=explanation,
        sources=[SourceInput(url=url or "https://example.org/budget", title="Budget")],
        base_version=version,
        submit=True,
    )


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory(username="eddie"))
    return client


@pytest.fixture
def submitted():
    statement = StatementFactory(
        article=ArticleFactory(body="Intro.\nThe minister said 12% of schools closed. More."),
        phrase="The minister said 12% of schools closed.",
    )
    submit(statement, ReviewerFactory(username="rita"))
    return statement


def test_editors_see_the_approvals_count_in_the_navigation(editor_client, submitted):
    html = editor_client.get(reverse("article_list")).content.decode()
    assert 'Approvals <span class="count-pill">1</span>' in html


def test_the_approvals_queue_shows_submitted_verdicts_to_editors_only(client, submitted):
    client.force_login(ReviewerFactory())
    assert client.get(reverse("approvals")).status_code == 403
    client.force_login(EditorFactory())
    html = client.get(reverse("approvals")).content.decode()
    assert "The minister said 12% of schools closed." in html and "rita" in html


def test_approval_view_shows_the_statement_in_its_paragraph_with_sources(editor_client, submitted):
    html = editor_client.get(reverse("approval_detail", args=[submitted.pk])).content.decode()
    assert '<mark class="stmt-quote">The minister said 12% of schools closed.</mark> More.' in html
    assert 'href="https://example.org/budget" target="_blank" rel="noopener noreferrer"' in html
    assert ">Approve</button>" in html and "Note to reviewer" in html


def test_approving_publishes_and_returns_to_the_queue(editor_client, submitted):
    response = editor_client.post(
        reverse("approval_detail", args=[submitted.pk]), {"action": "approve", "base_version": 1}
    )
    assert response.status_code == 302 and response.url == reverse("approvals")
    assert PublishedVerdict.objects.get().statement == submitted


def test_returning_without_a_note_shows_the_error_beside_the_note(editor_client, submitted):
    response = editor_client.post(
        reverse("approval_detail", args=[submitted.pk]),
        {"action": "return", "base_version": 1, "note": ""},
    )
    assert response.status_code == 400
    assert '<p class="field-error" id="note-error">' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.review_state == State.SUBMITTED


def test_approving_a_stale_version_is_a_409_not_a_500(editor_client, submitted):
    url = reverse("approval_detail", args=[submitted.pk])
    editor_client.post(url, {"action": "return", "base_version": 1, "note": "Fix."})
    response = editor_client.post(url, {"action": "approve", "base_version": 1})
    assert response.status_code == 409
    assert "returned" in response.content.decode()


def test_an_editor_sees_no_approve_button_on_their_own_verdict_and_cannot_post_it(client):
    statement = StatementFactory()
    both = EditorFactory(roles=["Reviewers"])
    submit(statement, both)
    client.force_login(both)
    url = reverse("approval_detail", args=[statement.pk])
    html = client.get(url).content.decode()
    assert ">Approve</button>" not in html and "another editor must approve" in html
    assert client.post(url, {"action": "approve", "base_version": 1}).status_code == 403


def test_a_correction_shows_what_changed_from_the_published_version(editor_client, submitted):
    rita = submitted.verdict.author
    verdict_approve(statement_id=submitted.pk, user=EditorFactory(), base_version=1)
    verdict_correction_start(statement_id=submitted.pk, user=rita)
    submit(
        submitted,
        rita,
        version=1,
        explanation="The budget says 14%.",
        url="https://example.org/revised",
    )
    html = editor_client.get(reverse("approval_detail", args=[submitted.pk])).content.decode()
    assert "Correction to approve" in html
    assert "<del>12%.</del><ins>14%.</ins>" in html
    assert "Source added:" in html and "Source removed:" in html


def test_the_record_page_withdraws_a_published_verdict_with_a_reason(editor_client, submitted):
    verdict_approve(statement_id=submitted.pk, user=EditorFactory(), base_version=1)
    url = reverse("statement_record", args=[submitted.pk])
    assert editor_client.post(url, {"action": "withdraw", "reason": ""}).status_code == 400
    response = editor_client.post(url, {"action": "withdraw", "reason": "Source retracted."})
    assert response.status_code == 302
    html = editor_client.get(url).content.decode()
    assert "Withdrawn" in html and "Source retracted." in html


def test_publishing_a_withdrawn_verdict_again_is_said_to_be_that_not_a_correction(
    client, editor_client, submitted
):
    verdict_approve(statement_id=submitted.pk, user=EditorFactory(), base_version=1)
    record = reverse("statement_record", args=[submitted.pk])
    editor_client.post(record, {"action": "withdraw", "reason": "Source retracted."})
    response = editor_client.post(record, {"action": "correct"}, follow=True)
    # eddie is an editor only: he cannot write the verdict, so he is told to hand it on.
    assert "assign it to a reviewer" in response.content.decode()
    rita = ReviewerFactory()
    submit(submitted, rita, version=1, explanation="The budget now says 14%.")

    html = editor_client.get(reverse("approval_detail", args=[submitted.pk])).content.decode()
    assert "Withdrawn verdict to publish again" in html
    assert "Partners and the public page show it as withdrawn" in html
    assert "Partners keep seeing the published version" not in html


def test_the_approvals_queue_and_history_use_a_constant_number_of_queries(
    editor_client, django_assert_num_queries
):
    rita, eddie = ReviewerFactory(), EditorFactory()
    first = StatementFactory()
    submit(first, rita)
    # session, user, groups, approvals count (navigation), then the page's own queries.
    pages = {reverse("approvals"): 7, reverse("statement_record", args=[first.pk]): 7}

    def check():
        for url, queries in pages.items():
            with django_assert_num_queries(queries):
                assert editor_client.get(url).status_code == 200

    check()
    for statement in StatementFactory.create_batch(20):
        submit(statement, rita)
    for version in range(1, 11):  # a long history: returned and resubmitted ten times
        verdict_return(statement_id=first.pk, user=eddie, note="Again.", base_version=version)
        submit(first, rita, version=version)
    check()


def test_the_dashboard_shows_counts_and_the_chart(editor_client, submitted):
    verdict_approve(statement_id=submitted.pk, user=EditorFactory(), base_version=1)
    html = editor_client.get(reverse("dashboard")).content.decode()
    assert 'class="bar-chart"' in html and "Approvals per day" in html
    assert "Time to decision" in html


def test_the_reviewer_sees_the_returned_verdict_with_the_editors_note_in_their_queue(client):
    rita = ReviewerFactory()
    statement = StatementFactory(assignee=rita, assigned_at=timezone.now())
    submit(statement, rita)
    verdict_return(
        statement_id=statement.pk,
        user=EditorFactory(username="eddie"),
        note="Cite the treasury.",
        base_version=1,
    )
    client.force_login(rita)
    html = client.get(reverse("queue")).content.decode()
    assert "Returned by eddie:</strong> Cite the treasury." in html


def test_the_history_says_states_and_ratings_in_words_not_codes(client):
    from tests.factories import PublishedVerdictFactory

    published = PublishedVerdictFactory(rating="half_true")
    client.force_login(published.statement.verdict.author)
    html = client.get(reverse("statement_record", args=[published.statement_id])).content.decode()
    timeline = html[html.index('<ol class="timeline"') :].split("</ol>")[0]
    assert "Not started → Submitted" in timeline and "Submitted → Approved" in timeline
    assert "Half true" in timeline
    for code in ("not_started", "submitted →", "half_true</span>"):
        assert code not in timeline


def test_returning_without_a_note_shows_its_error_once_beside_the_field(editor_client, submitted):
    response = editor_client.post(
        reverse("approval_detail", args=[submitted.pk]),
        {"action": "return", "note": "", "base_version": submitted.verdict.version},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Write a note to the reviewer") == 1
    assert 'id="note-error"' in html
