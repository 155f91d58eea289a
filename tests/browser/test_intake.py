"""Adding an article by its web address, in the browser."""

import re

from playwright.sync_api import expect

from annotations.models import Article
from tests.browser.conftest import PASSWORD
from tests.pages import NEWS_PAGE


def test_a_reviewer_pastes_a_web_address_and_lands_on_the_article_with_its_statements(
    page, rita, login, local_site, settings, screenshot
):
    settings.INGEST_URL_ALLOW_PRIVATE = True  # the live server runs in this process
    url = local_site.route("/news/schools", NEWS_PAGE)
    login(page, "rita", PASSWORD)
    page.goto("/articles/new/")
    page.get_by_label("Or the article's web address").fill(url)
    page.get_by_role("button", name="Add article").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Minister's claim on schools")
    article = Article.objects.get(source_url=url)
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/$"))
    expect(page.locator(".meta").first).to_contain_text("Daily Example")
    expect(page.locator(".stmt[tabindex]").first).to_be_visible()
    assert page.locator(".stmt[tabindex]").count() == article.statements.count() > 0
    screenshot(page, "intake-by-url")

    # The archived page opens as text, never as a page of the site.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Archived source").click()
    source = opened.value
    source.wait_for_load_state()
    expect(source.locator("body")).to_contain_text("og:site_name")
