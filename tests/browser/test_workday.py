"""A reviewer's and an editor's whole day (issue 10): the workbench on a phone and on a
laptop, selections from a statement's first letter, relabelling every mention of an
entity, labels that never cover the text, feedback in view and said once, Enter that asks
before it submits, and search over statements, explanations and entities.

Screenshots of both sizes are kept in test-artifacts/ (workday-*.png)."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import EntityMention, ReviewEvent, Statement
from tests.browser.conftest import PASSWORD
from tests.browser.test_review import SELECT_TEXT, open_article, panel_of
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    EntityFactory,
    EntityMentionFactory,
    PublishedVerdictFactory,
    StatementFactory,
    SubmittedVerdictFactory,
    TaggingJobFactory,
)

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1440, "height": 900}

# Widest element edge against the window: a page that fits has nothing past the right.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) wide.push(el.tagName + "." + el.className);
  }
  return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
}"""


def _editor(username="eddie"):
    editor = EditorFactory(username=username)
    editor.set_password(PASSWORD)
    editor.save()
    return editor


def _fits(page) -> None:
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["width"], f"{page.url} is wider than the window: {result}"


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390", "360"])
def test_every_desk_page_fits_a_phone_in_one_column_with_the_nav_in_a_menu(
    new_context, rita, article, statement, login, screenshot, viewport
):
    _editor()
    SubmittedVerdictFactory(statement=statement, reviewer=rita)
    page = new_context(viewport=viewport).new_page()
    login(page, "eddie", PASSWORD)
    pages = {
        "articles": "/",
        "queue": "/queue/",
        "add": "/articles/new/",
        "dashboard": "/dashboard/",
        "approvals": "/approvals/",
        "approval": f"/approvals/{statement.pk}/",
        "review": f"/articles/{article.pk}/",
        "record": f"/statements/{statement.pk}/record/",
        "learned": "/learned-names/",
    }
    for name, url in pages.items():
        page.goto(url)
        _fits(page)
        screenshot(page, f"workday-{viewport['width']}-{name}")

    # The nav is folded into a menu that opens and closes.
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    screenshot(page, f"workday-{viewport['width']}-menu")
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    menu.click()
    nav.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_on_a_laptop_the_nav_stays_open_and_no_menu_button_shows(page, rita, article, login):
    login(page, "rita", PASSWORD)
    open_article(page, article)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    _fits(page)


def test_choosing_a_statement_on_a_phone_opens_its_panel_as_a_sheet_below_it(
    new_context, rita, article, statement, login, screenshot
):
    page = new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    login(page, "rita", PASSWORD)
    open_article(page, article)
    panel = page.locator("#panel")
    expect(panel).to_be_hidden()  # no sheet until a statement is chosen

    button = page.locator(f'.stmt[tabindex][data-statement="{statement.pk}"]')
    button.scroll_into_view_if_needed()
    button.tap()
    expect(panel.locator(".panel")).to_have_attribute("data-statement", str(statement.pk))
    expect(panel).to_be_in_viewport()
    sheet = panel.bounding_box()
    assert sheet["y"] + sheet["height"] <= PHONE["height"] + 1
    # The chosen statement starts in the part of the screen above the sheet.
    top = button.bounding_box()["y"]
    assert 0 <= top < sheet["y"], (top, sheet)
    screenshot(page, "workday-390-sheet")

    # Saving: the message is on screen, in the sheet's action bar.
    panel.get_by_role("radio", name="Half true", exact=True).check()
    panel.get_by_label("Explanation").fill("The Commission's figure is €210 billion.")
    panel.get_by_role("button", name="Save draft").click()
    status = panel.locator("[data-panel-status]")
    expect(status).to_have_text("Draft saved (version 1).")
    expect(status).to_be_in_viewport()
    screenshot(page, "workday-390-saved")

    panel.get_by_role("button", name="Close the verdict panel").click()
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()

    # Opened from a link (?s=, as from My queue), the action bar is on screen at once.
    open_article(page, article, statement)
    submit = panel.get_by_role("button", name="Submit for approval")
    expect(submit).to_be_visible()
    box = submit.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box


