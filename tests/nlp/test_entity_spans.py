"""The span rules of annotations.nlp.entities.spans, on hand-made model output: what a
reviewer would otherwise fix by hand. No model, no database."""

import pytest

from annotations.nlp.entities import EntitySpan, LearnedPattern, LearnedPatterns, spans_tidy


def span(body: str, text: str, label: str, *, nth: int = 0) -> EntitySpan:
    """The model's span on the ``nth`` occurrence of ``text`` in ``body``."""
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return EntitySpan(start=start, end=start + len(text), text=text, label=label)


def tidy(body: str, *spans: EntitySpan, learned: LearnedPatterns | None = None):
    result = spans_tidy(body, list(spans), learned=learned).spans
    for s in result:
        assert body[s.start : s.end] == s.text
    return [(s.text, s.label) for s in result]


# --- Edges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "model_text", "clean"),
    [
        (
            "Members of the “Coalition of the Willing” met.",
            "the “Coalition of the Willing",
            "Coalition of the Willing",
        ),
        ("She added on X.", "X.", "X"),
        ("They met “NATO” officials.", "“NATO”", "NATO"),
        (
            "(Statistics Netherlands), a body.",
            "(Statistics Netherlands),",
            "Statistics Netherlands",
        ),
        ("It was in the U.S.", "the U.S.", "the U.S."),
        ("Shares of Apple Inc. fell.", "Apple Inc.", "Apple Inc."),
    ],
)
def test_quote_marks_and_punctuation_around_a_name_are_not_part_of_its_mention(
    body, model_text, clean
):
    assert tidy(body, span(body, model_text, "ORG")) == [(clean, "ORG")]


def test_a_mention_that_is_only_punctuation_or_an_article_is_dropped():
    body = "He said “ and the rest."
    assert tidy(body, span(body, "“", "ORG"), span(body, "the", "ORG")) == []


# --- Name particles ---------------------------------------------------------------------


def test_a_person_cut_at_a_name_particle_runs_on_to_the_surname():
    body = "Ursula von der Leyen spoke. Then President von der Leyen left."
    spans = [
        span(body, "Ursula von der", "PERSON"),
        span(body, "Leyen", "GPE"),
        span(body, "von der", "PERSON", nth=1),
        span(body, "Leyen", "GPE", nth=1),
    ]
    assert tidy(body, *spans) == [("Ursula von der Leyen", "PERSON"), ("von der Leyen", "PERSON")]


def test_particles_left_outside_the_persons_span_join_it_too():
    body = "Syria's Bashar al-Assad fled while Charles de Gaulle watched."
    spans = [span(body, "Bashar", "PERSON"), span(body, "Charles", "PERSON")]
    assert tidy(body, *spans) == [("Bashar al-Assad", "PERSON"), ("Charles de Gaulle", "PERSON")]


def test_a_person_next_to_another_name_without_a_particle_stays_apart():
    body = "Trump Tower was sold to Boris Johnson Holdings."
    spans = [span(body, "Trump", "PERSON"), span(body, "Boris Johnson", "PERSON")]
    assert tidy(body, *spans) == [("Trump", "PERSON"), ("Boris Johnson", "PERSON")]


# --- Labels from the words of a name and around it --------------------------------------


def test_a_name_holding_an_organisation_word_is_an_organisation():
    body = "According to Statistics Netherlands, the Coalition of the Willing met in Rotterdam."
    spans = [
        span(body, "Statistics Netherlands", "GPE"),
        span(body, "Coalition of the Willing", "LAW"),
        span(body, "Rotterdam", "GPE"),
    ]
    assert tidy(body, *spans) == [
        ("Statistics Netherlands", "ORG"),
        ("Coalition of the Willing", "ORG"),
        ("Rotterdam", "GPE"),
    ]


def test_a_law_named_after_a_body_stays_a_law():
    body = "The Bank Secrecy Act was amended."
    assert tidy(body, span(body, "The Bank Secrecy Act", "LAW")) == [
        ("The Bank Secrecy Act", "LAW")
    ]


def test_a_one_word_name_after_a_persons_title_is_a_person():
    body = "Generals Keane and Grynkewich came; General Grynkewich spoke to President Macron."
    spans = [
        span(body, "Keane", "PERSON"),
        span(body, "Grynkewich", "GPE"),
        span(body, "Grynkewich", "GPE", nth=1),
        span(body, "Macron", "ORG"),
    ]
    assert tidy(body, *spans) == [
        ("Keane", "PERSON"),
        ("Grynkewich", "PERSON"),
        ("Grynkewich", "PERSON"),
        ("Macron", "PERSON"),
    ]


