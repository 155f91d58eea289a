import logging
import time

from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from annotations.partners.api.permissions import request_partner

logger = logging.getLogger(__name__)

# What the cache raises when its server is down or unreachable: redis-py's errors (the
# Redis backend), OSError (the file-based backend of the embedded set-up).
CACHE_ERRORS = (RedisError, OSError)
# After a cache error this process stops counting for this long: requests are not held up
# by a dead cache's timeouts, and the outage is logged once per interval, not per request.
CACHE_RETRY_SECONDS = 10.0


class PartnerRateThrottle(SimpleRateThrottle):
    """Each partner's own rate (Partner.rate_per_minute); session users share a default.

    Counts live in the default cache (Redis in production), so every gunicorn worker and
    machine sees the same count. DRF answers 429 with a Retry-After header.

    The cache is not allowed to take the API down: while it fails, requests are let
    through uncounted (fail open) and a warning is logged.
    """

    scope = "partner"
    SESSION_RATE = "600/min"
    # Per process (monotonic clock): until when the cache is left alone after an error.
    _cache_down_until = 0.0

    def __init__(self) -> None:  # the rate depends on the request: set in allow_request
        pass

    def allow_request(self, request, view) -> bool:
        partner = request_partner(request)
        self.rate = f"{partner.rate_per_minute}/min" if partner else self.SESSION_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if time.monotonic() < PartnerRateThrottle._cache_down_until:
            return True
        try:
            allowed = super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            PartnerRateThrottle._cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
            logger.warning(
                "Rate limiting suspended for %gs, the cache is unavailable: %s: %s",
                CACHE_RETRY_SECONDS,
                type(exc).__name__,
                exc,
            )
            return True
        if PartnerRateThrottle._cache_down_until:
            PartnerRateThrottle._cache_down_until = 0.0
            logger.info("Rate limiting resumed: the cache answers again.")
        return allowed

    def wait(self) -> float:
        """Seconds until the next request is allowed: at least 1, so that Retry-After is
        always sent (DRF gives None once the count is over the rate, as after a partner's
        rate was lowered, and Retry-After: 0 under a second)."""
        wait = super().wait()
        if wait is None:
            wait = self.duration - (self.now - self.history[-1])
        return max(wait, 1)

    def get_cache_key(self, request, view) -> str:
        partner = request_partner(request)
        ident = f"p{partner.pk}" if partner else f"u{request.user.pk or self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
