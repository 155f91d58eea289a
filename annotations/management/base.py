"""The base of this app's management commands that use the database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor


class DatabaseCommand(BaseCommand):
    """Refuses to start, with one line, on a database that is not migrated or does not
    answer, instead of failing halfway with a traceback (`no such table: ...`)."""

    requires_migrations_checks = True

    def check_migrations(self) -> None:
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
