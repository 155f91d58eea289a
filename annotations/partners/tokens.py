"""Partners and their API tokens. A token is shown once, at creation; only its SHA-256
is stored (a database leak does not leak working tokens), with a short prefix to tell
tokens apart in lists. Several tokens can be live at once, so partners rotate them
without downtime."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from annotations.models import Partner, PartnerToken

TOKEN_PREFIX = "fcp_"
PREFIX_CHARS = 12
# Recording last use on every request would write on every read; once a minute is enough.
LAST_USED_GRANULARITY_SECONDS = 60


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
    return tokens.update(revoked_at=timezone.now())


def partner_authenticate(*, secret: str) -> Partner | None:
    """The active partner holding this live token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        PartnerToken.objects.select_related("partner")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, partner__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() > LAST_USED_GRANULARITY_SECONDS:
        PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.partner
