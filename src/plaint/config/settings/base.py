"""Settings for every environment; `production.py` tightens them for deployment.

All values come from the environment (see `plaint.config.env`, `.env.example` and `docs/deploy.md`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from plaint.config import env as config

# Lets admin and other Django classes be subscripted for type checking (ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = config.data_dir()
(DATA_DIR / "static").mkdir(exist_ok=True)
PRODUCTION = config.is_production()

SECRET_KEY = config.secret_key(PRODUCTION, DATA_DIR)
DEBUG = config.env.bool("DEBUG", default=False)
ALLOWED_HOSTS = config.env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = config.port()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "plaint.core",
    "plaint.web",
    "plaint.access",
    "plaint.organisations",
    "plaint.procedures",
    "plaint.cases",
    "plaint.privacy",
    "plaint.correspondence",
    "plaint.reporting",
    "plaint.mailin",
    "anymail",
    "plaint.api",
    "plaint.portal",
    "plaint.workspace",
    "plaint.demo",  # `plaint demo load`: imported by no other app
    "django.forms",  # last: Django's own widget templates, for the form renderer (plaint.web overrides none of them)
]
AUTH_USER_MODEL = "access.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "plaint.access.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "plaint.access.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its page
]

ROOT_URLCONF = "plaint.config.urls"
# GOV.UK Frontend markup for `{{ form }}` and `{{ field.as_field_group }}` (plaint.web.forms, docs/web.md).
FORM_RENDERER = "plaint.web.forms.GovukFormRenderer"
WSGI_APPLICATION = "plaint.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": config.database_config(DATA_DIR / "plaint.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = config.env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the task consumer use one SQLite file side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
TIME_ZONE = config.env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.env.str("STATIC_ROOT", default=str(DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = config.env.str("MEDIA_ROOT", default=str(DATA_DIR / "media"))

# Background jobs: Huey keeps its queue in SQLite under the data directory, or in Redis when REDIS_URL is set.
REDIS_URL = config.redis_url()
HUEY = {
    # Installations sharing one Redis keep apart by queue name.
    "name": config.env.str("PLAINT_QUEUE_NAME", default="plaint"),
    "immediate": config.env.bool("HUEY_IMMEDIATE", default=False),
    "utc": True,
    "consumer": {"workers": config.env.int("PLAINT_WORKER_THREADS", default=2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "connection": {"url": REDIS_URL}}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}
# The cache (rate limits, the portal's generation number): shared in Redis when REDIS_URL is set, else per process.
CACHES = config.cache_config(REDIS_URL, HUEY["name"])

# Email: console in development unless EMAIL_URL is given (smtp://user:pass@host:port, submission://...).
_email = config.env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = config.env.str("DEFAULT_FROM_EMAIL", default="plaint@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "plaint.api.authentication.PersonTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "plaint.api.errors.exception_handler",
    # JSON bounded in size and depth (plaint.api.fields); forms and files as DRF parses them.
    "DEFAULT_PARSER_CLASSES": [
        "plaint.api.fields.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Plaint API",
    "DESCRIPTION": "Complaints, compliments and suggestions, handled by each organisation's own procedure.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc served from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field name (`kind`) is used by others too: named here, not by a hash.
    # Ids in paths (plaint.api.urls.IdConverter) as they are checked.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "plaint.engine.vocabulary.KINDS",
        "SensitiveSectionKindEnum": "plaint.cases.models.SensitiveSectionKind",
    },
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address before any other
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def _positive_int(name: str, default: int, *, minimum: int = 1) -> int:
    try:
        value = int(config.env.int(name, default=default))
    except ValueError:
        raise config.ConfigError(f"{name}: '{config.env.str(name)}' is not a whole number") from None
    if value < minimum:
        raise config.ConfigError(f"{name}: must be at least {minimum}")
    return value


# Accounts (docs/accounts.md): password, then a second factor (django-otp); lockout (django-axes); idle sessions.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:inbox"  # staff land on their inbox (docs/workspace.md), not the admin
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = _positive_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # every request restarts the idle time, so SESSION_COOKIE_AGE is the idle limit
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour
AXES_FAILURE_LIMIT = _positive_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_positive_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on stderr (every `plaint` command would print it)
AXES_LOCKOUT_CALLABLE = "plaint.access.auth_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "plaint.access.middleware.client_ip_address"
# Reverse proxies in front of Plaint that append to X-Forwarded-For: the lockout's address is the one they saw.
PLAINT_PROXY_COUNT = _positive_int("PLAINT_PROXY_COUNT", 0, minimum=0)

# The audit trail's keys (current first) and where its checkpoints go: outside the database (docs/audit.md).
PLAINT_AUDIT_KEYS = config.audit_keys(DATA_DIR)
PLAINT_AUDIT_CHECKPOINT_DIR = config.env.str("PLAINT_AUDIT_CHECKPOINT_DIR", default=str(DATA_DIR / "audit-checkpoints"))
PLAINT_AUDIT_CHECKPOINT_EMAIL = config.env.list("PLAINT_AUDIT_CHECKPOINT_EMAIL", default=[])
OTP_TOTP_ISSUER = "Plaint"

# Case attachments (docs/cases.md): the largest file, the most per case, and the kinds accepted, judged by content.
PLAINT_ATTACHMENT_MAX_BYTES = _positive_int("PLAINT_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
PLAINT_ATTACHMENTS_PER_CASE = _positive_int("PLAINT_ATTACHMENTS_PER_CASE", 100)
# Further reminders for the daily digest (correspondence.reminders) from apps above correspondence (docs/mail.md).
PLAINT_REMINDER_SOURCES = ["plaint.reporting.reminders.reports_due"]
# Mail in (docs/mail.md): a larger message, or one with more attachments, is kept aside in quarantine.
PLAINT_MAIL_MAX_BYTES = _positive_int("PLAINT_MAIL_MAX_BYTES", 25 * 1024 * 1024)
PLAINT_MAIL_MAX_ATTACHMENTS = _positive_int("PLAINT_MAIL_MAX_ATTACHMENTS", 50)
# `plaint mail poll`: imaps://user:password@host[:port]/FOLDER (docs/mail.md).
PLAINT_MAIL_IMAP_URL = config.env.str("PLAINT_MAIL_IMAP_URL", default="")
# Where people reach Plaint (scheme, host, optional path, no trailing slash): the links in notification emails to
# staff, which are sent by a background job with no request to take the host from (docs/correspondence.md).
PLAINT_SITE_URL = config.env.str("PLAINT_SITE_URL", default="http://127.0.0.1:8000")
# The inbound webhooks of hosted mail providers (django-anymail, /mail/inbound/<esp>/inbound/) take HTTP basic
# auth "user:password"; without it set, a random secret nobody knows keeps them shut (docs/mail.md).
ANYMAIL = {
    "WEBHOOK_SECRET": config.env.str("PLAINT_MAIL_WEBHOOK_SECRET", default="")
    or f"closed:{__import__('secrets').token_urlsafe(32)}"
}


def _attachment_types() -> list[str]:
    from plaint.cases.attachment_types import KINDS  # plain Python: no model is imported

    codes = [str(code).strip().lower() for code in config.env.list("PLAINT_ATTACHMENT_TYPES", default=list(KINDS))]
    unknown = [code for code in codes if code not in KINDS]
    if unknown or not codes:
        raise config.ConfigError(
            f"PLAINT_ATTACHMENT_TYPES: '{','.join(unknown)}' unknown; choose from {','.join(KINDS)}"
        )
    return codes


PLAINT_ATTACHMENT_TYPES = _attachment_types()
# An optional virus scanner for documents: clamd's socket (unix:///run/clamav/clamd.ctl or tcp://host:3310).
PLAINT_CLAMD = config.env.str("PLAINT_CLAMD", default="")
# Uploads: files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, never memory; the first handler stops
# reading a request's files once they pass PLAINT_ATTACHMENT_MAX_BYTES, so an oversized upload fills no disk.
# DATA_UPLOAD_MAX_MEMORY_SIZE counts the form fields only, not the files.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "plaint.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The public portal (docs/portal.md): rate limits per client address (django-ratelimit), as "count/period" (s, m,
# h, d). Counted in the default cache: shared by every process with REDIS_URL, else per process (docs/portal.md).
PLAINT_PORTAL_SUBMIT_RATE = config.env.str("PLAINT_PORTAL_SUBMIT_RATE", default="10/h")
PLAINT_PORTAL_LINK_RATE = config.env.str("PLAINT_PORTAL_LINK_RATE", default="5/h")
PLAINT_PORTAL_ACTION_RATE = config.env.str("PLAINT_PORTAL_ACTION_RATE", default="30/h")
PLAINT_PORTAL_CODE_RATE = config.env.str("PLAINT_PORTAL_CODE_RATE", default="10/h")
RATELIMIT_USE_CACHE = "default"
# How long a web process keeps an organisation and its procedure for the public pages at most (docs/portal.md).
PLAINT_PORTAL_INTAKE_SECONDS = config.env.int("PLAINT_PORTAL_INTAKE_SECONDS", default=10)

# Security headers: a strict content security policy (django-csp), and Django's own headers stated explicitly.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Views whose pages may use inline styles (the API documentation: Swagger UI, Redoc); scripts stay 'self'.
# The portal's procedure diagram is an SVG image whose own <style> element styles it.
CSP_INLINE_STYLE_VIEWS = ["api:docs", "api:redoc", "portal:diagram"]
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "browsing-topics", "camera", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "usb",
    )
}  # fmt: skip

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each rendering step at INFO; only its warnings (a missing font, say) are worth reading.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
