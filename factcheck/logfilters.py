"""Logging filters named in settings.LOGGING."""

import logging


class ClientErrorOneLine(logging.Filter):
    """Django logs a 403 or a 400 with the traceback of the exception behind it
    (PermissionDenied, SuspiciousOperation): a reviewer opening an editors' page would
    put 30 lines in the server log for an ordinary refusal, and bury the real errors.
    A 4xx keeps its one line; a 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = record.exc_text = None
        return True
