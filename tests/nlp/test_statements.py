"""Unit tests for annotations.nlp.statements (pure functions, no database)."""

import itertools
import statistics
import timeit
from pathlib import Path

import pytest

from annotations.nlp.statements import (
    CHECKABLE_THRESHOLD,
    FIGURE_KINDS,
    checkworthiness_assess,
    figures_find,
    sentences_split,
    speaker_find,
    statements_detect,
)

SAMPLE_PATH = Path(__file__).resolve().parents[2] / "seeds" / "000_6c896c902daceab2.txt"

TRICKY_BODIES = [
    "Dr. Smith met Mr. Jones. The U.S. President spoke in the U.S. The U.K. disagreed.",
    "Bread costs €2.10 now. Inflation hit 3.5% in 2024, up from 2.1%.",
    "“We are ready. We will go,” he said. “Are you sure?” she asked. Yes!",
    "whether the government participates or not.That also depends on the papers.",
    "A headline without a stop\r\nLine two. Has two.\r\n\r\n   \n“Last line,” she said.",
    "J. K. Rowling sold 500 million books… Really? Visit example.com or X.com today.",
    "  Leading spaces.  \n\n\n Trailing spaces.   \n",
    "",
]


@pytest.fixture(scope="module")
def sample() -> str:
    return SAMPLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_statements(sample: str):
    return statements_detect(sample)


def _statement_containing(statements, fragment: str):
    matches = [s for s in statements if fragment in s.text]
    assert matches, f"no statement contains {fragment!r}"
    return matches[0]


def _sentence_texts(body: str) -> list[str]:
    return [s.text for s in sentences_split(body)]


# --- the sample article -----------------------------------------------------------------


def test_sample_article_210_billion_is_one_money_figure(sample_statements):
    statement = _statement_containing(sample_statements, "€210 billion")
    money = [f for f in statement.figures if f.kind == "money"]
    assert [f.text for f in money] == ["€210 billion"]


def test_sample_article_34_mostly_european_countries_is_a_count(sample_statements):
    statement = _statement_containing(sample_statements, "34 mostly European countries")
    counts = [f.text for f in statement.figures if f.kind == "count"]
    assert counts == ["34 mostly European countries"]


def test_sample_article_26_countries_is_a_count(sample_statements):
    statement = _statement_containing(sample_statements, "26 countries")
    assert ("26 countries", "count") in [(f.text, f.kind) for f in statement.figures]


def test_sample_article_year_range_is_a_date(sample_statements):
    statement = _statement_containing(sample_statements, "2026-2027")
    assert ("2026-2027", "date") in [(f.text, f.kind) for f in statement.figures]


@pytest.mark.parametrize(
    "fragment",
    [
        "€210 billion",
        "34 mostly European countries",
        "26 countries",
        "On Thursday, the European Union agreed to indefinitely immobilise",
        "28-point plan",
    ],
)
def test_sample_article_sentences_with_verifiable_facts_are_statements(sample_statements, fragment):
    _statement_containing(sample_statements, fragment)


@pytest.mark.parametrize(
    "sentence",
    ["‘The coming week will be decisive’", "A potential Europe-Ukraine-US meeting this weekend"],
)
def test_sample_article_headlines_are_sentences_but_not_statements(
    sample, sample_statements, sentence
):
    assert sentence in _sentence_texts(sample)
    assert sentence not in [s.text for s in sample_statements]


@pytest.mark.parametrize(
    "fragment",
    [
        "I thank everyone who is helping!”",
        "Yes.",
        "Yes.”",
        "Is it possible to find a common ground?",
        "I don’t know,” he said.",
    ],
)
def test_sample_article_thanks_answers_and_questions_inside_quotations_are_not_statements(
    sample_statements, fragment
):
    # They sit inside longer quotations, which are never cut mid-quote.
    assert not any(s.text == fragment for s in sample_statements)


def test_sample_article_sentences_figures_and_statements_slice_back_from_the_body(
    sample, sample_statements
):
    for sentence in sentences_split(sample):
        assert sample[sentence.start : sentence.end] == sentence.text
        for figure in figures_find(sentence.text, offset=sentence.start):
            assert sample[figure.start : figure.end] == figure.text
    for statement in sample_statements:
        assert sample[statement.start : statement.end] == statement.text
        for figure in statement.figures:
            assert sample[figure.start : figure.end] == figure.text


def test_sample_article_typo_without_space_inside_a_quotation_does_not_cut_it(sample):
    (quoted,) = [t for t in _sentence_texts(sample) if "participates or not.That also" in t]
    assert quoted.startswith("“And if we now proceed") and quoted.endswith("he also said.")


def test_a_typo_without_space_outside_quotations_splits_into_two_sentences():
    body = "The government may participate or not.That also depends on the papers."
    assert _sentence_texts(body) == [
        "The government may participate or not.",
        "That also depends on the papers.",
    ]


