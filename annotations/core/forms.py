"""Form fields the desk's forms share."""

from django import forms
from django.core.validators import URLValidator

_http_only = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


class HttpURLField(forms.URLField):
    """A web address: http or https only (no javascript:, data:, ftp: ...). Its validator
    replaces URLField's own rather than adding a second, so a bad address gets one
    message, not two."""

    default_validators = [_http_only]
    default_error_messages = {"invalid": _http_only.message}
