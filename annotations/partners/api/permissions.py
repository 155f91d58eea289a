from rest_framework import permissions

from annotations.core.roles import user_is_editor
from annotations.partners.api.authentication import PartnerPrincipal


def request_partner(request):
    return request.user.partner if isinstance(request.user, PartnerPrincipal) else None


class CanReadPublished(permissions.BasePermission):
    """Partners (with a token), and editors with their session, read published verdicts.
    Writes need CanIngest.

    Staff status alone gives no session access: a staff account in neither desk group sees
    no article on the site, so it reads none here either (partners use tokens)."""

    message = "Authenticate with a partner token (Authorization: Bearer <token>)."

    def has_permission(self, request, view) -> bool:
        if request_partner(request) is not None:
            return True
        return user_is_editor(request.user)


class CanIngest(CanReadPublished):
    """POST /api/v1/articles/: a partner marked can_ingest, or an editor."""

    message = "This client may not ingest articles."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        partner = request_partner(request)
        if partner is not None:
            return partner.can_ingest
        return super().has_permission(request, view)
