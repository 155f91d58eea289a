"""The "Re-run tagging" button: the view behind it (editors only) and where it shows."""

import pytest
from django.urls import reverse

from annotations.models import EntityMention, TaggingJob
from tests.factories import ArticleFactory, EditorFactory, ReviewerFactory, TaggingJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]

KYIV_VISIT = "Ukrainian President Volodymyr Zelenskyy met leaders of the European Union."
BUTTON = "Re-run tagging"


@pytest.fixture
def failed_job():
    article = ArticleFactory(body=KYIV_VISIT)
    return TaggingJobFactory(
        article=article, state=TaggingJob.State.FAILED, attempts=8, last_error="OSError: boom"
    )


def retry(client, article_id: int, **extra):
    return client.post(reverse("tagging_retry", args=[article_id]), **extra)


def test_an_editor_requeues_a_failed_job_and_it_runs_again(
    client, failed_job, django_capture_on_commit_callbacks
):
    client.force_login(EditorFactory())
    with django_capture_on_commit_callbacks() as callbacks:
        response = retry(client, failed_job.article_id)
    assert response.status_code == 302
    assert response.url == reverse("article_detail", args=[failed_job.article_id])
    failed_job.refresh_from_db()
    assert failed_job.state == TaggingJob.State.QUEUED
    assert (failed_job.attempts, failed_job.last_error) == (0, "")

    for callback in callbacks:  # the enqueue, published on commit; eager Celery runs it
        callback()
    failed_job.refresh_from_db()
    assert failed_job.state == TaggingJob.State.SUCCEEDED and failed_job.attempts == 1
    assert failed_job.article.mentions.filter(source=EntityMention.Source.MODEL).exists()


def test_the_article_page_says_the_job_was_queued_again(client, failed_job):
    client.force_login(EditorFactory())
    page = retry(client, failed_job.article_id, follow=True).content.decode()
    assert "Tagging was queued again." in page


def test_a_running_job_is_left_alone(client, django_capture_on_commit_callbacks):
    job = TaggingJobFactory(state=TaggingJob.State.RUNNING, attempts=1)
    client.force_login(EditorFactory())
    with django_capture_on_commit_callbacks() as callbacks:
        page = retry(client, job.article_id, follow=True).content.decode()
    assert "already running" in page and not callbacks
    job.refresh_from_db()
    assert (job.state, job.attempts) == (TaggingJob.State.RUNNING, 1)


def test_a_reviewer_gets_403_and_the_job_stays_failed(client, failed_job):
    client.force_login(ReviewerFactory())
    assert retry(client, failed_job.article_id).status_code == 403
    failed_job.refresh_from_db()
    assert failed_job.state == TaggingJob.State.FAILED


def test_an_unknown_article_is_404(client):
    client.force_login(EditorFactory())
    assert retry(client, 999_999).status_code == 404


def test_get_is_not_allowed(client, failed_job):
    client.force_login(EditorFactory())
    response = client.get(reverse("tagging_retry", args=[failed_job.article_id]))
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (TaggingJob.State.FAILED, True),
        (TaggingJob.State.SUCCEEDED, True),
        (TaggingJob.State.QUEUED, False),
        (TaggingJob.State.RUNNING, False),
    ],
)
def test_editors_see_the_button_once_the_job_has_finished(client, state, shown):
    job = TaggingJobFactory(state=state)
    client.force_login(EditorFactory())
    page = client.get(reverse("article_detail", args=[job.article_id])).content.decode()
    assert (BUTTON in page) is shown


def test_reviewers_never_see_the_button(client, failed_job):
    client.force_login(ReviewerFactory())
    page = client.get(reverse("article_detail", args=[failed_job.article_id])).content.decode()
    assert BUTTON not in page