def test_an_acronym_or_a_body_after_a_title_is_not_made_a_person():
    body = "Secretary NATO met the Prime Minister Office staff."
    spans = [span(body, "NATO", "ORG"), span(body, "Office", "ORG")]
    assert tidy(body, *spans) == [("NATO", "ORG"), ("Office", "ORG")]


# --- Fragments of job titles ------------------------------------------------------------


def test_a_portfolio_inside_a_job_title_is_not_an_organisation():
    body = (
        "Secretary of State Marco Rubio, Defence Secretary Pete Hegseth and the Minister for "
        "Health met."
    )
    spans = [
        span(body, "State", "ORG"),
        span(body, "Marco Rubio", "PERSON"),
        span(body, "Defence", "ORG"),
        span(body, "Pete Hegseth", "PERSON"),
        span(body, "Health", "ORG"),
    ]
    assert tidy(body, *spans) == [("Marco Rubio", "PERSON"), ("Pete Hegseth", "PERSON")]


def test_a_body_before_a_title_is_kept():
    body = "Google CEO Sundar Pichai and the Treasury Secretary spoke at the State Department."
    spans = [
        span(body, "Google", "ORG"),
        span(body, "Treasury", "ORG"),
        span(body, "the State Department", "ORG"),
    ]
    assert tidy(body, *spans) == [
        ("Google", "ORG"),
        ("Treasury", "ORG"),
        ("the State Department", "ORG"),
    ]


# --- One label per name, and the rest of the article ------------------------------------


def test_the_mentions_of_one_name_take_the_label_most_of_them_have():
    body = "Rotterdam grew. Rotterdam voted. People in Rotterdam left."
    spans = [
        span(body, "Rotterdam", "PERSON"),
        span(body, "Rotterdam", "PERSON", nth=1),
        span(body, "Rotterdam", "GPE", nth=2),
    ]
    assert tidy(body, *spans) == [("Rotterdam", "PERSON")] * 3


def test_a_bare_surname_the_model_called_a_place_is_the_person():
    body = "Volodymyr Zelenskyy spoke. Later Zelenskyy left, and Zelenskyy flew on."
    spans = [
        span(body, "Volodymyr Zelenskyy", "PERSON"),
        span(body, "Zelenskyy", "ORG", nth=1),
        span(body, "Zelenskyy", "GPE", nth=2),
    ]
    assert [label for _, label in tidy(body, *spans)] == ["PERSON"] * 3


def test_a_name_found_once_is_marked_wherever_the_article_repeats_it():
    body = (
        "The “Coalition of the Willing” met. France chairs the Coalition of the Willing format;"
        " Coalition of the Willing members agreed."
    )
    found = spans_tidy(body, [span(body, "The “Coalition of the Willing", "LAW")]).spans
    assert [(s.text, s.label) for s in found] == [("Coalition of the Willing", "ORG")] * 3
    assert all(body[s.start : s.end] == s.text for s in found)


def test_the_surname_of_a_person_found_is_marked_where_the_model_missed_it():
    body = "Friedrich Merz called. “We agree,” Merz told reporters. Chancellor Merz left."
    assert (
        tidy(body, span(body, "Friedrich Merz", "PERSON"))
        == [("Friedrich Merz", "PERSON")] + [("Merz", "PERSON")] * 2
    )


def test_a_repeated_name_inside_a_longer_name_is_not_marked():
    body = "Trump spoke. Trump Tower was lit, and in Berlin Trump was booed."
    assert tidy(body, span(body, "Trump", "PERSON")) == [("Trump", "PERSON")]


def test_dates_and_amounts_are_not_spread_or_voted():
    body = "May said so in May. Theresa May left in May."
    spans = [
        span(body, "May", "PERSON"),
        span(body, "May", "DATE", nth=1),
        span(body, "Theresa May", "PERSON"),
    ]
    assert tidy(body, *spans) == [
        ("May", "PERSON"),
        ("May", "DATE"),
        ("Theresa May", "PERSON"),
    ]


# --- The desk's learned names -----------------------------------------------------------


def test_a_learned_label_wins_over_the_vote_and_a_learned_rejection_drops_the_mention():
    body = "Rotterdam grew. Rotterdam voted. The State said no."
    learned = LearnedPatterns(
        [
            LearnedPattern(key="rotterdam", name="Rotterdam", label="GPE"),
            LearnedPattern(key="state", name="State", label="ORG", rejected=True),
        ]
    )
    spans = [
        span(body, "Rotterdam", "PERSON"),
        span(body, "Rotterdam", "PERSON", nth=1),
        span(body, "State", "ORG"),
    ]
    result = spans_tidy(body, spans, learned=learned)
    assert [(s.text, s.label, s.learned) for s in result.spans] == [
        ("Rotterdam", "GPE", True),
        ("Rotterdam", "GPE", True),
    ]
    assert result.applied == {"rotterdam": 2, "state": 1}
