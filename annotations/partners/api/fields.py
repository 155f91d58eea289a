"""Strict input fields for the partner API: each accepts exactly what the OpenAPI schema
says (drf-spectacular documents them from these same fields), so a malformed value is a
400 naming it, never silently read as something else.

DRF's own fields are lenient where the schema is not: CharField turns numbers into text,
IntegerField reads "5.0", " 5" and other scripts' digits, DateTimeField takes a date
alone or no time zone, and a parameter given twice silently means its last value.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator, URLValidator
from rest_framework import serializers

# No NUL: PostgreSQL text cannot hold it. ("+": a blank value, where allowed, is its own
# case in the schema, and JSON Schema's oneOf must not find it in both.)
NO_NUL_PATTERN = r"^[^\x00]+$"

# An absolute http(s) URI by RFC 3986 (so within the schema's format "uri"): a host name
# without escapes, a port, then path, query and fragment characters or %XX escapes.
_URL_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})"
HTTP_URL_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~!$&'()*+,;=-]+(?::[0-9]{1,5})?"
    rf"(?:[/?]{_URL_CHAR}*)?(?:#{_URL_CHAR}*)?$"
)

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# RFC 3339 (the schema's date-time): a date, "T", a time with seconds, an offset or "Z".
_DATE_TIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<offset_hour>[0-9]{2}):(?P<offset_minute>[0-9]{2}))"
)


class PatternValidator(RegexValidator):
    """A RegexValidator reading a final ``$`` as JSON Schema does, as the end of the
    string (Python's also matches before a final newline). Documented as written."""

    def __init__(self, pattern: str, message: str) -> None:
        super().__init__(pattern, message)
        self.full = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)

    def __call__(self, value) -> None:
        if not self.full.search(str(value)):
            raise serializers.ValidationError(self.message, code=self.code)


def optional_messages(field: serializers.Field, *, blank: str = "") -> None:
    """For an optional field, say what to send instead of DRF's "may not be blank/null",
    which reads (to people and to schemathesis) as if the field were required."""
    if field.required:
        return
    field.error_messages["null"] = "Leave the field out instead of sending null."
    field.error_messages["blank"] = blank or "Leave the field out instead of sending it empty."


class StrictCharField(serializers.CharField):
    """A JSON string and nothing else. Whitespace is kept unless the field trims it."""

    def __init__(self, *, pattern: str | None = None, pattern_message: str = "", **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        optional_messages(self, blank=pattern_message)
        if pattern:
            # Every pattern here refuses NUL, with a message saying so: DRF's own NUL check
            # would add a second message for the same character.
            assert re.fullmatch(pattern, "\x00") is None, "a pattern must refuse NUL"
            self.validators = [
                v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            default = "No NUL characters." if pattern == NO_NUL_PATTERN else "Invalid value."
            self.validators.append(PatternValidator(pattern, pattern_message or default))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class HttpURLField(serializers.URLField):
    """An absolute http or https URI as RFC 3986 (the schema's ``format: uri``) writes
    it, with a host name. Django's URLValidator also wants a resolvable-looking host (no
    more than 253 characters, a known shape of top-level domain), which no schema says."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        # The pattern alone: it refuses NUL too, so DRF's NUL check would only add a
        # second message for the same character.
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, URLValidator | ProhibitNullCharactersValidator)
        ]
        self.validators.append(PatternValidator(HTTP_URL_PATTERN, "Enter an http or https URL."))
        optional_messages(self)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WireIntegerField(serializers.IntegerField):
    """An integer as a URL writes it (ASCII digits, an optional sign) or a JSON integer."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            return data
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")  # before int(), which refuses past 4,300 digits
        if isinstance(data, str) and _INTEGER.fullmatch(data):
            return int(data)
        self.fail("invalid")


class StrictDateField(serializers.DateField):
    """A date as YYYY-MM-DD (RFC 3339 full-date) only."""

    def to_internal_value(self, value):
        match = _DATE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            self.fail("invalid", format="YYYY-MM-DD")
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            self.fail("invalid", format="YYYY-MM-DD")


class RFC3339DateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time, as the schema's ``format: date-time`` says: seconds and an
    offset are required (a "+" must be written %2B in a URL)."""

    default_error_messages = {
        "invalid": "Use an RFC 3339 date-time such as 2026-11-20T09:12:00Z or "
        "2026-11-20T10:12:00%2B01:00 (with seconds and a time zone)."
    }

    def to_internal_value(self, value):
        match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            self.fail("invalid")
        try:
            return _rfc3339_datetime(match)
        except ValueError:
            self.fail("invalid")


def _rfc3339_datetime(match: re.Match) -> datetime:
    """The instant, in UTC. Raises ValueError for a date, time or offset out of range."""
    if match["utc"]:
        zone = UTC
    else:
        hours, minutes = int(match["offset_hour"]), int(match["offset_minute"])
        if minutes > 59:
            raise ValueError("offset minutes out of range")
        sign = 1 if match["sign"] == "+" else -1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))  # < 24 h or ValueError
    day = date.fromisoformat(match["date"])
    second = int(match["second"])
    leap = timedelta(seconds=1) if second == 60 else timedelta(0)  # 23:59:60 is 00:00:00
    value = datetime(
        day.year,
        day.month,
        day.day,
        int(match["hour"]),
        int(match["minute"]),
        59 if leap else second,
        int((match["fraction"] or "0")[:6].ljust(6, "0")),
        tzinfo=zone,
    )
    try:
        return value.astimezone(UTC) + leap
    except OverflowError:
        # Before year 1 or after 9999 once in UTC: before or after every record.
        extreme = datetime.min if zone.utcoffset(None) > timedelta(0) else datetime.max
        return extreme.replace(tzinfo=UTC)


class QueryParametersSerializer(serializers.Serializer):
    """Query parameters, each given at most once; an empty one (``?verdict=``) is a value
    to validate, not left out as DRF reads form data. Undeclared parameters are ignored."""

    def to_internal_value(self, data):
        repeated = {
            name: ["Give this parameter once."]
            for name in self.fields.keys()  # noqa: SIM118 -- names; the stubs type iteration as fields
            if len(data.getlist(name)) > 1
        }
        if repeated:
            raise serializers.ValidationError(repeated)
        return super().to_internal_value({name: data[name] for name in self.fields if name in data})
