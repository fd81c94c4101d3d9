"""Tugi's settings. Every value that differs between machines comes from a TUGI_* environment variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("TUGI_PROJECT_DIR", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("TUGI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _secret_key() -> str:
    """TUGI_SECRET_KEY, or for the demo a key generated once and kept under var/."""
    key = os.environ.get("TUGI_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("TUGI_DEBUG")
ALLOWED_HOSTS = env_list("TUGI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("TUGI_CSRF_TRUSTED_ORIGINS")
DATA_DIR = Path(os.environ.get("TUGI_DATA_DIR", VAR_DIR / "data"))
#: most transactions in one outgoing pain.001 file (LHV takes up to 7 000 per message)
TUGI_PAIN_MAX_TX = int(os.environ.get("TUGI_PAIN_MAX_TX", "7000"))

# Behind HTTPS in production: secure cookies, HSTS and redirects.
HTTPS = env_bool("TUGI_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "ninja",  # serves Swagger UI for /api/v1/docs from our static files, not from a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "tugi.core",
    "tugi.work",
    "tugi.access",
    "tugi.classifiers",
    "tugi.pensions",
    "tugi.delivery",
    "tugi.finance",
    "tugi.testing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tugi.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "tugi.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "tugi.urls"
WSGI_APPLICATION = "tugi.wsgi.application"

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
                "csp.context_processors.nonce",
                "tugi.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TUGI_DATABASE_URL", f"sqlite:///{VAR_DIR / 'tugi.sqlite3'}"),
        conn_max_age=int(os.environ.get("TUGI_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share one file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("TUGI_TEST_SQLITE_FILE") else {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:desk"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("TUGI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TUGI_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "et"
LANGUAGES = [("et", "Eesti"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tugi_language"
TIME_ZONE = "Europe/Tallinn"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Content security policy: everything from our own origin, inline scripts only with a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Background work: django-tasks with its database backend; `tugi worker` runs it.
TASKS = {"default": {"BACKEND": os.environ.get("TUGI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
WORKER_HEARTBEAT_SECONDS = 10
WORKER_STALE_SECONDS = int(os.environ.get("TUGI_WORKER_STALE_SECONDS", "120"))

# E-mail: SMTP in production, files under var/mail in the demo.
EMAIL_BACKEND = os.environ.get("TUGI_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("TUGI_EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("TUGI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TUGI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TUGI_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TUGI_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TUGI_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("TUGI_EMAIL_FROM", "tugi@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TUGI_OUTBOX_MAX_ATTEMPTS", "5"))
# Tugi's own address for links in e-mails (e.g. https://tugi.example.ee); empty: relative links.
TUGI_BASE_URL = os.environ.get("TUGI_BASE_URL", "")

# Delivery: readiness checks, clone notices, the weekly review.
TUGI_READINESS_TIMEOUT = float(os.environ.get("TUGI_READINESS_TIMEOUT", "3"))
TUGI_CLONE_MAX_AGE_DAYS = int(os.environ.get("TUGI_CLONE_MAX_AGE_DAYS", "30"))
TUGI_CLONE_NOTICE_DAYS = int(os.environ.get("TUGI_CLONE_NOTICE_DAYS", "5"))
TUGI_STALLED_WORKING_DAYS = int(os.environ.get("TUGI_STALLED_WORKING_DAYS", "5"))

# Finance monitors: a monitor's read-only SQL is stopped after this many milliseconds.
TUGI_MONITOR_TIMEOUT_MS = int(os.environ.get("TUGI_MONITOR_TIMEOUT_MS", "5000"))

API_TOKEN_DEFAULT_DAYS = 90

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TUGI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
