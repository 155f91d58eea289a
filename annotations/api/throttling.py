from rest_framework.throttling import SimpleRateThrottle

from annotations.api.permissions import request_partner


class PartnerRateThrottle(SimpleRateThrottle):
    """Each partner's own rate (Partner.rate_per_minute); session users share a default.

    Counts live in the default cache (Redis in production), so every gunicorn worker and
    machine sees the same count. DRF answers 429 with a Retry-After header.
    """

    scope = "partner"
    SESSION_RATE = "600/min"

    def __init__(self) -> None:  # the rate depends on the request: set in allow_request
        pass

    def allow_request(self, request, view) -> bool:
        partner = request_partner(request)
        self.rate = f"{partner.rate_per_minute}/min" if partner else self.SESSION_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        partner = request_partner(request)
        ident = f"p{partner.pk}" if partner else f"u{request.user.pk or self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
