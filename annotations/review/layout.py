"""Lay out an article body for display: paragraphs of runs of plain text and statements,
each cut into segments that carry their figure and entity marks.

Every paragraph, run and segment knows its start offset in the body, so the page can map
a text selection back to body offsets (``body[start:end]``). The per-segment strings the
template needs (mention label and title, statement state) are computed here once, so the
template renders them inline without further lookups.

``article_text_html`` writes the paragraphs' markup in one pass: a Django template loop over
every segment of a long article was two thirds of the review page's time. Every piece of
text and every attribute value goes through ``escape``, as the template's auto-escaping
did, so article text can never inject markup.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape  # Django's escape is this, behind a lazy-string wrapper
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe

from annotations.models import Statement
from annotations.review.selectors import MentionSpan


@dataclass
class Segment:
    text: str
    start: int = 0
    figure_kind: str = ""  # "money", "count", ... when inside a figure
    mention: MentionSpan | None = None
    # Precomputed for the template, as strings (a number in a template goes through
    # localisation, which costs more than the rest of a segment's rendering).
    start_attr: str = ""
    mention_id: str = ""  # empty when the segment is not in a mention
    mention_label: str = ""
    mention_title: str = ""
    # The mention's first segment carries its label tag; a figure or a statement's edge
    # can cut a mention in pieces, and each piece tagged would stack the tags up.
    mention_first: bool = False


@dataclass
class Run:
    """A stretch of a paragraph: either one statement or plain text between statements."""

    statement: Statement | None
    start: int = 0
    # False for the second and later pieces of a statement cut by a line break: only the
    # first piece is the focusable control (and carries the element id).
    first: bool = True
    segments: list[Segment] = field(default_factory=list)
    # Precomputed for the template (empty for plain text).
    start_attr: str = ""
    statement_id: str = ""
    state: str = ""
    state_label: str = ""
    title: str = ""


@dataclass
class Paragraph:
    start: int = 0
    runs: list[Run] = field(default_factory=list)

    @property
    def start_attr(self) -> str:
        return str(self.start)


# The states' labels, looked up once: get_review_state_display() flattens and hashes the
# choices on every call, a third of the layout's time on a long article.
_STATE_LABELS = dict(Statement.ReviewState.choices)


def statement_title(statement: Statement) -> str:
    """The tooltip of a statement in the text: its state and why it was found checkable."""
    score = f"score {statement.score:.2f} ({statement.scored_by})"
    parts = [_STATE_LABELS[statement.review_state], score]
    if statement.anchor == Statement.Anchor.CHANGED:
        parts.append("reworded in this revision")
    title = " · ".join(parts)
    if statement.reasons:
        title += ": " + ", ".join(str(r) for r in statement.reasons)
    return title


def article_layout(
    *, body: str, statements: Sequence[Statement], mentions: Sequence[MentionSpan]
) -> list[Paragraph]:
    """Cut ``body`` at every statement, figure and mention boundary and at line breaks.

    Statements do not overlap (one per sentence); a mention that crosses a statement edge
    is simply cut in two. Overlapping mentions: the first (by start) wins its characters.
    ``mentions`` are in text order (review.selectors.mention_list).
    """
    n = len(body)
    # What covers each character, and every offset where that may change: the text is
    # walked from cut to cut, not character by character (a long article has ten times
    # more characters than cuts).
    statement_at: list[Statement | None] = [None] * n
    figure_at = [""] * n
    mention_at: list[MentionSpan | None] = [None] * n
    cuts = {0, n}
    for s in statements:
        _cover(statement_at, s.start, s.end, s)
        cuts.update((s.start, s.end))
        for f in s.figures:
            _cover(figure_at, f["start"], f["end"], f["kind"])
            cuts.update((f["start"], f["end"]))
    covered_to = 0  # sorted by start: an earlier mention holds [start, covered_to)
    for m in mentions:
        _cover(mention_at, max(m.start, covered_to), m.end, m)
        covered_to = max(covered_to, m.end)
        cuts.update((m.start, m.end))
    line_break = body.find("\n")
    while line_break != -1:
        cuts.update((line_break, line_break + 1))
        line_break = body.find("\n", line_break + 1)
    bounds = sorted(c for c in cuts if 0 <= c <= n)

    mention_titles: dict[int, str] = {}
    seen_statements: set[int] = set()
    paragraphs = [Paragraph()]
    last_key: tuple | None = None
    for i, j in pairwise(bounds):
        if body[i] == "\n":  # a line break is a piece of its own
            if paragraphs[-1].runs:
                paragraphs.append(Paragraph())
            last_key = None
            continue
        key = (statement_at[i], figure_at[i], mention_at[i])
        runs = paragraphs[-1].runs
        if not runs:
            paragraphs[-1].start = i
        elif key == last_key:  # a cut that changes nothing here (say, a nested mention)
            runs[-1].segments[-1].text += body[i:j]
            continue
        last_key = key
        statement = statement_at[i]
        if not runs or runs[-1].statement is not statement:
            run = Run(statement=statement, start=i, start_attr=str(i))
            if statement is not None:
                run.statement_id = str(statement.pk)
                run.first = statement.pk not in seen_statements
                seen_statements.add(statement.pk)
                run.state = statement.review_state
                run.state_label = _STATE_LABELS[statement.review_state]
                run.title = statement_title(statement)
            runs.append(run)
        segment = Segment(body[i:j], i, figure_at[i], mention_at[i])
        mention = mention_at[i]
        if mention is not None:
            if mention.pk not in mention_titles:
                mention_titles[mention.pk] = f"{mention.label}: {mention.entity_name}"
                segment.mention_first = True
            segment.start_attr = str(i)
            segment.mention_id = str(mention.pk)
            segment.mention_label = mention.label
            segment.mention_title = mention_titles[mention.pk]
        runs[-1].segments.append(segment)
    return [p for p in paragraphs if p.runs]


def _cover(at: list, start: int, end: int, value) -> None:
    """Set ``at[start:end]`` (clipped to the text) to ``value``."""
    start, end = max(start, 0), min(end, len(at))
    if start < end:
        at[start:end] = [value] * (end - start)


def article_text_html(*, paragraphs: Sequence[Paragraph], selected_key: str) -> SafeString:
    """The article text's paragraphs as HTML (templates/annotations/_article_text.html says
    what the page's script reads from it). Inside a ``<p>`` nothing but the body's own
    characters appears (no whitespace between tags): the page maps a selection back to
    body offsets from the paragraph's ``data-start``."""
    out: list[str] = []
    add = out.append
    for p in paragraphs:
        add(f'<p data-start="{p.start}">')
        for run in p.runs:
            statement = run.statement
            if statement is not None:
                add('<span class="stmt"')
                if run.first:
                    pressed = "true" if run.statement_id == selected_key else "false"
                    add(
                        f' id="s{run.statement_id}" role="button" tabindex="0"'
                        f' aria-pressed="{pressed}" aria-label="{escape(statement.text)}"'
                    )
                add(
                    f' data-statement="{run.statement_id}" data-start="{run.start_attr}"'
                    f' data-state="{escape(run.state)}"'
                    f' data-state-label="{escape(run.state_label)}" title="{escape(run.title)}">'
                )
            for seg in run.segments:
                if seg.mention_id:
                    label = escape(seg.mention_label)
                    tag = f' data-label="{label}"' if seg.mention_first else ""
                    add(
                        f'<mark class="ent ent-{label}" data-mention="{seg.mention_id}"'
                        f' data-start="{seg.start_attr}"{tag}'
                        f' title="{escape(seg.mention_title)}">'
                    )
                if seg.figure_kind:
                    kind, text = escape(seg.figure_kind), escape(seg.text)
                    add(f'<strong class="fig fig-{kind}" title="{kind}">{text}</strong>')
                else:
                    add(escape(seg.text))
                if seg.mention_id:
                    add("</mark>")
            if statement is not None:
                add("</span>")
        add("</p>\n")
    return mark_safe("".join(out))  # every piece above is escaped
