"""The reviewer's workbench in a real browser: select a statement, write a verdict with
sources, save, reload, submit; two reviewers in a conflict; the keyboard; corrections
from a text selection."""

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from annotations.models import EntityMention, Statement
from tests.browser.conftest import PASSWORD, SAMPLE_ARTICLE
from tests.factories import (
    ArticleFactory,
    EntityMentionFactory,
    StatementFactory,
    TaggingJobFactory,
)

SAMPLE = SAMPLE_ARTICLE

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
FIGURE = "€210 billion"
# Chromium logs every 4xx answer to fetch as a console error; these tests expect them.
CONFLICT_LOGGED = r"status of 409 .*/verdict/\)$"

# Select `needle` in the article text as a mouse would (a DOM range over its text nodes),
# then let the page see the mouseup that ends a selection.
SELECT_TEXT = """(needle) => {
  for (const p of document.querySelectorAll(".article-text p")) {
    const at = p.textContent.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let pos = 0, node, started = false;
    while ((node = walker.nextNode())) {
      const len = node.data.length;
      if (!started && at < pos + len) { range.setStart(node, at - pos); started = true; }
      if (at + needle.length <= pos + len) { range.setEnd(node, at + needle.length - pos); break; }
      pos += len;
    }
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    p.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    return true;
  }
  return false;
}"""


def open_article(page, article, statement=None):
    url = f"/articles/{article.pk}/" + (f"?s={statement.pk}" if statement else "")
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)


def panel_of(page, statement):
    """The verdict panel, once it shows ``statement``."""
    panel = page.locator("#panel")
    expect(panel.locator(".panel")).to_have_attribute("data-statement", str(statement.pk))
    return panel


def test_a_reviewer_writes_saves_reloads_and_submits_a_verdict(
    page, rita, article, statement, login, screenshot
):
    login(page, "rita", PASSWORD)
    open_article(page, article)
    figure_statement = page.locator("#article-text").get_by_role(
        "button", name=re.compile(re.escape(FIGURE))
    )
    expect(figure_statement).to_have_attribute("aria-pressed", "false")
    figure_statement.click()

    expect(figure_statement).to_have_attribute("aria-pressed", "true")
    panel = panel_of(page, statement)
    expect(panel.locator(".panel-quote")).to_contain_text(FIGURE)
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/\?s={statement.pk}$"))

    panel.get_by_role("radio", name="Half true", exact=True).check()
    panel.get_by_label("Explanation").fill(
        "The EU put the figure at €210 billion; most of it sits in Belgium."
    )
    panel.get_by_label("Source URL").fill("https://example.org/eu-frozen-assets")
    panel.get_by_label("Source title").fill("EU frozen Russian assets")
    panel.get_by_role("button", name="Add source").click()
    expect(panel.get_by_label("Source URL")).to_have_count(2)
    panel.get_by_label("Source URL").nth(1).fill("https://example.org/second")
    panel.get_by_label("Publisher").nth(1).fill("Second Desk")
    expect(panel.get_by_text("Unsaved changes")).to_be_visible()
    panel.get_by_role("button", name="Save draft").click()

    expect(panel.locator("[data-panel-status]")).to_have_text("Draft saved (version 1).")
    expect(figure_statement).to_have_attribute("data-state", "draft")
    expect(page.locator(".progress [data-progress=draft]")).to_have_text("1")

    page.reload()
    panel = panel_of(page, statement)
    expect(figure_statement).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("radio", name="Half true", exact=True)).to_be_checked()
    expect(panel.get_by_label("Explanation")).to_have_value(re.compile("most of it sits"))
    expect(panel.get_by_label("Source URL")).to_have_count(2)
    expect(panel.get_by_label("Source URL").first).to_have_value(
        "https://example.org/eu-frozen-assets"
    )
    expect(panel.get_by_label("Source title").first).to_have_value("EU frozen Russian assets")
    expect(panel.get_by_label("Publisher").nth(1)).to_have_value("Second Desk")
    expect(panel.locator(".source-row .accessed").first).to_contain_text("Accessed ")
    # The state label is drawn in the text, in words.
    label = figure_statement.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert label == '"Draft"'
    # What a reviewer sees on a laptop (1440x900), and the whole page.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-page.png"))
    screenshot(page, "review-page-full")

    panel.get_by_role("button", name="Submit for approval").click()
    expect(panel.locator(".readonly-note")).to_have_text(
        "Submitted for approval — read-only until an editor acts."
    )
    expect(panel.locator("input:not([type=hidden]), textarea, select")).to_have_count(0)
    expect(panel.locator(".state-badge")).to_have_text("Submitted")
    expect(panel.locator(".verdict-readonly")).to_contain_text("Half true")
    expect(panel.get_by_role("link", name="EU frozen Russian assets")).to_have_attribute(
        "rel", "noopener noreferrer"
    )
    expect(figure_statement).to_have_attribute("data-state", "submitted")
    statement.refresh_from_db()
    assert statement.review_state == Statement.ReviewState.SUBMITTED
    screenshot(page, "review-page-submitted")


