"""Settings for the leads CRM. What differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The development key is only accepted while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Background work: Django's Tasks API (django.tasks from Django 6 on) with a database
    # queue, or RQ on Redis when REDIS_URL is set.
    "django_tasks",
    "django_tasks_db",
    # Lowest layer first (see the README's layer map).
    "crm.core",
    "crm.catalog",
    "crm.org",
    "customers",
    "leads",
    "crm.webhooks",
    "crm.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Chunked bodies (411) and U+0000 in parameters (400) are refused before any view.
    "crm.core.middleware.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The app's own 404 page for the staff pages, also with DEBUG on.
    "crm.pages.middleware.PageNotFoundMiddleware",
    # Pages in the signed-in user's time zone.
    "crm.pages.middleware.TimeZoneMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

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
                "crm.pages.context_processors.navigation",
            ],
            # {% url %} with the addresses that take no arguments reversed once per process.
            "builtins": ["crm.pages.templatetags.urls"],
        },
    },
]

# Selects written by a plain loop instead of a template include per option (same HTML).
FORM_RENDERER = "crm.pages.form_renderer.FormRenderer"

# Database: DATABASE_URL, SQLite file in the project by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Connections are kept between requests: opening one per request (the default of 0)
        # halved the throughput of a simple read (bench/README.md). Each is checked before
        # its first use in a request, so a restarted database costs no failed request.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE makes a writer take the
    # lock at BEGIN, so concurrent writers wait (busy timeout) instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
elif env_bool("DB_POOL", False):
    # psycopg's connection pool (Django 5.1+), opt-in for long-running servers.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX", "4")),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A lead list joins seven tables and stops at a page: weighing a Memoize node for each
    # of those joins made planning cost ~14 ms per query, several times the query itself
    # (bench/README.md). Lookups of a page's foreign keys gain nothing from it.
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = f"{pg_options.get('options', '')} -c enable_memoize=off".strip()
    # Values sent apart from the SQL (server-side binding), so that psycopg prepares a query
    # a connection runs again and again (after 5 runs) and PostgreSQL stops planning it on
    # every request: planning cost more than running a page of leads or the token's user.
    pg_options["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
    if pg_options["server_side_binding"]:
        pg_options["prepare_threshold"] = int(os.environ.get("DB_PREPARE_THRESHOLD", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "crm.User"
# Django's backend, reading the user with their role, stores and units (crm/org/auth.py);
# Django's own stays listed so that sessions signed in before still load.
AUTHENTICATION_BACKENDS = [
    "crm.org.auth.StaffBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Request bodies past this size are refused with the coded 413 error.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security: production values come with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Database sessions, read in SQL compiled once (crm/core/sessions.py).
SESSION_ENGINE = "crm.core.sessions"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Mobile numbers without a country code are read in this region.
PHONE_DEFAULT_REGION = os.environ.get("PHONE_DEFAULT_REGION", "IN")

# A follow-up dated later than now by more than this is refused (90030): clocks differ a little.
LEADS_FOLLOW_UP_CLOCK_LEEWAY_MINUTES = int(
    os.environ.get("LEADS_FOLLOW_UP_CLOCK_LEEWAY_MINUTES", "5")
)

# HTTP Basic (what Capillary clients send on every request): verified credentials are
# remembered this long, so that only the first request of a client runs the password hasher
# (crm/core/api/authentication.py). 0 turns it off. Failed attempts are limited per username and
# per client address.
BASIC_AUTH_CACHE_SECONDS = int(os.environ.get("BASIC_AUTH_CACHE_SECONDS", "300"))
BASIC_AUTH_MAX_FAILURES = int(os.environ.get("BASIC_AUTH_MAX_FAILURES", "10"))
BASIC_AUTH_FAILURE_WINDOW = int(os.environ.get("BASIC_AUTH_FAILURE_WINDOW", "300"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "crm.org.auth.ScopedBasicAuthentication",
        "crm.org.auth.ScopedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["crm.core.api.permissions.IsActiveStaff"],
    "DEFAULT_RENDERER_CLASSES": [
        "crm.core.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's JSON parser plus Django's DATA_UPLOAD_MAX_MEMORY_SIZE check (413 past it).
    "DEFAULT_PARSER_CLASSES": ["crm.core.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "crm.core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "writes": os.environ.get("THROTTLE_WRITES", "600/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Leads CRM API",
    "DESCRIPTION": "Capillary v2 compatible Leads API.",
    "VERSION": "2.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LeadStatusEnum": "leads.models.Status",
        "LeadTypeEnum": "leads.models.LeadType",
        "LoyaltyTypeEnum": "customers.models.Customer.LoyaltyType",
        "OrgUnitTypeEnum": "crm.org.models.UnitType",
        "StaffRoleEnum": "crm.org.models.Role",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # The error envelope on every operation, for each status the API layer can answer.
        "crm.core.api.schema.add_error_responses",
        "crm.core.api.schema.allow_empty_query_values",
    ],
}

# Items per bulk status request; past it the request is refused with a coded error.
LEADS_BULK_MAX_ITEMS = int(os.environ.get("LEADS_BULK_MAX_ITEMS", "100"))
# How long a list total of 10 000 rows or more may be reused (0: count every time).
LEADS_COUNT_CACHE_SECONDS = int(os.environ.get("LEADS_COUNT_CACHE_SECONDS", "10"))
# How long the lead list's and the board's reference lists (owners, sources, sub-statuses,
# reasons, stores) stay cached; a change replaces them at once where the cache is shared
# (crm/pages/reference.py). 0: read on every page.
REFERENCE_CACHE_SECONDS = int(os.environ.get("REFERENCE_CACHE_SECONDS", "60"))
# How long an Idempotency-Key is remembered.
LEADS_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("LEADS_IDEMPOTENCY_TTL_HOURS", "24"))
# An import job whose worker gave no sign of life (a heartbeat every third of this) for this
# long lost its worker: a running one is put back in the queue, up to IMPORT_MAX_ATTEMPTS runs,
# then failed (and can be retried from its page); a pending one that no worker took is failed.
IMPORT_STALE_SECONDS = int(os.environ.get("IMPORT_STALE_SECONDS", "300"))
IMPORT_MAX_ATTEMPTS = int(os.environ.get("IMPORT_MAX_ATTEMPTS", "3"))
# Rows of a CSV import read, checked and committed together (one transaction each).
IMPORT_BATCH_ROWS = int(os.environ.get("IMPORT_BATCH_ROWS", "1000"))
# Uploads are removed from the storage once imported, else this long after their last job
# finished (a dry run never imported, a failed import). Reports are kept.
IMPORT_UPLOAD_RETENTION_SECONDS = int(
    os.environ.get("IMPORT_UPLOAD_RETENTION_SECONDS", str(7 * 24 * 3600))
)

# Background work (README, "Background work"): the database queue by default (worker:
# `manage.py db_worker`), RQ on Redis with REDIS_URL (workers: `manage.py rqworker
# --with-scheduler`, any number on any machine). Deferred tasks (run_after) need either.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # RQ's app (its workers' command, its admin dashboard) only where there is a Redis.
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
TASKS = {
    "default": (
        {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
        if REDIS_URL
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    )
}

# The cache holds the throttles' counters, cached list totals and remembered Basic credentials:
# with more than one process (several gunicorn workers, several machines) it must be shared,
# so with REDIS_URL it is Redis; without, each process has its own.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Webhooks (README, "Webhooks"): seconds between a failed attempt and the next, one number per
# retry; after the last the delivery is FAILED.
WEBHOOK_RETRY_SECONDS = [
    int(value) for value in env_list("WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000")
]
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# What is read of a receiver's answer, at most.
WEBHOOK_RESPONSE_MAX_BYTES = int(os.environ.get("WEBHOOK_RESPONSE_MAX_BYTES", str(64 * 1024)))
# An endpoint whose deliveries all failed for this long is switched off (its admins told).
WEBHOOK_DISABLE_AFTER_SECONDS = int(os.environ.get("WEBHOOK_DISABLE_AFTER_SECONDS", "86400"))
# A delivery sending for longer than this lost its worker (the attempt's limits keep a live one
# far shorter): the next dispatch logs the attempt as failed and retries it on schedule.
WEBHOOK_STUCK_SECONDS = int(os.environ.get("WEBHOOK_STUCK_SECONDS", "600"))
# Private networks webhooks may reach (CIDR, comma-separated): none by default; loopback is
# added while DEBUG is on.
WEBHOOK_ALLOWED_PRIVATE_RANGES = env_list("WEBHOOK_ALLOWED_PRIVATE_RANGES", "")
# Follow-up reminders go out this many minutes before a lead's next follow-up (0: when due).
REMINDER_MINUTES_BEFORE = int(os.environ.get("REMINDER_MINUTES_BEFORE", "0"))
# Emails (follow-up reminders, switched-off webhooks) go to the console unless configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
