"""An editor re-runs a failed tagging job from the article page."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from annotations.models import TaggingJob
from tests.browser.conftest import PASSWORD
from tests.factories import ArticleFactory, TaggingJobFactory

TEXT = "Ukrainian President Volodymyr Zelenskyy met leaders of the European Union in Brussels."


@pytest.fixture
def edna(django_user_model):
    user = django_user_model.objects.create_user("edna", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    return user


def test_an_editor_re_runs_a_failed_tagging_job(page, edna, transactional_db, login):
    article = ArticleFactory(title="Kyiv visit", body=TEXT)
    TaggingJobFactory(article=article, state=TaggingJob.State.FAILED, last_error="OSError: boom")
    login(page, "edna", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    badge = page.locator("#tagging-status [data-tagging-state]")
    expect(badge).to_have_text("Tagging failed")

    # A plain form post: the page reloads (the task runs in the server, eagerly, on commit).
    with page.expect_navigation():
        page.get_by_role("button", name="Re-run tagging").click()

    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/$"))
    expect(page.get_by_role("status").filter(has_text="Tagging was queued again.")).to_be_visible()
    expect(badge).not_to_have_text(re.compile("failed"))
    expect(badge).to_have_attribute(
        "data-tagging-state", re.compile("^(queued|running|succeeded)$")
    )
