from django.core.wsgi import get_wsgi_application

from factcheck.config import APP_LOAD_ERROR, settings_load_or_exit

# A configuration error is one line in gunicorn's log, and stops gunicorn instead of having
# it respawn workers that cannot start.
settings_load_or_exit(exit_code=APP_LOAD_ERROR)
application = get_wsgi_application()
