"""A revised article in the browser: the reviewer adds the new text as a revision and
finds the desk's work on it: carried, reworded (back with an editor) or not found."""

import re

from playwright.sync_api import expect

from annotations.models import Article, Statement
from tests.browser.conftest import PASSWORD, SAMPLE_ARTICLE, SAMPLE_FIGURE
from tests.factories import EditorFactory, PublishedVerdictFactory, SubmittedVerdictFactory

TYPO, FIXED = "€210 billion inRussian", "€210 billion in Russian"
DROPPED = "Earlier in the day, Germany’s Foreign Minister Johann Wadephul"


def test_a_reviewer_adds_a_revision_and_sees_what_moved_what_changed_and_what_was_lost(
    page, rita, login, article, screenshot
):
    figure = Statement.objects.get(article=article, text__contains=SAMPLE_FIGURE)
    PublishedVerdictFactory(statement=figure, reviewer=rita, editor=EditorFactory())
    meeting = Statement.objects.get(article=article, text__contains="34 mostly European")
    SubmittedVerdictFactory(statement=meeting, reviewer=rita)
    dropped = Statement.objects.get(article=article, text__startswith=DROPPED)
    SubmittedVerdictFactory(statement=dropped, reviewer=rita)
    lines = [line for line in SAMPLE_ARTICLE.split("\n") if not line.startswith(DROPPED)]
    revised = "\n".join(lines).replace(TYPO, FIXED)

    login(page, "rita", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    page.get_by_role("link", name="New revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New revision of “Coalition meeting”")
    page.get_by_label("Text").fill(revised)
    page.get_by_role("button", name="Add revision 2").click()

    new = Article.objects.get(previous_revision=article)
    expect(page).to_have_url(re.compile(rf"/articles/{new.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coalition meeting")
    expect(page.get_by_role("status").or_(page.locator(".messages")).first).to_contain_text(
        "Revision 2 added: 1 statement carried unchanged, 1 reworded"
    )
    note = page.get_by_role("note", name="Revisions")
    expect(note).to_contain_text("Revision 2 of this article, replacing revision 1")
    expect(note).to_contain_text("1 statement carried unchanged, 1 reworded, 1 not found")
    screenshot(page, "revision-2")

    # The reworded sentence: its new wording, the old one beside it, back with an editor.
    page.locator(f"#s{figure.pk}").click()
    panel = page.locator("#panel-body")
    expect(panel.locator(".panel-quote")).to_contain_text(FIXED)
    expect(panel.get_by_role("note").first).to_contain_text(f"It was: “{figure.text}”")
    expect(panel.locator(".state-badge").first).to_have_text("Submitted")

    # The sentence the new text lost is listed, and opens on the revision it quotes.
    note.get_by_role("link", name=re.compile("Wadephul")).click()
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/\?s={dropped.pk}"))
    expect(page.get_by_role("note", name="Revisions")).to_contain_text("Revision 1 — superseded.")
    expect(page.locator("#panel-body").get_by_role("note").first).to_contain_text(
        "Not found in the article's newer revision"
    )
    expect(page.get_by_role("link", name="New revision")).to_have_count(0)
    screenshot(page, "revision-1-superseded")
    page.get_by_role("link", name="open revision 2").click()
    expect(page).to_have_url(re.compile(rf"/articles/{new.pk}/$"))