def test_sample_article_paragraphs_are_lines(sample):
    sentences = sentences_split(sample)
    assert sentences[0].paragraph == 0
    assert sentences[-1].paragraph == len(sample.strip().splitlines()) - 1
    headline = next(s for s in sentences if s.text == "‘The coming week will be decisive’")
    assert [s.paragraph for s in sentences].count(headline.paragraph) == 1


def test_statements_are_in_order_and_order_indexes_all_sentences(sample, sample_statements):
    sentences = sentences_split(sample)
    orders = [s.order for s in sample_statements]
    assert orders == sorted(orders)
    for statement in sample_statements:
        assert sentences[statement.order].start == statement.start


def test_statements_carry_a_score_above_the_threshold_and_reasons(sample_statements):
    for statement in sample_statements:
        assert CHECKABLE_THRESHOLD <= statement.score <= 1.0
        assert statement.reasons


def test_sample_article_speakers_are_tracked_through_the_article(sample_statements):
    by_fragment = {
        "34 mostly European countries": "Volodymyr Zelenskyy",
        "I updated the leaders": "Ursula von der Leyen",
        "Merz told reporters": "Merz",
        "28-point plan": "Johann Wadephul",
        # the quotation after “We had some influence on it,” he said.
        "which is a 20-point plan": "Johann Wadephul",
        # a surname alone is expanded to the full name seen earlier
        "Zelenskyy also said": "Volodymyr Zelenskyy",
        "On Thursday, the European Union agreed": None,
    }
    for fragment, speaker in by_fragment.items():
        assert _statement_containing(sample_statements, fragment).speaker == speaker, fragment


def test_statements_detect_on_the_sample_takes_well_under_100_ms(sample):
    times = timeit.repeat(lambda: statements_detect(sample), number=1, repeat=7)
    assert statistics.median(times) < 0.1


# --- offsets on tricky strings ----------------------------------------------------------


@pytest.mark.parametrize("body", TRICKY_BODIES)
def test_every_sentence_figure_and_statement_slices_back_from_a_tricky_body(body):
    for sentence in sentences_split(body):
        assert body[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        for figure in figures_find(sentence.text, offset=sentence.start):
            assert body[figure.start : figure.end] == figure.text
    for statement in statements_detect(body):
        assert body[statement.start : statement.end] == statement.text
        for figure in statement.figures:
            assert body[figure.start : figure.end] == figure.text


def test_figure_offsets_are_shifted_by_the_offset_argument():
    text = "They spent $75m in 2024."
    plain = figures_find(text)
    shifted = figures_find(text, offset=100)
    assert [(f.start + 100, f.end + 100) for f in plain] == [(f.start, f.end) for f in shifted]


# --- sentence splitting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Dr. Smith met Mr. Jones and Mrs. Brown. Gen. Keane agreed.",
            ["Dr. Smith met Mr. Jones and Mrs. Brown.", "Gen. Keane agreed."],
        ),
        (
            "The U.S. President spoke. The U.K. disagreed.",
            ["The U.S. President spoke.", "The U.K. disagreed."],
        ),
        ("He lives in the U.S. The move was his.", ["He lives in the U.S.", "The move was his."]),
        (
            "He went to No. 10 Downing Street. It was late.",
            ["He went to No. 10 Downing Street.", "It was late."],
        ),
        (
            "Fruit, e.g. apples, i.e. food, etc. are fine.",
            ["Fruit, e.g. apples, i.e. food, etc. are fine."],
        ),
        (
            "It opened Jan. 5 and closed Feb. 10. It reopened.",
            ["It opened Jan. 5 and closed Feb. 10.", "It reopened."],
        ),
        (
            "St. Petersburg is cold. Acme Inc. said so.",
            ["St. Petersburg is cold.", "Acme Inc. said so."],
        ),
        (
            "J. K. Rowling wrote it. Roe v. Wade stands.",
            ["J. K. Rowling wrote it.", "Roe v. Wade stands."],
        ),
        (
            "Smith vs. Jones was heard. Sen. Kelly voted.",
            ["Smith vs. Jones was heard.", "Sen. Kelly voted."],
        ),
    ],
)
def test_abbreviations_and_initials_do_not_end_sentences(body, expected):
    assert _sentence_texts(body) == expected


@pytest.mark.parametrize(
    "body",
    ["Bread costs €2.10 now.", "Inflation hit 3.5% last year.", "Version 1.2.3 shipped."],
)
def test_decimals_do_not_end_sentences(body):
    assert _sentence_texts(body) == [body]


def test_closing_quote_after_the_stop_belongs_to_the_sentence_before_it():
    body = "“We are ready. We will go.” Then he left."
    assert _sentence_texts(body) == ["“We are ready. We will go.”", "Then he left."]


