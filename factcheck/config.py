"""Start-up checks shared by every entry point (manage.py, Celery, gunicorn's WSGI app)."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from environs import EnvError

# gunicorn halts (instead of respawning workers forever) when a worker exits with this code.
APP_LOAD_ERROR = 4


def settings_load_or_exit(*, exit_code: int = 2) -> None:
    """Load the settings now; on a configuration error print one line naming the variable
    and exit, instead of the traceback a lazy first access would print later."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 (the first access imports the settings module)
    except (ImproperlyConfigured, EnvError) as error:
        sys.stderr.write(f"configuration error: {error}\n")
        raise SystemExit(exit_code) from None
