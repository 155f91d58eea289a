"""Swagger UI's Authorize dialog, in Chromium: the partner token comes first."""

from playwright.sync_api import expect


def test_authorize_offers_the_partner_token_before_the_session_cookie(page, screenshot):
    page.goto("/api/docs/")
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".auth-container")
    expect(dialog.first).to_be_visible()
    names = [h.inner_text() for h in page.locator(".auth-container h4").all()]
    assert names[0].startswith("partnerToken") and "Bearer" in names[0], names
    assert names[1].startswith("sessionCookie"), names
    screenshot(page, "api-docs-authorize")
