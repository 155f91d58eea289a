"""Lay out an article body for display: paragraphs of runs of plain text and statements,
each cut into segments that carry their figure and entity marks.

The template renders the segments with auto-escaping on; nothing here builds HTML, so
article text can never inject markup.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from annotations.models import EntityMention, Statement


@dataclass
class Segment:
    text: str
    figure_kind: str = ""  # "money", "count", ... when inside a figure
    mention: EntityMention | None = None


@dataclass
class Run:
    """A stretch of a paragraph: either one statement or plain text between statements."""

    statement: Statement | None
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Paragraph:
    runs: list[Run] = field(default_factory=list)


def article_layout(
    *, body: str, statements: Sequence[Statement], mentions: Sequence[EntityMention]
) -> list[Paragraph]:
    """Cut ``body`` at every statement, figure and mention boundary and at line breaks.

    Statements do not overlap (one per sentence); a mention that crosses a statement edge
    is simply cut in two. Overlapping mentions: the first (by start) wins its characters.
    """
    n = len(body)
    statement_at: list[Statement | None] = [None] * n
    figure_at = [""] * n
    mention_at: list[EntityMention | None] = [None] * n
    for s in statements:
        for i in range(s.start, min(s.end, n)):
            statement_at[i] = s
        for f in s.figures:
            for i in range(f["start"], min(f["end"], n)):
                figure_at[i] = f["kind"]
    for m in mentions:
        for i in range(m.start, min(m.end, n)):
            if mention_at[i] is None:
                mention_at[i] = m

    paragraphs = [Paragraph()]
    i = 0
    while i < n:
        if body[i] == "\n":
            if paragraphs[-1].runs:
                paragraphs.append(Paragraph())
            i += 1
            continue
        j = i + 1
        key = (statement_at[i], figure_at[i], mention_at[i])
        while j < n and body[j] != "\n" and (statement_at[j], figure_at[j], mention_at[j]) == key:
            j += 1
        runs = paragraphs[-1].runs
        if not runs or runs[-1].statement is not statement_at[i]:
            runs.append(Run(statement=statement_at[i]))
        runs[-1].segments.append(Segment(body[i:j], figure_at[i], mention_at[i]))
        i = j
    return [p for p in paragraphs if p.runs]
