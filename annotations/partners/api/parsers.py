import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from annotations.partners.api.errors import RequestTooLarge


class LimitedJSONParser(JSONParser):
    """JSON request bodies, refused with 413 past DATA_UPLOAD_MAX_MEMORY_SIZE.

    Django applies that limit to form data only, and DRF reads the body itself, so without
    this a 20 MB body would be read and parsed whole. A declared length over the limit is
    refused before anything is read.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            request = parser_context["request"]
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise RequestTooLarge()
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge()
            stream = io.BytesIO(body)
        return super().parse(stream, media_type, parser_context)
