"""Partners and their API tokens. A token is shown once, at creation; only its SHA-256
is stored (a database leak does not leak working tokens), with a short prefix to tell
tokens apart in lists. Several tokens can be live at once, so partners rotate them
without downtime."""

import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotations.models import Partner, PartnerToken

TOKEN_PREFIX = "fcp_"
PREFIX_CHARS = 12
# Recording last use on every request would write on every read; once a minute is enough.
LAST_USED_GRANULARITY_SECONDS = 60
# This process's recently checked tokens: digest -> (partner, monotonic expiry). A partner
# polling the API costs one token query per API_TOKEN_CACHE_SECONDS, not one per request.
_recent: dict[str, tuple[Partner, float]] = {}
RECENT_MAX = 1_000  # tokens; beyond that the memory starts again (no unbounded growth)


@dataclass(frozen=True)
class NewToken:
    partner: Partner
    token: PartnerToken
    secret: str  # the full token: print it once, it cannot be recovered


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def partner_token_create(*, name: str) -> NewToken:
    """Create the partner if needed and a new token for it."""
    name = name.strip()
    if not name:
        raise ValueError("the partner name is empty")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        partner, _ = Partner.objects.get_or_create(name=name)
        token = PartnerToken.objects.create(
            partner=partner, prefix=secret[:PREFIX_CHARS], digest=token_digest(secret)
        )
    return NewToken(partner=partner, token=token, secret=secret)


def partner_token_revoke(
    *, prefix: str | None = None, token_ids: Iterable[int] | None = None
) -> int:
    """Revoke the live tokens starting with ``prefix`` (the command line), or those with
    these ids (the admin's selection); returns how many."""
    if (prefix is None) == (token_ids is None):
        raise ValueError("give either a prefix or token ids")
    tokens = PartnerToken.objects.filter(revoked_at__isnull=True)
    if prefix is not None:
        tokens = tokens.filter(prefix__startswith=prefix)
    elif token_ids is not None:
        tokens = tokens.filter(pk__in=list(token_ids))
    count = tokens.update(revoked_at=timezone.now())
    _recent.clear()  # this process refuses the revoked tokens at once
    return count


def partner_authenticate(*, secret: str) -> Partner | None:
    """The active partner holding this live token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    digest = token_digest(secret)
    recent = _recent.get(digest)
    if recent is not None and recent[1] > time.monotonic():
        return recent[0]
    token = (
        PartnerToken.objects.select_related("partner")
        .filter(digest=digest, revoked_at__isnull=True, partner__is_active=True)
        .first()
    )
    if token is None:
        _recent.pop(digest, None)
        return None
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() > LAST_USED_GRANULARITY_SECONDS:
        PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    ttl = settings.API_TOKEN_CACHE_SECONDS
    if ttl > 0:
        if len(_recent) >= RECENT_MAX:
            _recent.clear()
        _recent[digest] = (token.partner, time.monotonic() + ttl)
    return token.partner
