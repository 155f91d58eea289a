"""The claim as reviewed in a real browser: a reviewer writes a short summary of a garbled
sentence ("inRussian") and names its speaker, submits; the editor sees the summary beside
the original sentence and approves; the public verdict page's ClaimReview carries them."""

import json

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from annotations.models import PublishedVerdict
from tests.browser.conftest import PASSWORD
from tests.browser.test_review import open_article, panel_of

SUMMARY = "The EU holds €210 billion in immobilised Russian sovereign assets."


def test_a_reviewers_claim_summary_and_speaker_are_approved_and_published(
    new_context, rita, django_user_model, article, statement, login, screenshot
):
    eddie = django_user_model.objects.create_user("eddie", password=PASSWORD)
    eddie.groups.add(Group.objects.get_or_create(name="Editors")[0])
    reviewer, editor = new_context().new_page(), new_context().new_page()
    login(reviewer, "rita", PASSWORD)
    login(editor, "eddie", PASSWORD)

    # The reviewer words the claim and names who made it, beside the verdict.
    open_article(reviewer, article, statement)
    panel = panel_of(reviewer, statement)
    summary = panel.get_by_label("Claim as reviewed")
    expect(summary).to_have_attribute("placeholder", statement.text)
    summary.fill(SUMMARY)
    panel.get_by_label("Speaker", exact=True).fill("European Commission")
    panel.get_by_label("Speaker type").select_option("Organization")
    panel.get_by_role("radio", name="Mostly true", exact=True).check()
    panel.get_by_label("Explanation").fill("The Commission puts the assets at €210 billion.")
    panel.get_by_label("Source URL").fill("https://example.org/commission")
    summary.scroll_into_view_if_needed()
    screenshot(reviewer, "claim-summary-in-the-panel")
    panel.get_by_role("button", name="Submit for approval").click()
    expect(panel.locator(".state-badge")).to_have_text("Submitted")
    expect(panel.locator(".ro-claim-summary")).to_have_text(SUMMARY)
    expect(panel.locator(".ro-speaker")).to_have_text("European Commission (Organization)")

    # The editor sees the summary beside the sentence as written, and the speaker.
    editor.goto(f"/approvals/{statement.pk}/")
    compare = editor.locator(".claim-compare")
    expect(compare.locator(".claim-original")).to_have_text(statement.text)
    expect(compare.locator(".claim-summary")).to_have_text(SUMMARY)
    expect(editor.locator(".verdict-view .claimant")).to_have_text(
        "European Commission Organization"
    )
    screenshot(editor, "claim-summary-in-the-approval")
    editor.get_by_role("button", name="Approve").click()
    expect(editor.get_by_text("Approved and published.")).to_be_visible()

    # The public page's ClaimReview: the summary is the claim, the speaker its author.
    published = PublishedVerdict.objects.get(statement=statement)
    editor.goto(f"/verdicts/{published.pk}/")
    claimreview = json.loads(
        editor.locator('script[type="application/ld+json"]').text_content() or "{}"
    )
    assert claimreview["claimReviewed"] == SUMMARY
    assert claimreview["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "European Commission",
    }
    statement.refresh_from_db()
    assert "inRussian" in statement.text  # the sentence itself is never rewritten
