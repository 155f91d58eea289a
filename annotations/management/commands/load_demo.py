"""python manage.py load_demo — the seed articles, the demo accounts and some demo work,
for `make run`.

seeds/articles.toml gives each seed file its title (and publisher, date and address where
they are known) and the demo work done on it the first time it is loaded: statements
assigned to the demo reviewer, verdicts written by the reviewer and decided by the demo
editor, so that My queue, Approvals, the dashboard and the API are not empty. Running it
again loads nothing twice and only resets the passwords.
"""

import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from annotations.core.roles import EDITORS, REVIEWERS
from annotations.editorial.services import verdict_approve, verdict_return
from annotations.ingest.services import article_ingest, article_title_default
from annotations.management.base import DatabaseCommand
from annotations.models import Article
from annotations.review.services import SourceInput, statement_assign, verdict_save

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
SEEDS_MANIFEST = SEEDS_DIR / "articles.toml"
DEMO_USERNAME = "reviewer"
DEMO_EDITOR_USERNAME = "editor"
# An editor too, so the four-eyes flow can be tried: the editor approves what the
# reviewer submits.
DEMO_ACCOUNTS = [(DEMO_USERNAME, REVIEWERS, "reviewer"), (DEMO_EDITOR_USERNAME, EDITORS, "editor")]
WORK_STAGES = ("assigned", "draft", "submitted", "returned", "approved")


@dataclass(frozen=True)
class Seed:
    path: Path
    title: str = ""
    publisher: str = ""
    published_on: date | None = None
    source_url: str = ""
    work: list[dict[str, Any]] = field(default_factory=list)


class Command(DatabaseCommand):
    help = (
        "Load the sample articles from seeds/ (with seeds/articles.toml), do their demo "
        "work once, and (re)set the demo accounts' passwords."
    )

    def handle(self, *args, **opts) -> None:
        passwords = {
            username: (role, demo_user_reset(username=username, group=group))
            for username, group, role in DEMO_ACCOUNTS
        }
        users = get_user_model().objects.in_bulk(list(passwords), field_name="username")
        for seed in seeds_read():
            self.stdout.write(
                seed_load(
                    seed=seed, reviewer=users[DEMO_USERNAME], editor=users[DEMO_EDITOR_USERNAME]
                )
            )
        for username, (role, password) in passwords.items():
            self.stdout.write(
                self.style.SUCCESS(f"Demo {role}: username {username!r}, password {password!r}")
            )


def seeds_read() -> list[Seed]:
    """Every seed file, in name order, with what the manifest says about it."""
    manifest = tomllib.loads(SEEDS_MANIFEST.read_text("utf-8")) if SEEDS_MANIFEST.exists() else {}
    return [
        Seed(path=path, **manifest.get(path.name, {})) for path in sorted(SEEDS_DIR.glob("*.txt"))
    ]


def seed_load(*, seed: Seed, reviewer, editor) -> str:
    """Load one seed file and, when it is new, do its demo work (all or nothing); fill in
    the manifest's title and metadata on one loaded before they were known. Returns the
    line to print."""
    with transaction.atomic():
        result = article_ingest(
            text=seed.path.read_text(encoding="utf-8"),
            title=seed.title,
            publisher=seed.publisher,
            published_on=seed.published_on,
            source_url=seed.source_url,
            channel=Article.Channel.CLI,
        )
        article = result.article
        if result.created:
            steps = demo_work_do(article=article, work=seed.work, reviewer=reviewer, editor=editor)
            state = f"loaded, {steps} demo step{'s' if steps != 1 else ''}"
        else:
            filled = seed_metadata_fill(article=article, seed=seed)
            state = "already there" + (f", {' and '.join(filled)} filled in" if filled else "")
    return f"Demo article {article.pk} ({seed.path.name}): {state}"


def seed_metadata_fill(*, article: Article, seed: Seed) -> list[str]:
    """Set the manifest's title, publisher, date and address on ``article`` where it still
    has what ingestion gave it without them. Returns the fields changed."""
    changed = []
    if seed.title and article.title == article_title_default(body=article.body):
        article.title = seed.title
        changed.append("title")
    for name in ("publisher", "published_on", "source_url"):
        if getattr(seed, name) and not getattr(article, name):
            setattr(article, name, getattr(seed, name))
            changed.append(name)
    if changed:
        article.save(update_fields=changed)
    return changed


def demo_work_do(*, article: Article, work: list[dict[str, Any]], reviewer, editor) -> int:
    """Take each listed statement as far as its ``until`` says, through the services (four
    eyes, history and published documents are real). A phrase no statement contains (the
    detector changed) is skipped. Returns how many were done."""
    statements = list(article.statements.order_by("start"))
    done = 0
    for item in work:
        until = item["until"]
        if until not in WORK_STAGES:
            raise ValueError(f"{SEEDS_MANIFEST.name}: unknown stage {until!r}")
        statement = next((s for s in statements if item["phrase"] in s.text), None)
        if statement is None:
            continue
        done += 1
        if until == "assigned":
            statement_assign(statement_id=statement.pk, user=editor, assignee_id=reviewer.pk)
            continue
        verdict_save(
            statement_id=statement.pk,
            user=reviewer,
            rating=item["rating"],
            explanation=item["explanation"],
            sources=[SourceInput(**item["source"])] if "source" in item else [],
            base_version=0,
            submit=until != "draft",
        )
        if until == "approved":
            verdict_approve(statement_id=statement.pk, user=editor, base_version=1)
        elif until == "returned":
            verdict_return(
                statement_id=statement.pk, user=editor, note=item["note"], base_version=1
            )
    return done


def demo_user_reset(*, username: str, group: str) -> str:
    """Create the demo account if needed, in ``group``, with a fresh password (printed each
    time, so the one on screen always works)."""
    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return password
