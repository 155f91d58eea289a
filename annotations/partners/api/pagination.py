import functools
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

from annotations.partners.api.fields import WireIntegerField
from annotations.publishing.selectors import PAGE_ROW_MODIFIED_AT

# A cursor is "f" (forward) or "r" (reverse), an offset among records sharing the
# position, and the position: the ordering field's instant in microseconds since 1970.
# Any string matching the pattern is a cursor this API reads, so it can be documented as
# it is parsed (DRF's base64 cursors cannot: a malformed one was a 404, or a 500).
CURSOR_PATTERN = r"^([fr])(0|[1-9][0-9]{0,3})(?:\.(0|[1-9][0-9]{0,16}))?$"
_CURSOR = re.compile(CURSOR_PATTERN[:-1] + r"\Z")  # "$" as the schema reads it
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def position_text(microseconds: int) -> str:
    """A position as DRF compares and filters by it: str() of the instant, in UTC."""
    return str(_EPOCH + microseconds * _MICROSECOND)


@functools.cache
def _page_size_field(max_page_size: int | None) -> WireIntegerField:
    # Made once: building a DRF field costs more than validating a number with it, and a
    # field that is not bound to a serializer keeps no state between validations.
    return WireIntegerField(min_value=1, max_value=max_page_size)


class StrictCursorPagination(CursorPagination):
    """DRF's cursor pagination with its parameters parsed strictly: a malformed
    ``cursor`` or ``page_size`` is a 400 naming it, not ignored. The ordering's first
    field must be a date-time (positions are instants)."""

    page_size_query_param = "page_size"
    cursor_query_description = "The `next` or `previous` link's cursor, as given."

    def get_page_size(self, request) -> int | None:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        field = _page_size_field(self.max_page_size)
        try:
            if len(values) > 1:
                raise ValidationError(["Give this parameter once."])
            return field.run_validation(values[0])
        except ValidationError as exc:
            raise ValidationError({self.page_size_query_param: exc.detail}) from None

    def decode_cursor(self, request) -> Cursor | None:
        values = request.query_params.getlist(self.cursor_query_param)
        if not values:
            return None
        match = _CURSOR.match(values[0]) if len(values) == 1 else None
        if match is None:
            raise ValidationError(
                {self.cursor_query_param: ["Not a cursor: use the `next` or `previous` link."]}
            )
        direction, offset, position = match.groups()
        # DRF compares str() of the ordering field's value with the position: the position
        # is that text (the stubs type positions as int, but DRF's own are str too).
        text = None if position is None else position_text(int(position))
        return Cursor(
            offset=min(int(offset), self.offset_cutoff),
            reverse=direction == "r",
            position=text,  # type: ignore[arg-type]
        )

    def encode_cursor(self, cursor: Cursor) -> str:
        token = f"{'r' if cursor.reverse else 'f'}{cursor.offset}"
        if cursor.position is not None:
            # A str, as in decode_cursor (the stubs say int).
            instant = datetime.fromisoformat(cursor.position)  # type: ignore[arg-type]
            if instant.tzinfo is None:  # SQLite's text of a stored instant: UTC
                instant = instant.replace(tzinfo=UTC)
            token += f".{(instant - _EPOCH) // _MICROSECOND}"
        assert self.base_url is not None, "paginate_queryset sets it before any link"
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        schema = super().get_paginated_response_schema(schema)
        example = "https://factcheck.example.org/api/v1/claimreviews/?cursor={}"
        schema["properties"]["next"]["example"] = example.format("f0.1763629920000000")
        schema["properties"]["previous"]["example"] = example.format("r0.1763629920000000")
        return schema

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string", "pattern": CURSOR_PATTERN},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class SyncCursorPagination(StrictCursorPagination):
    """Cursor pagination in modification order (then id): a partner that keeps the last
    cursor, or the last dateModified, never misses or repeats a record while editors
    publish. Records appear once settled (settings.API_SYNC_LAG_SECONDS)."""

    ordering = ("modified_at", "id")
    page_size = 50
    max_page_size = settings.API_MAX_PAGE_SIZE

    def _get_position_from_instance(self, instance, ordering):
        # A page is rows of ClaimReviewPageQuery, modified_at in microseconds: the position
        # is str() of that instant, as DRF takes it from a model (made only for the few
        # rows DRF asks about).
        return position_text(instance[PAGE_ROW_MODIFIED_AT])


class ArticleCursorPagination(StrictCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    max_page_size = 100
