"""The base of this app's management commands that use the database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor


def database_ready_check() -> None:
    """Raise a one-line CommandError when the database does not answer or is not migrated,
    instead of failing halfway with a traceback (`no such table: ...`)."""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as error:
        raise CommandError(f"the database does not answer: {error}") from None
    if plan:
        raise CommandError(
            f"the database is not set up ({len(plan)} migration(s) to apply): "
            "run `make run` once, or `manage.py migrate`."
        )


class DatabaseCommand(BaseCommand):
    """Checks the database before handle() runs (Django's migration-check hook)."""

    requires_migrations_checks = True

    def check_migrations(self) -> None:
        database_ready_check()