def _first_letter_box(page, statement_id):
    return page.evaluate(
        """(id) => {
            const s = document.querySelector('.stmt[tabindex][data-statement="' + id + '"]');
            s.scrollIntoView({ block: "center" });
            const text = document.createTreeWalker(s, NodeFilter.SHOW_TEXT).nextNode();
            const range = document.createRange();
            range.setStart(text, 0);
            range.setEnd(text, 1);
            const box = range.getBoundingClientRect();
            return { x: box.left, y: box.top + box.height / 2 };
        }""",
        statement_id,
    )


def test_a_drag_from_a_statements_first_letter_selects_text_and_does_not_open_it(page, rita, login):
    article = ArticleFactory(
        body="Analysts at ING expect exports to fall by 4% this year.\n"
        "She noted that Swiss banks hold 30% of the deposits.\n"
        "The union called a strike for 3 May."
    )
    statements = [
        StatementFactory(article=article, phrase=line) for line in article.body.split("\n")
    ]
    # One with a state label before its first letter (a draft).
    SubmittedVerdictFactory(statement=statements[1], reviewer=rita)
    Statement.objects.filter(pk=statements[1].pk).update(review_state="draft")
    login(page, "rita", PASSWORD)
    open_article(page, article)
    toolbar = page.get_by_role("toolbar", name="Selected text")
    for statement in statements:
        page.evaluate("getSelection().removeAllRanges()")
        page.keyboard.press("Escape")
        at = _first_letter_box(page, statement.pk)
        page.mouse.move(at["x"] + 1, at["y"])
        page.mouse.down()
        page.mouse.move(at["x"] + 60, at["y"], steps=4)
        page.mouse.move(at["x"] + 120, at["y"], steps=4)
        page.mouse.up()
        expect(toolbar).to_be_visible()
        selected = page.evaluate("getSelection().toString()")
        assert statement.text.startswith(selected[:6]) and len(selected) > 6, selected
        button = page.locator(f'.stmt[tabindex][data-statement="{statement.pk}"]')
        expect(button).to_have_attribute("aria-pressed", "false")
    # A click (no drag) still opens the statement.
    page.mouse.click(10, 10)
    at = _first_letter_box(page, statements[2].pk)
    page.mouse.click(at["x"] + 1, at["y"])
    expect(page.locator(f'.stmt[data-statement="{statements[2].pk}"][tabindex]')).to_have_attribute(
        "aria-pressed", "true"
    )
    panel_of(page, statements[2])


def test_relabelling_an_entity_can_fix_all_its_mentions_in_the_article(page, rita, login):
    article = ArticleFactory(
        body="Rotterdam handled 440 million tonnes in 2024.\n"
        "The port of Rotterdam said volumes fell 2%.\n"
        "Officials in Rotterdam expect growth."
    )
    lines = article.body.split("\n")
    statement = StatementFactory(article=article, phrase=lines[0])
    wrong = EntityFactory(name="Rotterdam", label="PERSON")
    at = 0
    for _ in range(3):
        at = article.body.index("Rotterdam", at)
        EntityMentionFactory(
            article=article, entity=wrong, start=at, end=at + 9, label="PERSON", source="model"
        )
        at += 9
    login(page, "rita", PASSWORD)
    open_article(page, article, statement)
    panel = panel_of(page, statement)
    item = panel.locator(".mention-item", has_text="Rotterdam")
    everywhere = item.get_by_label("all 3 mentions in this article")
    expect(everywhere).to_be_visible()
    item.get_by_label("Label for “Rotterdam”").select_option("GPE")
    everywhere.check()
    item.get_by_role("button", name="Relabel").click()
    expect(panel.locator("[data-panel-status]")).to_have_text(
        "“Rotterdam” is now marked GPE in 3 places in this article."
    )
    marks = page.locator(".article-text mark", has_text="Rotterdam")
    expect(marks).to_have_count(3)
    for n in range(3):
        expect(marks.nth(n)).to_have_attribute("data-label", "GPE")
    visible = EntityMention.objects.filter(article=article, removed=False)
    assert sorted(visible.values_list("label", "source")) == [("GPE", "human")] * 3


