from rest_framework.views import exception_handler

from annotations.services.articles import ArticleInputError


def api_exception_handler(exc, context):
    """DRF's handler, plus: bad article input is a 400 with the message as ``detail``."""
    if isinstance(exc, ArticleInputError):
        from rest_framework.exceptions import ValidationError

        exc = ValidationError({"text": [str(exc)]})
    return exception_handler(exc, context)