def test_quotation_followed_by_its_attribution_is_one_sentence():
    body = "“Are you sure?” she asked. “I don’t know,” he said."
    assert _sentence_texts(body) == ["“Are you sure?” she asked.", "“I don’t know,” he said."]


def test_question_exclamation_and_ellipsis_end_sentences():
    body = "Wait… What happened? Nothing! It ended..."
    assert _sentence_texts(body) == ["Wait…", "What happened?", "Nothing!", "It ended..."]


def test_a_line_without_final_stop_is_its_own_sentence():
    body = "‘The coming week will be decisive’\nThe meeting was on Thursday."
    sentences = sentences_split(body)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("‘The coming week will be decisive’", 0),
        ("The meeting was on Thursday.", 1),
    ]


def test_missing_space_after_a_stop_is_a_boundary():
    body = "They may come or not.That also depends on the papers."
    assert _sentence_texts(body) == ["They may come or not.", "That also depends on the papers."]


@pytest.mark.parametrize(
    "body",
    [
        "Visit example.com for details.",
        "He posted it on X.com yesterday.",
        "Write to press@Example.Org today.",
        "The U.S.A. is large.",
    ],
)
def test_domain_names_and_acronyms_are_not_split(body):
    assert _sentence_texts(body) == [body]


def test_crlf_and_blank_lines_are_handled():
    body = "First line.\r\n\r\n   \r\nSecond line. Third.\r\n"
    sentences = sentences_split(body)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("First line.", 0),
        ("Second line.", 1),
        ("Third.", 1),
    ]
    for sentence in sentences:
        assert body[sentence.start : sentence.end] == sentence.text


def test_empty_and_blank_bodies_have_no_sentences():
    assert sentences_split("") == []
    assert sentences_split(" \n\r\n\t ") == []
    assert statements_detect("") == []


# --- figures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "kind"),
    [
        ("the €210 billion inRussian sovereign assets", "€210 billion", "money"),
        ("It raised $75m last year.", "$75m", "money"),
        ("It lost £300m.", "£300m", "money"),
        ("Bread costs €2.10 now.", "€2.10", "money"),
        ("It borrowed US$5 bn from banks.", "US$5 bn", "money"),
        ("They paid 5 million euros in fines.", "5 million euros", "money"),
        ("Debt reached €1.5tn.", "€1.5tn", "money"),
        ("It cost a billion dollars.", "a billion dollars", "money"),
        ("attended by 34 mostly European countries.", "34 mostly European countries", "count"),
        ("with 26 countries already declaring", "26 countries", "count"),
        ("He won seven votes.", "seven votes", "count"),
        ("Three million people marched.", "Three million people", "count"),
        ("Thousands of troops left.", "Thousands of troops", "count"),
        ("It rose 12% in a year.", "12%", "percent"),
        ("Some 38 percent agreed.", "38 percent", "percent"),
        ("Growth was 3.5 per cent.", "3.5 per cent", "percent"),
        ("It fell 2 percentage points.", "2 percentage points", "percent"),
        ("The road is 20 km long.", "20 km", "quantity"),
        ("It carries 5 tonnes.", "5 tonnes", "quantity"),
        ("The talks took 3 hours.", "3 hours", "quantity"),
        ("over the coming two years", "two years", "quantity"),
        ("a 10-year plan", "10-year plan", "quantity"),
        ("It was founded in 2026.", "2026", "date"),
        ("financing for Ukraine for 2026-2027", "2026-2027", "date"),
        ("It happened on 12 March 2025.", "12 March 2025", "date"),
        ("It happened on March 12, 2025, at noon.", "March 12, 2025", "date"),
        ("On Thursday, the EU agreed.", "Thursday", "date"),
        ("It grew in the 1990s.", "1990s", "date"),
        ("the third attempt", "third", "ordinal"),
        ("the 21st century", "21st", "ordinal"),
        ("the twenty-first century", "twenty-first", "ordinal"),
        ("one third of voters", "one third", "fraction"),
        ("two-thirds of the seats", "two-thirds", "fraction"),
        ("half of them voted", "half", "fraction"),
        ("the initial 28-point plan drafted by Washington", "28-point plan", "count"),
        ("a new plan, which is a 20-point plan, and", "20-point plan", "count"),
    ],
)
def test_figure_examples_have_the_right_text_and_kind(text, figure, kind):
    found = [(f.text, f.kind) for f in figures_find(text)]
    assert (figure, kind) in found


def test_money_figure_with_scale_word_is_one_figure():
    figures = figures_find("the €210 billion inRussian sovereign assets")
    assert [(f.text, f.kind) for f in figures] == [("€210 billion", "money")]


