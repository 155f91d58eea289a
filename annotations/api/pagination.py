from django.conf import settings
from rest_framework.pagination import CursorPagination


class SyncCursorPagination(CursorPagination):
    """Cursor pagination in modification order (then id): a partner that keeps the last
    cursor, or the last dateModified, never misses or repeats a record while editors
    publish. Records appear once settled (settings.API_SYNC_LAG_SECONDS)."""

    ordering = ("modified_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class ArticleCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
