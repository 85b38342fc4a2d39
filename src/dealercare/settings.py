"""Settings for DealerCare. Everything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEALERCARE_DEBUG", False)
DEMO_MODE = env_bool("DEALERCARE_DEMO", DEBUG)

# Outside debug mode the app refuses to start without its own keys: a key written in this
# file is public, and the personal data it would encrypt is readable by anyone holding the
# database or a backup.
REQUIRED_KEYS = (
    "DEALERCARE_SECRET_KEY",
    "DEALERCARE_FIELD_KEYS",
    "DEALERCARE_BLIND_INDEX_KEY",
    "DEALERCARE_AUDIT_KEY",
)
_missing_keys = [name for name in REQUIRED_KEYS if not os.environ.get(name, "").strip()]
if _missing_keys and not DEBUG:
    raise ImproperlyConfigured(
        f"DealerCare will not start without {', '.join(_missing_keys)}. Set each to its own "
        'random key (base64 of 32 bytes: python3 -c "import base64, os; '
        'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"; '
        "DEALERCARE_FIELD_KEYS takes a comma-separated ring), or set DEALERCARE_DEBUG=true "
        "on a development machine."
    )
SECRET_KEY = (
    os.environ.get("DEALERCARE_SECRET_KEY") or "dev-only-insecure-key-change-me-in-production"
)
ALLOWED_HOSTS = os.environ.get("DEALERCARE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "dealercare.core",
    "dealercare.customers",
    "dealercare.vehicles",
    "dealercare.parts",
    "dealercare.service",
    "dealercare.complaints",
    "dealercare.surveys",
    "dealercare.care",
    "dealercare.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dealercare.core.middleware.api_body_guard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dealercare.urls"
WSGI_APPLICATION = "dealercare.wsgi.application"

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
                "django.template.context_processors.i18n",
                "dealercare.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'dealercare.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Covering indexes (INCLUDE) serve PostgreSQL; SQLite keeps the key columns only.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a connection is
    # prepared: PostgreSQL then skips parsing and planning it (a third of a search's
    # time in the database). Not for PgBouncer in transaction mode.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (R-SEC-6), counted by axes in the database: 5 bad passwords for one
# username from one client address within 15 minutes lock that pair; 20 from one address,
# whatever the usernames, lock the address (core.lockout.LoginThrottle). Failures from
# elsewhere never lock a user out. Every failure and every login (page or API token) is
# kept in axes' logs.
AXES_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "dealercare.core.lockout.LoginThrottle"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "dealercare.core.lockout.lockout_response"

SECURE_COOKIES = env_bool("DEALERCARE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Served behind a proxy that ends TLS (nginx, a load balancer) and sets X-Forwarded-Proto:
# every request is redirected to HTTPS and browsers are told to use nothing else.
if env_bool("DEALERCARE_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    # The client's address for login throttling is the one the proxy saw.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What an import may cost, checked before a workbook is parsed (a real 100,000-row
# customer list is ~16 MB packed, ~60 MB unpacked, packed ~9 times).
IMPORT_MAX_ROWS = 150_000
IMPORT_MAX_COLUMNS = 64
IMPORT_XLSX_MAX_ENTRIES = 100
IMPORT_XLSX_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
IMPORT_XLSX_MAX_RATIO = 100
IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
# Files up to this size import inside the request; larger ones are queued as a job.
IMPORT_INLINE_MAX_BYTES = 256 * 1024
IMPORT_TIME_LIMIT_SECONDS = 15 * 60
# A body past this is refused with 413 before anything reads it: the largest import plus
# room for the multipart framing.
REQUEST_MAX_BODY_BYTES = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024

# Personal-data protection (R-SEC-3). Keys are base64 32-byte values; the first encryption
# key encrypts, every key in the ring decrypts, so keys can be rotated. The blind-index key
# is separate so that a leaked index never helps decrypt. Debug mode falls back to keys
# derived from SECRET_KEY; elsewhere these variables are required (REQUIRED_KEYS).
FIELD_ENCRYPTION_KEYS = [
    k for k in os.environ.get("DEALERCARE_FIELD_KEYS", "").split(",") if k.strip()
]
BLIND_INDEX_KEY = os.environ.get("DEALERCARE_BLIND_INDEX_KEY", "")
# The audit chain is an HMAC-SHA256 chain under this key (R-SEC-4): kept out of the
# database, so rewriting the audit table and re-hashing it cannot pass verification.
AUDIT_KEY = os.environ.get("DEALERCARE_AUDIT_KEY", "")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TIMEZONE = TIME_ZONE

# The outbox (dealercare.core.messaging). E-mail goes through Django's mail backend (SMTP
# at EMAIL_HOST:EMAIL_PORT); SMS and WeChat through the adapter named per channel — the
# default records each send in ProviderLog; a real gateway is an adapter class here.
EMAIL_HOST = os.environ.get("DEALERCARE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DEALERCARE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DEALERCARE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DEALERCARE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DEALERCARE_EMAIL_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEALERCARE_EMAIL_FROM", "DealerCare <noreply@dealercare.local>"
)
OUTBOX_PROVIDERS = {
    "sms": os.environ.get(
        "DEALERCARE_SMS_PROVIDER", "dealercare.core.messaging.channels.LogProvider"
    ),
    "wechat": os.environ.get(
        "DEALERCARE_WECHAT_PROVIDER", "dealercare.core.messaging.channels.LogProvider"
    ),
}
# After each commit that queued messages: "thread" sends them at once in the background,
# "inline" before the request returns, "off" leaves them to the job (every minute).
OUTBOX_KICK = os.environ.get("DEALERCARE_OUTBOX_KICK", "thread")
OUTBOX_BATCH_SIZE = 100
OUTBOX_LEASE_SECONDS = int(os.environ.get("DEALERCARE_OUTBOX_LEASE_SECONDS", "300"))
OUTBOX_MAX_ATTEMPTS = 5
OUTBOX_BACKOFF_SECONDS = 60  # 1, 2, 4, 8 minutes between the five attempts
OUTBOX_BACKOFF_MAX_SECONDS = 3600

# Satisfaction surveys (R-SAT-1): how long a link stays open, when the after-service survey
# goes out, and the answers that open a complaint (NPS 0–6, a 1–5 scale answer of 1 or 2).
SURVEY_LINK_DAYS = int(os.environ.get("DEALERCARE_SURVEY_LINK_DAYS", "14"))
SURVEY_CSI_AFTER_DAYS = int(os.environ.get("DEALERCARE_SURVEY_CSI_AFTER_DAYS", "1"))
# Where customers open the links sent to them (prefixed to /s/<token> in the message).
PUBLIC_BASE_URL = os.environ.get("DEALERCARE_PUBLIC_BASE_URL", "")
SURVEY_NPS_COMPLAINT_MAX = 6
SURVEY_SCALE_COMPLAINT_MAX = 2

# Relationship care (R-CARE): reminders are planned this many days before they are sent,
# so staff see them coming and can move, change or cancel them.
CARE_PLAN_AHEAD_DAYS = int(os.environ.get("DEALERCARE_CARE_PLAN_AHEAD_DAYS", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "WARNING"}},
}
