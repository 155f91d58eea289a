"""Parsing request parameters in views."""


def int_or_none(value: str | None) -> int | None:
    """A positive integer from a query or form parameter, or None if it is not one."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None
