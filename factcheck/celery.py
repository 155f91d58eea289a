"""The Celery app, configured from Django settings (every key under the CELERY_ namespace)."""

import os

from celery import Celery

from factcheck.config import settings_load_or_exit

# Before the app is made: Celery installs its Django fix-up (task autodiscovery in the
# installed apps, connection handling) only when it sees this variable.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def settings_check(**kwargs) -> None:
    """`celery -A factcheck worker` reads the settings deep inside its start-up: load them
    first so that a configuration error is one line, as in manage.py."""
    settings_load_or_exit()