def test_two_reviewers_saving_at_once_get_a_conflict_not_an_overwrite(
    new_context, rita, sam, article, statement, login, browser_errors, screenshot
):
    browser_errors.allow(CONFLICT_LOGGED)
    rita_page, sam_page = new_context().new_page(), new_context().new_page()
    login(rita_page, "rita", PASSWORD)
    login(sam_page, "sam", PASSWORD)
    open_article(rita_page, article, statement)
    open_article(sam_page, article, statement)

    sam_panel = panel_of(sam_page, statement)
    sam_panel.get_by_role("radio", name="False", exact=True).check()
    sam_panel.get_by_label("Explanation").fill("Sam: the figure is not what the EU said.")
    sam_panel.get_by_label("Source URL").fill("https://sam.example/check")

    rita_panel = panel_of(rita_page, statement)
    rita_panel.get_by_role("radio", name="True", exact=True).check()
    rita_panel.get_by_label("Explanation").fill("Rita: the EU confirms €210 billion.")
    rita_panel.get_by_label("Source URL").fill("https://rita.example/eu")
    rita_panel.get_by_label("Source title").fill("Rita's EU source")
    rita_panel.get_by_role("button", name="Save draft").click()
    expect(rita_panel.locator("[data-panel-status]")).to_have_text("Draft saved (version 1).")

    sam_panel.get_by_role("button", name="Save draft").click()
    conflict = sam_panel.locator(".conflict")
    expect(conflict).to_contain_text("rita saved a change at")
    theirs = conflict.locator(".their-version")
    expect(theirs).to_contain_text("Their version (v1, saved by rita")
    expect(theirs).to_contain_text("True")
    expect(theirs).to_contain_text("Rita: the EU confirms €210 billion.")
    expect(theirs.get_by_role("link", name="Rita's EU source")).to_have_attribute(
        "href", "https://rita.example/eu"
    )
    # Sam's typed text is still in the form, now based on Rita's version.
    expect(sam_panel.get_by_label("Explanation")).to_have_value(
        "Sam: the figure is not what the EU said."
    )
    expect(sam_panel.get_by_role("radio", name="False", exact=True)).to_be_checked()
    expect(sam_panel.get_by_label("Source URL")).to_have_value("https://sam.example/check")
    expect(sam_panel.locator("input[name=base_version]")).to_have_value("1")
    screenshot(sam_page, "review-conflict")
    statement.refresh_from_db()
    assert statement.verdict.explanation == "Rita: the EU confirms €210 billion."

    # Saving again is a deliberate choice to replace Rita's version.
    sam_panel.get_by_role("button", name="Save draft").click()
    expect(sam_panel.locator("[data-panel-status]")).to_have_text("Draft saved (version 2).")
    expect(sam_panel.locator(".conflict")).to_have_count(0)
    statement.verdict.refresh_from_db()
    assert statement.verdict.explanation == "Sam: the figure is not what the EU said."


