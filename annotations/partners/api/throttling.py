import logging
import math
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from annotations.partners.api.permissions import request_partner

logger = logging.getLogger(__name__)

# What the cache raises when its server is down or unreachable: redis-py's errors (the
# Redis backend), OSError (the file-based backend of the embedded set-up).
CACHE_ERRORS = (RedisError, OSError)
# After a cache error this process stops counting for this long: requests are not held up
# by a dead cache's timeouts, and the outage is logged once per interval, not per request.
CACHE_RETRY_SECONDS = 10.0


class PartnerRateThrottle(BaseThrottle):
    """Each partner's own rate (Partner.rate_per_minute); session users share a default.

    A counter per partner and minute in the default cache (Redis in production), so every
    gunicorn worker and machine sees the same count: one script (INCR, and EXPIRE on the
    window's first hit) in one round trip per request. (DRF's SimpleRateThrottle read and
    wrote back the list of every request's time in the last minute, a payload that grows
    with the rate.) A fixed
    window lets a partner send up to twice its rate across a minute's boundary; the
    counts are a guard against runaway clients, not billing. DRF answers 429 with a
    Retry-After header: the seconds left in the minute.

    The cache is not allowed to take the API down: while it fails, requests are let
    through uncounted (fail open) and a warning is logged.
    """

    SESSION_RATE_PER_MINUTE = 600
    WINDOW_SECONDS = 60
    _cache_down_until = 0.0

    def __init__(self) -> None:
        self.retry_after = 0.0

    def allow_request(self, request, view) -> bool:
        partner = request_partner(request)
        limit = partner.rate_per_minute if partner else self.SESSION_RATE_PER_MINUTE
        if time.monotonic() < PartnerRateThrottle._cache_down_until:
            return True
        now = time.time()
        window = int(now // self.WINDOW_SECONDS)
        try:
            count = _counter_hit(f"{self._ident(request)}:{window}", ttl=self.WINDOW_SECONDS)
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
        self.retry_after = (window + 1) * self.WINDOW_SECONDS - now
        return count <= limit

    def wait(self) -> float:
        """Seconds until the next request is allowed: at least 1, so that Retry-After is
        always sent (and never 0 under a second)."""
        return max(math.ceil(self.retry_after), 1)

    def _ident(self, request) -> str:
        partner = request_partner(request)
        if partner:
            return f"throttle_partner_p{partner.pk}"
        return f"throttle_partner_u{request.user.pk or self.get_ident(request)}"


# INCR, and EXPIRE on the window's first hit, as one atomic command: one round trip, and
# no counter can be left without its expiry (a client dying between two commands would).
_COUNTER_HIT_LUA = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _counter_hit(key: str, *, ttl: int) -> int:
    """Add one to the counter ``key`` (created for ``ttl`` seconds) and return it."""
    cache = caches["default"]  # the backend itself (django.core.cache.cache is a proxy)
    if isinstance(cache, RedisCache):
        # Django's cache API has no atomic "increment or create": add() then incr() would
        # be two round trips.
        return int(_counter_script(cache)(keys=[cache.make_and_validate_key(key)], args=[ttl]))
    cache.add(key, 0, timeout=ttl)  # the embedded default's file cache
    return cache.incr(key)


def _counter_script(cache: RedisCache):
    """The counter's script on the primary server's client, made once per cache instance
    (one per thread): Django makes a new redis-py client object on every call, a tenth of
    the throttle's time per request. The client only borrows connections from the pool, so
    it can be kept. redis-py sends the script's SHA1 and loads the script when the server
    does not know it (after a restart, say)."""
    script = getattr(cache, "_throttle_script", None)
    if script is None:
        script = cache._cache.get_client(write=True).register_script(_COUNTER_HIT_LUA)
        cache._throttle_script = script  # type: ignore[attr-defined]
    return script
