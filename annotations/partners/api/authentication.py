from dataclasses import dataclass

from rest_framework import authentication, exceptions

from annotations.models import Partner
from annotations.partners.tokens import partner_authenticate


@dataclass(frozen=True)
class PartnerPrincipal:
    """request.user for a partner's request: authenticated, but no Django user and no
    desk role. The Partner itself is request.auth."""

    partner: Partner
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def __str__(self) -> str:
        return f"partner:{self.partner.name}"


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``. Unknown, revoked or inactive tokens get 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme != self.keyword:
            return None
        secret = secret.strip()
        if not secret or " " in secret:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        partner = partner_authenticate(secret=secret)
        if partner is None:
            raise exceptions.AuthenticationFailed("Unknown, revoked or inactive token.")
        return PartnerPrincipal(partner=partner), partner

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) with a WWW-Authenticate header.
        return f'{self.keyword} realm="api"'