def test_entity_labels_of_the_open_statement_never_cover_the_line_above(
    page, rita, article, statement, login, screenshot
):
    login(page, "rita", PASSWORD)
    open_article(page, article, statement)
    panel_of(page, statement)
    overlaps = page.evaluate(
        """(id) => {
            const s = document.querySelector('.stmt[tabindex][data-statement="' + id + '"]');
            const p = s.closest("p");
            const lines = [];
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
              const range = document.createRange();
              range.selectNodeContents(node);
              for (const r of range.getClientRects()) lines.push(r);
            }
            const previous = p.previousElementSibling;
            if (previous) {
              const range = document.createRange();
              range.selectNodeContents(previous);
              for (const r of range.getClientRects()) lines.push(r);
            }
            const found = [];
            const marks = document.querySelectorAll(
              '.stmt[data-statement="' + id + '"] .ent');
            for (const mark of marks) {
              const own = mark.getBoundingClientRect();
              const style = getComputedStyle(mark, "::after");
              if (style.visibility !== "visible") continue;
              const height = parseFloat(style.height) || 13;
              const badge = { top: own.top - height + 2, left: own.left, right: own.left + 30 };
              for (const line of lines) {
                const above = line.bottom <= own.top + 1;
                const across = line.right > badge.left && line.left < badge.right;
                if (above && across && line.bottom - 2 > badge.top) {
                  found.push(mark.textContent + " covers text above by " +
                    Math.round(line.bottom - badge.top) + "px");
                }
              }
            }
            return { marks: marks.length, found };
        }""",
        statement.pk,
    )
    screenshot(page, "workday-1440-labels")
    assert overlaps["marks"] > 0
    assert overlaps["found"] == []


def test_the_tagging_badge_and_the_legend_agree_after_a_reviewer_marks_an_entity(page, rita, login):
    article = ArticleFactory(body="The EU froze €210 billion of Russian assets on Thursday.")
    StatementFactory(article=article)
    EntityMentionFactory(article=article, phrase="EU", label="ORG", source="model")
    TaggingJobFactory(article=article, state="succeeded", mention_count=1)
    login(page, "rita", PASSWORD)
    open_article(page, article)
    legend = page.locator(".legend .count")
    expect(legend).to_have_text("1 entity mention")
    badge = page.locator("#tagging-status [data-tagging-state]")
    expect(badge).to_have_text("Tagged")
    assert page.evaluate(SELECT_TEXT, "Russian")
    toolbar = page.get_by_role("toolbar", name="Selected text")
    toolbar.get_by_label("Entity label").select_option("NORP")
    toolbar.get_by_role("button", name="Mark entity").click()
    expect(legend).to_have_text("2 entity mentions")
    # One number on the page: the badge says the state, not a count that went stale.
    expect(badge).to_have_text("Tagged")


def test_enter_after_choosing_a_verdict_asks_once_then_submits(
    page, rita, article, statement, login
):
    login(page, "rita", PASSWORD)
    open_article(page, article)
    button = page.locator(f'.stmt[tabindex][data-statement="{statement.pk}"]')
    button.click()
    panel = panel_of(page, statement)
    panel.get_by_label("Explanation").fill("The Commission puts it at €210 billion.")
    panel.get_by_label("Source URL").fill("https://example.org/commission")
    button.click()  # focus back on the statement, as after choosing it
    page.keyboard.press("3")
    expect(panel.get_by_role("radio", name="Half true", exact=True)).to_be_checked()
    expect(button).to_be_focused()

    status = panel.locator("[data-panel-status]")
    page.keyboard.press("Enter")
    expect(status).to_have_text(
        "Submit this verdict for approval? Press Enter again to submit, Esc to cancel."
    )
    expect(status).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(status).to_have_text("")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(panel.locator(".state-badge")).to_have_text("Submitted")
    statement.refresh_from_db()
    assert statement.review_state == "submitted"


