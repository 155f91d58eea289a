"""Errors of the partner API, always JSON ``{"detail": ...}`` (field errors: ``{field:
[messages]}``), whether DRF raised them in a view or Django answered before or after one
(no route, a body too large, an unhandled exception such as a database outage)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotations.core.errors import InvalidInput
from annotations.ingest.pages import PageError
from annotations.ingest.services import ArticleInputError

API_PREFIX = "/api/"
SERVER_ERROR = "Server error: the request could not be completed. It was logged; try again later."


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        super().__init__(request_too_large_message())


def request_too_large_message() -> str:
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return f"The request body is larger than {megabytes:g} MB."


def api_exception_handler(exc, context):
    """DRF's handler, plus: bad article input is a 400 with the message under ``text``, a
    page that cannot be used (or a value a service refuses, such as a publication date in
    the future) a 422 under ``url``, ``html`` or that field, and
    a body Django refused as too large (a session client's form post) a 413."""
    if isinstance(exc, PageError):
        # Well-formed, but the page could not be had or holds no article: 422, not 400.
        return Response({exc.field or "url": [exc.message]}, status=422)
    if isinstance(exc, InvalidInput):
        # Well-formed, but a rule the schema cannot state refuses it (a date in the
        # future): 422 too, under the field.
        return Response({exc.field or "non_field_errors": [exc.message]}, status=422)
    if isinstance(exc, ArticleInputError):
        exc = ValidationError({"text": [str(exc)]})
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    return exception_handler(exc, context)


# Django's error views (factcheck/urls.py), answering JSON under /api/ and the site's pages
# elsewhere. DRF views handle their own errors; these catch what happens outside them.


def _api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(detail: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _json(request_too_large_message(), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return _json("Bad request.", status.HTTP_400_BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _api(request):
        return defaults.permission_denied(request, exception)
    return _json("You do not have permission to perform this action.", status.HTTP_403_FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _api(request):
        return defaults.page_not_found(request, exception)
    return _json("Not found.", status.HTTP_404_NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django has logged the exception (django.request) before calling this.
    if not _api(request):
        return defaults.server_error(request)
    return _json(SERVER_ERROR, status.HTTP_500_INTERNAL_SERVER_ERROR)