def test_the_keyboard_moves_between_statements_and_fills_the_verdict(page, rita, article, login):
    login(page, "rita", PASSWORD)
    open_article(page, article)
    statements = page.locator(".article-text .stmt[tabindex]")
    first, second = statements.nth(0), statements.nth(1)
    ids = [Statement.objects.filter(article=article).order_by("start")[i].pk for i in (0, 1)]

    page.keyboard.press("j")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(first).to_be_focused()
    page.keyboard.press("j")
    expect(second).to_have_attribute("aria-pressed", "true")
    expect(first).to_have_attribute("aria-pressed", "false")
    expect(page).to_have_url(re.compile(rf"\?s={ids[1]}$"))
    page.keyboard.press("k")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(first).to_be_focused()
    panel = page.locator("#panel .panel")
    expect(panel).to_have_attribute("data-statement", str(ids[0]))

    page.keyboard.press("3")
    expect(panel.get_by_role("radio", name="Half true", exact=True)).to_be_checked()
    page.keyboard.press("6")
    expect(panel.get_by_role("radio", name="Misleading", exact=True)).to_be_checked()

    # Typing in a field never triggers a shortcut.
    explanation = panel.get_by_label("Explanation")
    explanation.click()
    page.keyboard.type("j k 1 s ?")
    expect(explanation).to_have_value("j k 1 s ?")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("radio", name="Misleading", exact=True)).to_be_checked()
    expect(page.locator("#shortcuts-help")).not_to_be_visible()

    # Escape leaves the field; Enter then asks for what is missing instead of submitting.
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    expect(panel.locator("[data-panel-status]")).to_have_text("To submit, add a source URL.")

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next statement")
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()

    # Enter and Space on a focused statement select it.
    second.focus()
    page.keyboard.press("Enter")
    expect(second).to_have_attribute("aria-pressed", "true")
    first.focus()
    page.keyboard.press(" ")
    expect(first).to_have_attribute("aria-pressed", "true")
    # The unsaved text of the first statement came back with it.
    expect(page.locator("#panel .panel")).to_have_attribute("data-statement", str(ids[0]))
    expect(page.locator("#panel").get_by_label("Explanation")).to_have_value("j k 1 s ?")


def test_entity_labels_show_on_hover_and_when_the_statement_has_focus(page, rita, article, login):
    login(page, "rita", PASSWORD)
    open_article(page, article)
    mark = page.locator(".article-text .stmt[tabindex] .ent").first
    expect(mark).to_have_attribute("data-label", re.compile(r"^[A-Z]+$"))
    visibility = "(el) => getComputedStyle(el, '::after').visibility"
    content = "(el) => getComputedStyle(el, '::after').content"
    page.mouse.move(0, 0)
    assert mark.evaluate(visibility) == "hidden"
    mark.hover()
    assert mark.evaluate(visibility) == "visible"
    assert mark.evaluate(content) == f'"{mark.get_attribute("data-label")}"'
    page.mouse.move(0, 0)
    mark.locator("xpath=ancestor::span[contains(@class, 'stmt')][1]").focus()
    assert mark.evaluate(visibility) == "visible"


def test_a_reviewer_adds_a_statement_and_marks_an_entity_from_a_selection(
    page, rita, article, login
):
    login(page, "rita", PASSWORD)
    open_article(page, article)
    # A sentence no pass makes a statement (an attribution with nothing said), so the
    # outcome does not hang on the model's score.
    text = "Speaking alongside him, NATO Secretary-General Mark Rutte concurred"
    assert page.evaluate(SELECT_TEXT, text)
    toolbar = page.get_by_role("toolbar", name="Selected text")
    expect(toolbar).to_be_visible()
    expect(toolbar).to_contain_text(text)
    toolbar.get_by_role("button", name="Add statement").click()

    added = page.locator("#article-text").get_by_role("button", name=text, exact=True)
    expect(added).to_have_attribute("aria-pressed", "true")
    expect(toolbar).to_be_hidden()
    statement = Statement.objects.get(article=article, text=text)
    assert statement.start == article.body.index(text) and statement.origin == "human"
    panel = panel_of(page, statement)
    expect(panel.locator(".panel-quote")).to_have_text(text)
    expect(panel.locator("[data-panel-status]")).to_have_text("Statement added.")

    # Mark an entity inside the new statement: it shows in the text and in the panel.
    assert page.evaluate(SELECT_TEXT, "alongside")
    toolbar.get_by_label("Entity label").select_option("EVENT")
    toolbar.get_by_role("button", name="Mark entity").click()
    marked = page.locator(".article-text mark", has_text="alongside")
    expect(marked).to_have_attribute("data-label", "EVENT")
    expect(panel.locator(".mention-list")).to_contain_text("alongside")
    mention = EntityMention.objects.get(article=article, text="alongside", removed=False)
    assert (mention.label, mention.source) == ("EVENT", "human")

    # Relabel it from the panel, then remove it.
    item = panel.locator(".mention-item", has_text="alongside")
    item.get_by_label("Label for “alongside”").select_option("LAW")
    item.get_by_role("button", name="Relabel").click()
    expect(marked).to_have_attribute("data-label", "LAW")
    panel.locator(".mention-item", has_text="alongside").get_by_role(
        "button", name="Remove"
    ).click()
    expect(panel.locator("[data-panel-status]")).to_have_text("Entity mention removed.")
    expect(marked).to_have_count(0)

    # A selection across two paragraphs is refused in the toolbar itself.
    page.evaluate(
        """() => {
            const ps = document.querySelectorAll(".article-text p");
            const range = document.createRange();
            range.setStart(ps[0].firstChild, 3);
            range.setEnd(ps[1].lastChild, 2);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            ps[1].dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }"""
    )
    expect(toolbar).to_contain_text("Select text within one paragraph.")
    expect(toolbar.get_by_role("button", name="Add statement")).to_be_disabled()


