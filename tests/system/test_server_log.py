"""The server log stays readable: an ordinary refusal is one line, a crash keeps its
traceback."""

import logging
import sys

import pytest
from django.urls import reverse

from factcheck.logfilters import ClientErrorOneLine
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_refused_an_editors_page_leaves_one_line_in_the_log(client, caplog):
    client.force_login(ReviewerFactory())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("approvals")).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /approvals/"
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info)
    record.status_code = 500
    assert ClientErrorOneLine().filter(record) and record.exc_info == exc_info
