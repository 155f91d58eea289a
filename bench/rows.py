"""Building benchmark articles quickly: one statement per line, written in bulk."""

from collections.abc import Iterator

from annotations.models import Article, Statement


def line_spans(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(order, start offset, line) for the lines of a body joined with newlines."""
    offset = 0
    for order, line in enumerate(lines):
        yield order, offset, line
        offset += len(line) + 1


def statements_bulk_create(*, article: Article, lines: list[str], **fields) -> list[Statement]:
    """A statement for each line of ``article`` (its body is ``lines`` joined by newlines)."""
    return Statement.objects.bulk_create(
        Statement(
            article=article, start=start, end=start + len(line), text=line, order=order, **fields
        )
        for order, start, line in line_spans(lines)
    )
