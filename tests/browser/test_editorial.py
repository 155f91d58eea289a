"""The editorial workflow in a real browser: a reviewer submits, an editor returns it with
a note, the reviewer reads the note, edits and resubmits, the editor approves; the
history shows every step."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from annotations.models import PublishedVerdict, Statement
from tests.browser.conftest import PASSWORD
from tests.browser.test_review import open_article, panel_of


def _editor(django_user_model, username: str):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    return user


def test_submit_return_with_a_note_resubmit_and_approve_with_the_history(
    new_context, rita, django_user_model, article, statement, login, screenshot
):
    _editor(django_user_model, "eddie")
    reviewer, editor = new_context().new_page(), new_context().new_page()
    login(reviewer, "rita", PASSWORD)
    login(editor, "eddie", PASSWORD)

    # The reviewer writes and submits.
    open_article(reviewer, article, statement)
    panel = panel_of(reviewer, statement)
    panel.get_by_role("radio", name="Mostly true", exact=True).check()
    panel.get_by_label("Explanation").fill("The Commission puts the assets at €210 billion.")
    panel.get_by_label("Source URL").fill("https://example.org/commission")
    panel.get_by_label("Source title").fill("Commission statement")
    panel.get_by_role("button", name="Submit for approval").click()
    expect(panel.locator(".state-badge")).to_have_text("Submitted")

    # The editor finds it in the queue (the navigation counts it) and returns it.
    editor.goto("/approvals/")
    expect(editor.get_by_role("link", name=re.compile(r"Approvals\s+1"))).to_be_visible()
    in_queue = editor.get_by_role("link", name=re.compile(re.escape(statement.text[:40])))
    in_queue.click()
    expect(editor.locator("mark.stmt-quote")).to_contain_text("€210 billion")
    expect(editor.get_by_role("link", name="Commission statement")).to_have_attribute(
        "target", "_blank"
    )
    editor.get_by_label("Note to reviewer").fill("Cite the Council's figure as well.")
    editor.get_by_role("button", name="Return to reviewer").click()
    expect(editor.get_by_text("Returned to the reviewer with your note.")).to_be_visible()

    # The reviewer sees the note in the queue and in the panel, edits and resubmits.
    reviewer.goto("/queue/")
    # Not assigned to her, but her verdict: it is queued, with the note.
    expect(reviewer.locator(".event-note")).to_contain_text("Cite the Council's figure as well.")
    open_article(reviewer, article, statement)
    panel = panel_of(reviewer, statement)
    expect(panel.locator(".returned-note")).to_contain_text("Cite the Council's figure as well.")
    panel.get_by_role("button", name="Add source").click()
    panel.get_by_label("Source URL").nth(1).fill("https://example.org/council")
    panel.get_by_label("Source title").nth(1).fill("Council conclusions")
    panel.get_by_role("button", name="Submit for approval").click()
    expect(panel.locator(".state-badge")).to_have_text("Submitted")

    # The editor approves; the verdict is published.
    editor.goto("/approvals/")
    in_queue.click()
    editor.get_by_role("button", name="Approve").click()
    expect(editor.get_by_text("Approved and published.")).to_be_visible()
    assert PublishedVerdict.objects.get().statement_id == statement.pk
    statement.refresh_from_db()
    assert statement.review_state == Statement.ReviewState.APPROVED

    # The history shows the four steps, with who did each.
    editor.goto(f"/statements/{statement.pk}/record/")
    steps = editor.locator(".timeline li .event-head strong")
    expect(steps).to_have_text(
        [
            "Submitted for approval",
            "Returned to reviewer",
            "Submitted for approval",
            "Approved and published",
        ]
    )
    expect(editor.locator(".timeline")).to_contain_text("Cite the Council's figure as well.")
    screenshot(editor, "statement-record")
    editor.goto("/dashboard/")
    expect(editor.locator("svg.bar-chart rect.bar")).to_have_count(30)
    # The chart's table for screen readers takes no room: the page ends with its content.
    extra = editor.evaluate(
        "document.documentElement.scrollHeight"
        " - document.querySelector('main').getBoundingClientRect().bottom - window.scrollY"
    )
    assert extra < 100, f"{extra} px of blank page below the dashboard"
    screenshot(editor, "dashboard")