def test_a_bare_enter_after_a_reload_asks_before_submitting(page, rita, article, statement, login):
    SubmittedVerdictFactory(statement=statement, reviewer=rita)
    Statement.objects.filter(pk=statement.pk).update(review_state="draft")
    login(page, "rita", PASSWORD)
    open_article(page, article, statement)
    panel = panel_of(page, statement)
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("Enter")
    expect(panel.locator("[data-panel-status]")).to_contain_text("Press Enter again to submit")
    page.wait_for_timeout(300)
    statement.refresh_from_db()
    assert statement.review_state == "draft"


def test_corrections_and_returns_say_their_message_once_and_history_uses_words(
    new_context, rita, article, statement, login, screenshot, browser_errors
):
    browser_errors.allow(r"status of 400 .*/approvals/\d+/\)$")  # the refused return
    editor = _editor()
    PublishedVerdictFactory(statement=statement, reviewer=rita, editor=editor)
    page = new_context().new_page()
    login(page, "rita", PASSWORD)
    page.goto(f"/statements/{statement.pk}/record/")
    expect(page.locator(".timeline")).to_contain_text("Not started → Submitted")
    expect(page.locator(".timeline")).not_to_contain_text("not_started")
    page.get_by_role("button", name="Start a correction").click()
    expect(page.get_by_text(re.compile("Correction started"))).to_have_count(1)
    screenshot(page, "workday-1440-correction")

    # The editor returns a resubmitted correction without a note: one error, by the field.
    panel = panel_of(page, statement)
    panel.get_by_role("button", name="Submit for approval").click()
    expect(panel.locator(".state-badge")).to_have_text("Submitted")
    editor_page = new_context().new_page()
    login(editor_page, "eddie", PASSWORD)
    editor_page.goto(f"/approvals/{statement.pk}/")
    editor_page.get_by_role("button", name="Return to reviewer").click()
    expect(editor_page.get_by_text("Write a note to the reviewer")).to_have_count(1)
    expect(editor_page.get_by_label("Note to reviewer")).to_have_attribute("aria-invalid", "true")
    assert ReviewEvent.objects.filter(statement=statement, action="returned").count() == 0


def test_search_finds_statements_by_their_text_explanation_and_entities(
    page, rita, article, statement, login
):
    SubmittedVerdictFactory(
        statement=statement, reviewer=rita, explanation="Euroclear holds most of the assets."
    )
    other = ArticleFactory(title="Port figures", body="Rotterdam handled 440 million tonnes.")
    port = StatementFactory(article=other)
    EntityMentionFactory(article=other, phrase="Rotterdam", label="GPE", source="model")
    login(page, "rita", PASSWORD)

    def search(words):
        page.goto("/")
        page.get_by_label("Search").fill(words)
        page.get_by_role("button", name="Filter").click()
        return page.locator(".search-hits")

    hits = search("euroclear")
    expect(hits).to_have_count(1)
    expect(hits).to_contain_text("in the verdict's explanation")
    expect(hits.locator("mark")).to_have_text("Euroclear")
    hits.get_by_role("link").click()
    panel_of(page, statement)

    hits = search("Rotterdam")
    expect(hits).to_have_count(1)
    expect(hits.get_by_role("link")).to_have_attribute("href", f"/articles/{other.pk}/?s={port.pk}")
    hits = search("immobilised")
    expect(hits).to_contain_text("immobilised")
    expect(page.get_by_role("link", name=article.title)).to_be_visible()
