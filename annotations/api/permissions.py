from rest_framework import permissions

from annotations.api.authentication import PartnerPrincipal
from annotations.roles import user_is_editor


def request_partner(request):
    return request.user.partner if isinstance(request.user, PartnerPrincipal) else None


class CanReadPublished(permissions.BasePermission):
    """Partners (with a token), and staff or editors with their session, read published
    verdicts. Writes need CanIngest."""

    message = "Authenticate with a partner token (Authorization: Bearer <token>)."

    def has_permission(self, request, view) -> bool:
        if request_partner(request) is not None:
            return True
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user_is_editor(user)))


class CanIngest(CanReadPublished):
    """POST /api/v1/articles/: a partner marked can_ingest, or staff or an editor."""

    message = "This client may not ingest articles."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        partner = request_partner(request)
        if partner is not None:
            return partner.can_ingest
        return super().has_permission(request, view)
