"""What the profiling scripts under bench/ share: Django set up for a script run from the
command line, and a throwaway test database to measure in."""

import os
from collections.abc import Iterator
from contextlib import contextmanager


def django_setup(*, settings: str = "bench.settings_floor") -> None:
    """Set Django up as production runs it (DEBUG off), with the test client's host let
    through and plain HTTP. The project's root must be on sys.path already."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "profile-only")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


@contextmanager
def throwaway_database(prefix: str) -> Iterator[None]:
    """A test database, created before the block and dropped after it, with the test
    environment set up. On PostgreSQL it is named ``<prefix>_<the configured name>``, so
    never the one a test run or the site uses; SQLite's is in memory. Celery messages
    sent meanwhile go nowhere: a script runs what it measures itself."""
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from factcheck.celery import app

    if connection.vendor == "postgresql":  # SQLite's test database is in memory anyway
        connection.settings_dict["TEST"]["NAME"] = f"{prefix}_{connection.settings_dict['NAME']}"
    setup_test_environment()
    app.conf.broker_url = "memory://localhost/"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(old_config, verbosity=0)
