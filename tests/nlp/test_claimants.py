"""Organisations as claimants: "according to Statistics Netherlands" attributes the
figure to the body, whatever words stand between (statements.speakers)."""

import pytest

from annotations.nlp.statements import speaker_find


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        (
            "Rotterdam has 650,000 inhabitants, according to Statistics Netherlands.",
            "Statistics Netherlands",
        ),
        (
            "Unemployment rose to 3.9%, according to figures from Statistics Netherlands.",
            "Statistics Netherlands",
        ),
        (
            "According to new data released by Statistics Netherlands, prices rose 4%.",
            "Statistics Netherlands",
        ),
        (
            "Prices rose 4%, according to Statistics Netherlands’ latest figures.",
            "Statistics Netherlands",
        ),
        (
            "According to the Dutch statistics office Statistics Netherlands, 8% moved.",
            "Statistics Netherlands",
        ),
        (
            "Prices rose 3.1% in May, according to the Central Bureau of Statistics.",
            "Central Bureau of Statistics",
        ),
        (
            "According to the Office for National Statistics, wages rose 5%.",
            "Office for National Statistics",
        ),
        ("Inflation was 4% in June, said Statistics Netherlands.", "Statistics Netherlands"),
        ("Inflation was 4% in June, Statistics Netherlands said.", "Statistics Netherlands"),
    ],
)
def test_a_body_the_figure_is_attributed_to_is_the_claimant(sentence, claimant):
    assert speaker_find(sentence) == claimant


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("According to Trump and Macron, the plan works.", "Trump"),
        ("He said, according to the plan of Brussels, that it works.", None),
    ],
)
def test_words_around_the_claimant_do_not_change_who_it_is(sentence, claimant):
    assert speaker_find(sentence) == claimant
