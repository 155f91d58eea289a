"""Word lists as data: the ``*.txt`` files beside this module, one entry per line.

A list is written once, in its own file, and read once per process (``functools.cache``);
the code that uses it keeps only the patterns built from it. File format: UTF-8, one
entry per line, ``#`` starts a comment (whole line or trailing), blank lines are ignored,
inner whitespace is collapsed to one space ("pointed out"). Every file opens with a
comment saying what the list is for and who uses it. Entries are kept as written: case
matters to the code that reads a list (most are lowercase).

``lexicon_words`` is for membership tests; ``lexicon_entries`` keeps the file's order,
for the lists that ``words_pattern`` joins into regular expressions.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from importlib import resources

__all__ = ["lexicon_entries", "lexicon_words", "words_pattern"]

_NAME_RE = re.compile(r"[a-z][a-z_]*")


@functools.cache
def lexicon_entries(name: str) -> tuple[str, ...]:
    """The entries of ``<name>.txt``, in file order. A repeated entry is an error: each
    word is written once."""
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"not a lexicon name: {name!r}")
    text = resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    entries: list[str] = []
    for line in text.splitlines():
        entry = " ".join(line.split("#", 1)[0].split())
        if entry:
            entries.append(entry)
    repeated = sorted(entry for entry, count in Counter(entries).items() if count > 1)
    if repeated:
        raise ValueError(f"lexicon {name!r} repeats {', '.join(repeated)}")
    return tuple(entries)


@functools.cache
def lexicon_words(name: str) -> frozenset[str]:
    """The entries of ``<name>.txt`` as a set."""
    return frozenset(lexicon_entries(name))


def words_pattern(words: Iterable[str]) -> str:
    """A regular-expression alternation of ``words``, in the order given (no group): the
    words are escaped and a multi-word entry matches with any whitespace between."""
    return "|".join(r"\s+".join(map(re.escape, word.split())) for word in words)
