"""drf-spectacular extensions: how the partner token (first) and the desk's session cookie
appear in the OpenAPI schema."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "annotations.partners.api.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner token from `manage.py partner_token NAME`.",
        }


class SessionCookieScheme(OpenApiAuthenticationExtension):
    """The desk's session cookie, for editors trying the API in a logged-in browser.

    drf-spectacular lists security schemes by name, and Swagger UI's Authorize dialog
    follows that order: named "sessionCookie" (drf-spectacular's own is "cookieAuth") it
    comes after "partnerToken", so partners see their token first.
    """

    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "sessionCookie"
    priority = 0  # above drf-spectacular's own SessionScheme (-1)

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "For editors logged in to the desk; partners use the token above.",
        }


def request_bodies_required(result, generator, request, public):
    """drf-spectacular marks a body required only when its component lists required
    fields, which a oneOf of shapes (the article create: text, url or html) does not."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if operation.get("operationId") == "articles_create" and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result