def test_a_dismissed_statement_is_struck_through_and_can_be_restored(
    page, rita, article, statement, login, browser_errors
):
    browser_errors.allow(r"status of 400 .*/dismiss/\)$")  # the missing reason, on purpose
    login(page, "rita", PASSWORD)
    open_article(page, article, statement)
    panel = panel_of(page, statement)
    panel.get_by_role("button", name="Dismiss as not checkable").click()
    expect(panel.get_by_label("Reason").locator("xpath=..").locator("..")).to_contain_text(
        "Say why this statement is not checkable."
    )
    panel.get_by_label("Reason").fill("A forecast about talks, not a checkable claim.")
    panel.get_by_role("button", name="Dismiss as not checkable").click()

    expect(panel.locator(".state-badge")).to_have_text("Dismissed")
    expect(panel.locator(".dismissed-reason")).to_contain_text("A forecast about talks")
    in_text = page.locator(f"#s{statement.pk}")
    expect(in_text).to_have_attribute("data-state", "dismissed")
    assert "line-through" in in_text.evaluate("(el) => getComputedStyle(el).textDecorationLine")
    expect(page.locator(".progress [data-progress=dismissed]")).to_have_text("1")

    # Still a control: select another statement, come back, restore.
    page.keyboard.press("j")
    expect(in_text).to_have_attribute("aria-pressed", "false")
    in_text.click()
    panel = panel_of(page, statement)
    panel.get_by_role("button", name="Restore").click()
    expect(panel.locator(".state-badge")).to_have_text("Not started")
    expect(in_text).to_have_attribute("data-state", "not_started")


def test_unsaved_text_survives_moving_on_and_reloading_until_it_is_saved(
    page, rita, article, statement, login
):
    login(page, "rita", PASSWORD)
    open_article(page, article, statement)
    panel = panel_of(page, statement)
    panel.get_by_role("radio", name="Mostly false", exact=True).check()
    panel.get_by_label("Explanation").fill("Half-written thought")
    panel.get_by_role("button", name="Add source").click()
    panel.get_by_label("Source URL").nth(1).fill("https://example.org/two")

    page.keyboard.press("Escape")
    page.keyboard.press("j")  # to another statement, without saving
    expect(page.locator(f"#s{statement.pk}")).to_have_attribute("aria-pressed", "false")
    page.reload()
    page.locator(f"#s{statement.pk}").click()
    panel = panel_of(page, statement)
    expect(panel.locator("[data-panel-status]")).to_contain_text(
        "Your unsaved changes were restored"
    )
    expect(panel.get_by_label("Explanation")).to_have_value("Half-written thought")
    expect(panel.get_by_role("radio", name="Mostly false", exact=True)).to_be_checked()
    expect(panel.get_by_label("Source URL").nth(1)).to_have_value("https://example.org/two")

    panel.get_by_role("button", name="Save draft").click()
    expect(panel.locator("[data-panel-status]")).to_have_text("Draft saved (version 1).")
    page.reload()
    panel = panel_of(page, statement)
    expect(panel.locator("[data-panel-status]")).to_have_text("")
    expect(panel.get_by_label("Explanation")).to_have_value("Half-written thought")


def test_entity_marks_appear_when_tagging_finishes_without_a_reload(page, rita, login):
    article = ArticleFactory(body="The EU froze €210 billion of Russian assets on Thursday.")
    StatementFactory(article=article)
    job = TaggingJobFactory(article=article, state="queued")
    login(page, "rita", PASSWORD)
    open_article(page, article)
    expect(page.locator("#tagging-status")).to_contain_text("Tagging queued")
    page.evaluate("window.__samePage = true")

    EntityMentionFactory(article=article, phrase="EU", label="ORG", source="model")
    job.state, job.mention_count = "succeeded", 1
    job.save()
    expect(page.locator('.article-text mark[data-label="ORG"]')).to_have_text("EU")
    expect(page.locator("#tagging-status [data-tagging-state]")).to_have_text("Tagged")
    expect(page.locator(".legend .count")).to_have_text("1 entity mention")
    assert page.evaluate("window.__samePage") is True