def test_figures_never_overlap_and_are_in_order():
    text = "In 2024, 3 million people paid €1.5 billion, or 12% of 2,500 firms' 10-year costs."
    figures = figures_find(text)
    for before, after in itertools.pairwise(figures):
        assert before.end <= after.start
    assert all(f.kind in FIGURE_KINDS for f in figures)


@pytest.mark.parametrize(
    "text",
    [
        "One card the Europeans are holding is the issue.",
        "They can get to one page.",
        "The two of them met.",
        "COVID-19 hit the G7 hard.",
        "First of all, we disagree.",
        "No. 10 Downing Street declined to comment.",
    ],
)
def test_words_that_only_look_like_figures_are_not_figures(text):
    assert figures_find(text) == []


def test_a_year_after_a_preposition_is_a_date_not_a_count():
    assert [(f.text, f.kind) for f in figures_find("In 2020 voters chose him.")] == [
        ("2020", "date")
    ]


def test_relative_days_are_not_figures():
    assert figures_find("They meet this weekend, next week or today.") == []


# --- check-worthiness -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Is it possible to find a common ground?", "question"),
        ("I thank everyone who is helping!", "thanks"),
        ("Thank you very much for having me tonight.", "thanks"),
        ("I think we can do this together as a country.", "opinion"),
        ("Yes, I’m positive.", "opinion"),
        ("We will build a better future for all of our families.", "prediction"),
        ("We need to keep up the pressure on everyone involved.", "obligation"),
        ("Yes.", "short fragment"),
        ("A potential Europe-Ukraine-US meeting this weekend", "headline"),
    ],
)
def test_unverifiable_sentences_are_not_checkable_and_say_why(sentence, reason):
    assessment = checkworthiness_assess(sentence)
    assert not assessment.is_checkable
    assert reason in assessment.reasons


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("The government spent €3 billion on roads.", "money figure"),
        ("Unemployment fell to 4.2% in March.", "percentage"),
        ("The meeting was attended by 34 countries.", "count"),
        ("On Thursday, the European Union agreed to freeze the assets.", "concrete past action"),
        ("The senator voted against the bill in 2019, records show.", "date"),
        ("“Prices doubled,” the minister said.", "attributed quote"),
    ],
)
def test_verifiable_sentences_are_checkable_and_say_why(sentence, reason):
    assessment = checkworthiness_assess(sentence)
    assert assessment.is_checkable
    assert reason in assessment.reasons


def test_score_is_clipped_and_agrees_with_the_threshold():
    for sentence in ["Yes.", "In 2020, 12% of 3 million voters paid $5 billion more than before."]:
        assessment = checkworthiness_assess(sentence)
        assert 0.0 <= assessment.score <= 1.0
        assert assessment.is_checkable == (assessment.score >= CHECKABLE_THRESHOLD)


def test_precomputed_figures_are_used_instead_of_finding_them_again():
    sentence = "The plan has 28 points."
    assert "count" in checkworthiness_assess(sentence).reasons
    assert "count" not in checkworthiness_assess(sentence, figures=[]).reasons


# --- speakers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "previous", "speaker"),
    [
        (
            "“We are working on it,” Ukrainian President Volodymyr Zelenskyy said after the "
            "virtual meeting.",
            None,
            "Volodymyr Zelenskyy",
        ),
        ("We made that clear,” Merz told reporters on Thursday.", None, "Merz"),
        (
            "“I updated the leaders,” Ursula von der Leyen, the president of the European "
            "Commission, said after attending.",
            None,
            "Ursula von der Leyen",
        ),
        (
            "“Security guarantees matter,” he wrote on X.",
            "Volodymyr Zelenskyy",
            "Volodymyr Zelenskyy",
        ),
        (
            "“The coming week will be decisive,” she added on X.",
            "Ursula von der Leyen",
            "Ursula von der Leyen",
        ),
        ("Zelenskyy also said he had had “a constructive discussion”.", None, "Zelenskyy"),
        (
            "Earlier, Germany’s Foreign Minister Johann Wadephul told a conference that it ended.",
            None,
            "Johann Wadephul",
        ),
        (
            "Speaking alongside him, NATO Secretary-General Mark Rutte concurred.",
            None,
            "Mark Rutte",
        ),
        ("“We are fine,” said German Chancellor Friedrich Merz.", None, "Friedrich Merz"),
        ("According to the World Bank, growth slowed.", None, "World Bank"),
    ],
)
def test_speaker_of_an_attributed_sentence(sentence, previous, speaker):
    assert speaker_find(sentence, previous_speaker=previous) == speaker


@pytest.mark.parametrize(
    "sentence",
    [
        "On Thursday, the European Union agreed to immobilise the assets.",
        "The coming week will be decisive.",
        "“Security guarantees matter,” he wrote on X.",  # no previous speaker to resolve to
    ],
)
def test_no_attribution_means_no_speaker(sentence):
    assert speaker_find(sentence) is None
