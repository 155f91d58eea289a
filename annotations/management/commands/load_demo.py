"""python manage.py load_demo — the sample article and a demo reviewer, for `make run`."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.core.roles import EDITORS, REVIEWERS
from annotations.ingest.services import article_ingest
from annotations.management.base import DatabaseCommand
from annotations.models import Article

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
DEMO_USERNAME = "reviewer"
# An editor too, so the four-eyes flow can be tried: the editor approves what the
# reviewer submits.
DEMO_ACCOUNTS = [(DEMO_USERNAME, REVIEWERS, "reviewer"), ("editor", EDITORS, "editor")]


class Command(DatabaseCommand):
    help = "Load the sample articles from seeds/ and (re)set the demo accounts' passwords."

    def handle(self, *args, **opts) -> None:
        for path in sorted(SEEDS_DIR.glob("*.txt")):
            result = article_ingest(
                text=path.read_text(encoding="utf-8"), channel=Article.Channel.CLI
            )
            state = "loaded" if result.created else "already there"
            self.stdout.write(f"Demo article {result.article.pk} ({path.name}): {state}")

        for username, group, role in DEMO_ACCOUNTS:
            password = demo_user_reset(username=username, group=group)
            self.stdout.write(
                self.style.SUCCESS(f"Demo {role}: username {username!r}, password {password!r}")
            )


def demo_user_reset(*, username: str, group: str) -> str:
    """Create the demo account if needed, in ``group``, with a fresh password (printed each
    time, so the one on screen always works)."""
    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return password
