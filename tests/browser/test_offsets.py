"""Selections in text full of astral characters land on the characters the reviewer
selected: the page counts in Unicode code points, as the server does, not in the UTF-16
code units of JavaScript strings. Checked on the server, with ``body[start:end]``."""

import pytest
from playwright.sync_api import expect

from annotations.models import EntityMention, Statement
from tests.browser.conftest import PASSWORD
from tests.factories import ArticleFactory, EntityMentionFactory, StatementFactory

SCIENTIST = "\U0001f469\u200d\U0001f52c"  # woman + ZWJ + microscope: 3 code points, 5 units
# Emoji, flags (two regional indicators each), ZWJ sequences, combining marks and CJK sit
# before and inside every selection; each astral character is two UTF-16 code units.
BODY = "\n".join(
    [
        "Opinion 😀😀😀 piece X about nothing in particular here.",
        f"Cafe\u0301 owners in 東京 🇯🇵 told {SCIENTIST} researchers that 欧州委員会 🇪🇺 staff"
        " met Ame\u0301lie Dubois in Berlin 🇺🇦 on Monday.",
        f"The {SCIENTIST} team said 😀 that prices in 東京 rose 12% after 🇺🇦 talks with"
        f" {SCIENTIST} Jose\u0301 in Kyiv.",
    ]
)
STATEMENT_TEXT = (
    f"team said 😀 that prices in 東京 rose 12% after 🇺🇦 talks with {SCIENTIST} Jose\u0301"
)
ENTITY_TEXT = "Ame\u0301lie Dubois"

# Find `needle` in a paragraph of the article text and return the DOM positions of its
# first and last characters (DOM offsets are UTF-16, like JavaScript's indexOf).
LOCATE = """(needle) => {
  for (const p of document.querySelectorAll(".article-text p")) {
    const at = p.textContent.indexOf(needle);
    if (at < 0) continue;
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let pos = 0, node, start = null, end = null;
    while ((node = walker.nextNode())) {
      const len = node.data.length;
      if (!start && at < pos + len) start = [node, at - pos];
      if (at + needle.length <= pos + len) { end = [node, at + needle.length - pos]; break; }
      pos += len;
    }
    return { p, start, end };
  }
  return null;
}"""

# Select `needle` with a DOM range, then let the page see the mouseup ending a selection.
SELECT_TEXT = (
    "(needle) => { const at = ("
    + LOCATE
    + """)(needle);
  if (!at) return false;
  const range = document.createRange();
  range.setStart(...at.start);
  range.setEnd(...at.end);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  at.p.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  return true;
}"""
)

# Where a mouse drag over `needle` starts and ends: just inside the left edge of its first
# character and the right edge of its last one.
DRAG_POINTS = (
    "(needle) => { const at = ("
    + LOCATE
    + """)(needle);
  const box = (node, from, to) => {
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    return range.getBoundingClientRect();
  };
  const first = box(at.start[0], at.start[1], at.start[1] + 1);
  const last = box(at.end[0], at.end[1] - 1, at.end[1]);
  const middle = (r) => (r.top + r.bottom) / 2;
  return [first.left + 1, middle(first), last.right - 1, middle(last)];
}"""
)


@pytest.fixture
def astral_article(transactional_db):
    """The body above, one existing statement (the second line) and two model mentions."""
    article = ArticleFactory(title="Astral text", body=BODY)
    StatementFactory(article=article, phrase=BODY.splitlines()[1])
    EntityMentionFactory(article=article, phrase="東京", label="GPE", source="model")
    EntityMentionFactory(article=article, phrase="Berlin", label="GPE", source="model")
    return article


def open_as_reviewer(page, login, article):
    login(page, "rita", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    return page.get_by_role("toolbar", name="Selected text")


def model_mentions(article) -> list[tuple[int, int, str, int, bool]]:
    rows = EntityMention.objects.filter(article=article, source="model").order_by("start")
    return list(rows.values_list("start", "end", "text", "entity_id", "removed"))


def test_adding_a_statement_after_emoji_stores_the_selected_characters(
    page, rita, login, astral_article
):
    article = astral_article
    toolbar = open_as_reviewer(page, login, article)
    assert page.evaluate(SELECT_TEXT, STATEMENT_TEXT)
    expect(toolbar).to_be_visible()
    toolbar.get_by_role("button", name="Add statement").click()
    expect(toolbar).to_be_hidden()

    added = Statement.objects.get(article=article, origin=Statement.Origin.HUMAN)
    assert article.body[added.start : added.end] == STATEMENT_TEXT
    assert added.text == STATEMENT_TEXT
    assert [f["text"] for f in added.figures] == ["12%"]
    assert all(article.body[f["start"] : f["end"]] == f["text"] for f in added.figures)
    quote = page.locator(f'#panel .panel[data-statement="{added.pk}"] .panel-quote')
    expect(quote).to_have_text(STATEMENT_TEXT)


def test_marking_an_entity_after_emoji_stores_the_selected_characters(
    page, rita, login, astral_article
):
    article = astral_article
    before = model_mentions(article)
    toolbar = open_as_reviewer(page, login, article)
    # A real mouse drag, inside a statement whose text the model's marks cut into several
    # text nodes; the model's Berlin is four characters after the selection.
    x1, y1, x2, y2 = page.evaluate(DRAG_POINTS, ENTITY_TEXT)
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
    expect(toolbar).to_be_visible()
    expect(toolbar.locator("[data-sel-preview]")).to_have_text(f"“{ENTITY_TEXT}”")
    toolbar.get_by_label("Entity label").select_option("PERSON")
    toolbar.get_by_role("button", name="Mark entity").click()
    expect(toolbar).to_be_hidden()

    marked = EntityMention.objects.get(article=article, source="human", removed=False)
    assert article.body[marked.start : marked.end] == ENTITY_TEXT
    assert (marked.text, marked.label) == (ENTITY_TEXT, "PERSON")
    assert model_mentions(article) == before  # the model's 東京 and Berlin are untouched
    expect(page.locator('.article-text mark[data-label="PERSON"]')).to_have_text(ENTITY_TEXT)
    expect(page.locator('.article-text mark[data-label="GPE"]')).to_have_text(["東京", "Berlin"])


def test_a_triple_clicked_paragraph_after_emoji_is_added_whole(page, rita, login, astral_article):
    article = astral_article
    toolbar = open_as_reviewer(page, login, article)
    first_line = BODY.splitlines()[0]
    x, y, _, _ = page.evaluate(DRAG_POINTS, "nothing")
    page.mouse.click(x, y, click_count=3)
    expect(toolbar).to_be_visible()
    toolbar.get_by_role("button", name="Add statement").click()
    expect(toolbar).to_be_hidden()

    added = Statement.objects.get(article=article, origin=Statement.Origin.HUMAN)
    assert (added.start, added.end) == (0, len(first_line))
    assert article.body[added.start : added.end] == added.text == first_line
