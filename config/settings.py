"""Candor settings: one module, read from the environment.

Every value has a safe default for local use (SQLite, a file-system Celery
broker, e-mail printed to the console). Production mode (``DEBUG=false``)
refuses to start with the development secret key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CANDOR_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEV_SECRET_KEY = "candor-development-only-secret-key-never-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key: set SECRET_KEY in the environment."
    )
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the site, used in e-mails and links given to clients.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Bottom layer first: each app imports only the ones listed before it
    # (pyproject.toml's import-linter contract checks it).
    "apps.core",
    "apps.events",
    "apps.outbox",
    "apps.accounts",
    "apps.notifications",
    "apps.projects",
    "apps.incidents",
    "apps.tone",
    "apps.communications",
    "apps.actionplans",
    "apps.alternatives",
    "apps.retrospectives",
    "apps.commitments",
    "apps.trust",
    "apps.cases",
    "apps.reminders",
    "apps.statuspage",
    "apps.messagetemplates",
    "apps.reports",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.RefuseUnreadableRequestsMiddleware",
    # Last, so that its lockout page is rendered in the user's language and
    # carries the headers every other page does.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.notifications.context_processors.notifications",
                "apps.core.context_processors.scheduler_warning",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'candor.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not memory) so that Celery workers started by tests see the test data;
    # WAL + a busy timeout so web, worker and beat can share the file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-candor.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://candor"),
}

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes), on /accounts/login/ and /admin/login/ alike:
# after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused (429) for AXES_COOLOFF_MINUTES; other addresses and other
# users are unaffected. An administrator unlocks sooner by deleting the entry
# under "Access attempts" in the admin, or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_cool_off_minutes = env.float("AXES_COOLOFF_MINUTES", default=15)
if AXES_FAILURE_LIMIT < 1 or _cool_off_minutes <= 0:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be positive.")
AXES_COOLOFF_TIME = timedelta(minutes=_cool_off_minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures and lockouts are still logged; not a banner on every command.
AXES_VERBOSE = False
# The address counted is the one TRUSTED_PROXY_COUNT vouches for (see below).
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.lockout_client_address"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"

# Invitations and password resets. An invitation's link works once, for
# INVITATION_TIMEOUT_DAYS; a password-reset link once, for
# PASSWORD_RESET_TIMEOUT_HOURS. Reset requests are limited per client address
# and per e-mail address within PASSWORD_RESET_WINDOW_MINUTES (in the cache).
INVITATION_TIMEOUT_DAYS = env.int("INVITATION_TIMEOUT_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = int(env.float("PASSWORD_RESET_TIMEOUT_HOURS", default=24) * 3600)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=5)
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=5)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)
_account_limits = (
    INVITATION_TIMEOUT_DAYS,
    PASSWORD_RESET_TIMEOUT,
    PASSWORD_RESET_LIMIT_PER_ADDRESS,
    PASSWORD_RESET_LIMIT_PER_EMAIL,
    PASSWORD_RESET_WINDOW_MINUTES,
)
if min(_account_limits) < 1:
    raise ImproperlyConfigured(
        "INVITATION_TIMEOUT_DAYS, PASSWORD_RESET_TIMEOUT_HOURS, PASSWORD_RESET_LIMIT_PER_ADDRESS, "
        "PASSWORD_RESET_LIMIT_PER_EMAIL and PASSWORD_RESET_WINDOW_MINUTES must be positive."
    )
# --- Languages and time -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Unambiguous dates in both languages (config/formats/): "10 Mar 2025, 14:30".
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")

# The currency of new projects' figures (ISO 4217); each project can have its own.
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="CNY")

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Candor <candor@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)

# --- Celery -------------------------------------------------------------------
# Embedded default: kombu's file-system transport, so a real worker and beat run
# on a fresh machine with no broker server. Production and CI use Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
CELERY_BROKER_FOLDER = Path(env.str("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        # Fan-out (remote control) bindings; kombu's default is ./control in the cwd.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_HEARTBEAT_SECONDS = env.float("CELERY_HEARTBEAT_SECONDS", default=60.0)
REMINDER_SCAN_SECONDS = env.float("REMINDER_SCAN_SECONDS", default=60.0)
REMINDER_SWEEP_SECONDS = env.float("REMINDER_SWEEP_SECONDS", default=120.0)
# A scheduler that has just started scans first one interval later: until then
# (and for one interval more, for the worker) /healthz says "starting", not down.
SCHEDULER_START_GRACE_SECONDS = env.float(
    "SCHEDULER_START_GRACE_SECONDS", default=2 * REMINDER_SCAN_SECONDS
)

# --- Client status page --------------------------------------------------------
# Each worker reuses what a status-page request read for this long (see
# apps/statuspage/lease.py): changes made elsewhere show within that time.
STATUSPAGE_LEASE_SECONDS = env.float("STATUSPAGE_LEASE_SECONDS", default=1.0)

# --- Security -----------------------------------------------------------------
# A Content-Security-Policy on every page: scripts, styles and fonts from
# Candor's own static files only, no inline code. The client's status page sets
# a stricter one of its own (apps/statuspage/http.py), which the middleware keeps.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# How many proxies in front of Candor append to X-Forwarded-For (an HTTPS proxy
# in front of gunicorn: 1). The status page counts wrong links per client
# address, and failed logins are counted per user and client address; 0 trusts
# no such header and counts per connecting address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "apps.core.logging.RedactTokensFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own loggers come with handlers of their own; route them
        # through ours so that every line is redacted.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
