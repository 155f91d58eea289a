""" "Checked before" in the browser: a statement that resembles a published verdict shows
the match in its panel, and the reviewer starts from it."""

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_review import open_article, panel_of
from tests.factories import ArticleFactory, PublishedVerdictFactory, StatementFactory


def test_a_reviewer_sees_a_claim_checked_before_and_reuses_its_verdict(
    page, rita, statement, login, screenshot
):
    published = PublishedVerdictFactory(
        statement=statement, rating="half_true", explanation="The Commission says €210 billion."
    )
    text = "Europe holds €210bn of frozen Russian central bank money."
    later = ArticleFactory(title="Frozen assets", body=f"{text}\nMore to follow.")
    new = StatementFactory(article=later, phrase=text)
    login(page, "rita", PASSWORD)
    open_article(page, later, new)
    panel = panel_of(page, new)
    match = panel.locator(".matches-section")
    expect(match.get_by_role("heading", name="Checked before")).to_be_visible()
    expect(match).to_contain_text("Half true")
    expect(match).to_contain_text("same figure 210")
    expect(match.get_by_role("link", name="published verdict")).to_have_attribute(
        "href", f"/verdicts/{published.pk}/"
    )
    screenshot(page, "matching-checked-before")

    match.get_by_role("button", name="Reuse the verdict").click()
    expect(panel.locator("[data-panel-status]")).to_contain_text("Draft started from the published")
    expect(panel.get_by_role("radio", name="Half true", exact=True)).to_be_checked()
    expect(panel.get_by_label("Explanation")).to_have_value("The Commission says €210 billion.")
    expect(panel.locator(".state-badge")).to_have_text("Draft")
    expect(panel.locator(".reused-note")).to_contain_text("Started from the published verdict")
    # Still four eyes: the reviewer submits, nothing is published yet.
    panel.get_by_role("button", name="Submit for approval").click()
    expect(panel.locator(".state-badge")).to_have_text("Submitted")
