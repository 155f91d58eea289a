"""The word lists of annotations.nlp.lexicon: every file loads, says what it is for, and
writes each entry once."""

import re
from importlib import resources

import pytest

from annotations.nlp.lexicon import lexicon_entries, lexicon_words, words_pattern

LEXICON_FILES = sorted(
    entry.name
    for entry in resources.files("annotations.nlp.lexicon").iterdir()
    if entry.name.endswith(".txt")
)


def test_lexicon_files_are_found():
    assert "speech_verbs.txt" in LEXICON_FILES
    assert "name_particles.txt" in LEXICON_FILES


@pytest.mark.parametrize("filename", LEXICON_FILES)
def test_every_list_has_a_header_and_loads(filename):
    name = filename.removesuffix(".txt")
    text = resources.files("annotations.nlp.lexicon").joinpath(filename).read_text("utf-8")
    assert text.startswith("# "), "a header comment says what the list is for"
    entries = lexicon_entries(name)  # raises on a repeated entry
    assert entries
    assert all(entry and "#" not in entry and entry == entry.strip() for entry in entries)
    assert lexicon_words(name) == frozenset(entries)


def test_lists_are_read_once():
    assert lexicon_words("speech_verbs") is lexicon_words("speech_verbs")


def test_multi_word_entries_match_any_spacing():
    assert "pointed out" in lexicon_entries("speech_verbs")
    pattern = re.compile(rf"\b(?:{words_pattern(['said', 'pointed out'])})\b")
    assert pattern.search("she pointed\n out")
    assert not pattern.search("she pointedout")


@pytest.mark.parametrize("name", ["../settings", "speech_verbs.txt", "Speech", ""])
def test_only_plain_names_are_read(name):
    with pytest.raises(ValueError):
        lexicon_entries(name)
