"""The text pane's markup, from review.layout, on cases the walk from cut to cut must get
right: nested and overlapping mentions, a figure inside a mention, line breaks."""

import re

from annotations.models import Statement
from annotations.review.layout import article_layout, article_text_html
from annotations.review.selectors import MentionSpan


def _html(body: str, statements=(), mentions=()) -> str:
    paragraphs = article_layout(body=body, statements=list(statements), mentions=list(mentions))
    return article_text_html(paragraphs=paragraphs, selected_key="")


def _mention(pk: int, body: str, phrase: str, label: str = "ORG") -> MentionSpan:
    start = body.index(phrase)
    return MentionSpan(pk, start, start + len(phrase), phrase, label, "model", pk, phrase)


def _statement(pk: int, body: str, *, start: int, figure: str, kind: str) -> Statement:
    """An unsaved statement from ``start`` to the end of ``body``, with one figure."""
    at = body.index(figure)
    return Statement(
        pk=pk,
        start=start,
        end=len(body),
        text=body[start:],
        figures=[{"start": at, "end": at + len(figure), "kind": kind}],
        review_state=Statement.ReviewState.NOT_STARTED,
        score=0.9,
        scored_by="model",
        reasons=[],
    )


def test_a_mention_inside_another_is_drawn_as_one_mark_of_the_first():
    body = "The European Union Council met."
    outer = _mention(1, body, "European Union Council")
    inner = _mention(2, body, "Union", label="GPE")
    html = _html(body, mentions=[outer, inner])
    assert re.findall(r'data-mention="(\d+)"', html) == ["1"]
    assert ">European Union Council</mark>" in html


def test_overlapping_mentions_give_the_later_one_only_the_characters_left_over():
    body = "Anna Berg Paris"
    first = MentionSpan(1, 0, 9, "Anna Berg", "PERSON", "model", 1, "Anna Berg")
    second = MentionSpan(2, 5, 15, "Berg Paris", "GPE", "model", 2, "Berg Paris")
    html = _html(body, mentions=[first, second])
    assert 'data-mention="1" data-start="0"' in html and ">Anna Berg</mark>" in html
    assert 'data-mention="2" data-start="9"' in html and "> Paris</mark>" in html


def test_a_figure_inside_a_statement_and_a_mention_keeps_every_offset_and_escapes_text():
    body = 'Intro <b>.\nThe EU paid €210 billion & "more".'
    start = body.index("The")
    figure = body.index("€210 billion")
    statement = _statement(7, body, start=start, figure="€210 billion", kind="money")
    money = _mention(3, body, "€210 billion", label="MONEY")
    html = _html(body, statements=[statement], mentions=[money])
    paragraphs = html.strip().split("\n")
    assert paragraphs[0] == '<p data-start="0">Intro &lt;b&gt;.</p>'
    assert paragraphs[1].startswith(f'<p data-start="{start}"><span class="stmt" id="s7"')
    assert (
        f'<mark class="ent ent-MONEY" data-mention="3" data-start="{figure}" data-label="MONEY"'
        ' title="MONEY: €210 billion"><strong class="fig fig-money" title="money">'
        "€210 billion</strong></mark>"
    ) in html
    assert "&amp; &quot;more&quot;.</span></p>" in html


def test_a_mention_cut_by_a_figure_shows_its_label_once():
    body = "The budget for the 2027 fiscal year passed."
    statement = _statement(8, body, start=0, figure="2027", kind="date")
    year = _mention(4, body, "the 2027 fiscal year", label="DATE")
    html = _html(body, statements=[statement], mentions=[year])
    assert len(re.findall(r'<mark [^>]*data-mention="4"', html)) == 3  # before, in, after
    assert html.count('data-label="DATE"') == 1
