"""Statement boundaries: never inside a quotation, and fractions read as fractions."""

import pytest

from annotations.nlp.statements import figures_find, sentences_split

MERZ = (
    "“The main issue here is what territories Ukraine is prepared to make. That is a "
    "question for the Ukrainian people. We made that clear to President Trump as well,” "
    "Merz told reporters on Thursday."
)


def test_a_quotation_of_several_sentences_stays_one_statement_with_its_attribution():
    assert [s.text for s in sentences_split(MERZ)] == [MERZ]


def test_a_quotation_split_by_attribution_gives_two_sentences():
    body = "“We had some influence on it,” he said. “We have a new plan with 20 points.”"
    assert [s.text for s in sentences_split(body)] == [
        "“We had some influence on it,” he said.",
        "“We have a new plan with 20 points.”",
    ]


def test_an_apostrophe_does_not_open_a_quotation():
    body = "Ukraine’s army held the line. Russia’s did not."
    assert len(sentences_split(body)) == 2


def test_a_quotation_left_open_at_the_end_of_a_paragraph_does_not_swallow_it():
    body = "He spoke first. “This quote runs on. Into the next paragraph"
    assert len(sentences_split(body)) == 3


def test_no_sentence_of_the_sample_article_starts_or_ends_inside_a_quotation(settings):
    from pathlib import Path

    body = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text()
    for sentence in sentences_split(body):
        before = body[: sentence.start]
        line_start = before.rfind("\n") + 1
        opened = before[line_start:].count("“") - before[line_start:].count("”")
        assert opened == 0, sentence.text


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Exports fell by almost a fifth last year.", "a fifth"),
        ("A third of the budget went to defence.", "A third"),
        ("Sales rose by a quarter in 2024.", "a quarter"),
        ("The fund was cut by a tenth.", "a tenth"),
    ],
)
def test_a_share_of_something_is_a_fraction(text, figure):
    assert (figure, "fraction") in [(f.text, f.kind) for f in figures_find(text)]


@pytest.mark.parametrize(
    ("text", "figure"), [("She won a third term.", "third"), ("He came third.", "third")]
)
def test_a_rank_stays_an_ordinal(text, figure):
    assert (figure, "ordinal") in [(f.text, f.kind) for f in figures_find(text)]
