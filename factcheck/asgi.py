from django.core.asgi import get_asgi_application

from factcheck.config import APP_LOAD_ERROR, settings_load_or_exit

settings_load_or_exit(exit_code=APP_LOAD_ERROR)
application = get_asgi_application()
