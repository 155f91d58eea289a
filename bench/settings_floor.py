"""`make bench` only: the site's settings with the floor view's URL added (bench/floor.py)."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor"

# Served by gunicorn with DEBUG off and no collectstatic run: plain static URLs.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
