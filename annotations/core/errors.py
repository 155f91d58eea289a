"""Domain errors raised by services, and the one place that maps them to HTTP statuses.

Services say what went wrong in the desk's terms (invalid input, not allowed, someone acted
first); views and the API turn that into a status code with `error_status`.
"""


class DomainError(Exception):
    """A request that cannot be carried out; ``message`` is shown to the user as is and
    ``field`` names the form field it belongs beside, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The request itself is wrong (a missing note, a selection outside the text)."""


class Forbidden(DomainError):
    """The user's roles do not allow this action."""


class NotFound(DomainError):
    """The thing acted on does not exist (or is not visible to this user)."""


class Conflict(DomainError):
    """Someone else changed the thing first (a subclass may carry what they left)."""


_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
}


def error_status(error: DomainError) -> int:
    """The HTTP status for a domain error (400 for any error not listed)."""
    for kind in type(error).__mro__:
        if kind in _STATUS:
            return _STATUS[kind]
    return 400
