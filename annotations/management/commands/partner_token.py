"""python manage.py partner_token NAME — create a partner if needed and print a new token."""

from django.core.management.base import CommandError, CommandParser

from annotations.management.base import DatabaseCommand
from annotations.models import PartnerToken
from annotations.partners.tokens import partner_token_create, partner_token_revoke


class Command(DatabaseCommand):
    help = (
        "Create the partner NAME if needed and print a new API token (shown once; only its "
        "hash is stored). --revoke PREFIX revokes tokens; --list shows a partner's tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the tokens with PREFIX.")
        parser.add_argument(
            "--list", dest="list_tokens", action="store_true", help="List NAME's tokens."
        )

    def handle(self, *args, name: str, revoke: str | None, list_tokens: bool, **opts) -> None:
        if revoke:
            if len(revoke) < 8:
                raise CommandError("give at least 8 characters of the token to revoke")
            count = partner_token_revoke(prefix=revoke)
            if not count:
                raise CommandError(f"no live token starts with {revoke!r}")
            self.stdout.write(f"Revoked {count} token(s).")
            return
        if not name.strip():
            raise CommandError("give the partner's NAME")
        if list_tokens:
            tokens = PartnerToken.objects.filter(partner__name=name).order_by("created_at")
            for t in tokens:
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live"
                used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "unused"
                self.stdout.write(f"{t.prefix}…  created {t.created_at:%Y-%m-%d}  {state}  {used}")
            return
        new = partner_token_create(name=name)
        self.stderr.write(f"New token for {new.partner.name} (shown once, store it now):")
        self.stdout.write(new.secret)
