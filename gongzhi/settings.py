"""Gongzhi settings. Every knob comes from the environment with a safe default.

Defaults give a one-node deployment on SQLite under ``var/``; ``DATABASE_URL`` switches to
PostgreSQL and ``REDIS_URL`` turns on the shared cache for several app nodes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

import dj_database_url
from django.utils.translation import gettext_lazy as _

from gongzhi.core.env import (
    envbool,
    envint,
    envlist,
    envstr,
    s3_origin,
    s3_storage_from_env,
    secret_key_from,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(envstr("GONGZHI_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = envbool("DEBUG", False)
# pytest imports settings before any conftest can set the variable, so detect it too.
TESTING = envbool("GONGZHI_TESTING", False) or "pytest" in sys.modules
SECRET_KEY = secret_key_from(VAR_DIR)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "ninja",  # Swagger UI at /api/v1/docs from our own static files (CSP: no CDN)
    "django_tasks",
    "django_tasks_db",
    "gongzhi.core",
    "gongzhi.places",
    "gongzhi.accounts",
    "gongzhi.orgs",
    "gongzhi.notifications",
    "gongzhi.maps",
    "gongzhi.spaces",
    "gongzhi.reports",
    "gongzhi.projects",
    "gongzhi.meetings",
    "gongzhi.volunteers",
    "gongzhi.memory",
    "gongzhi.activities",
    "gongzhi.contests",
    "gongzhi.news",
    "gongzhi.points",
    "gongzhi.talent",
    "gongzhi.decisions",
    "gongzhi.deliberation",
    "gongzhi.spatial",
    "gongzhi.surveys",
    "gongzhi.analytics",
    "gongzhi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML, JSON and GeoJSON compressed (static files come precompressed from whitenoise);
    # Django pads gzip output against BREACH-style length attacks and masks CSRF tokens.
    "django.middleware.gzip.GZipMiddleware",
    "gongzhi.core.middleware.SecurityHeadersMiddleware",
    "gongzhi.core.middleware.InputValidationMiddleware",
    "gongzhi.core.db_router.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "gongzhi.accounts.sessions.AuthenticationMiddleware",
    "gongzhi.core.ratelimit.RateLimitMiddleware",
    "gongzhi.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"

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
                "gongzhi.core.context_processors.gongzhi",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_sqlite), conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        # A kept connection is checked before a request reuses it (after a database restart
        # the first request would otherwise fail) unless it finished a request without error
        # less than DB_HEALTH_CHECK_FRESH seconds ago (gongzhi/core/backends/postgresql).
        conn_health_checks=envbool("DB_CONN_HEALTH_CHECKS", True),
    )
}
DB_HEALTH_CHECK_FRESH = float(envstr("DB_HEALTH_CHECK_FRESH", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "gongzhi.core.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so concurrent writers queue instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Streaming read replicas (PostgreSQL): the safe reads of GET pages go there, everything
# else stays on the primary (gongzhi/core/db_router.py; docs/operations.md).
for _i, _url in enumerate(envlist("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{_i}"] = dj_database_url.parse(
        _url, conn_max_age=envint("DB_CONN_MAX_AGE", 0), conn_health_checks=True)
    DATABASES[f"replica{_i}"]["ATOMIC_REQUESTS"] = False
    if DATABASES[f"replica{_i}"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES[f"replica{_i}"]["ENGINE"] = "gongzhi.core.backends.postgresql"
    DATABASES[f"replica{_i}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gongzhi.core.db_router.ReplicaRouter"]
DATABASE_REPLICA_STICKY_SECONDS = envint("DATABASE_REPLICA_STICKY_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions ----------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "gongzhi.accounts.sessions.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # a local-memory cache is per process: sessions stay in the database (one query with
    # the signed-in user, see gongzhi/accounts/sessions)
    SESSION_ENGINE = "gongzhi.accounts.sessions.db"

# --- background tasks ---------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": envstr(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "gongzhi.accounts.backends.LoginPasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SMS_BACKEND = envstr("SMS_BACKEND", "gongzhi.notifications.sms.ConsoleSmsBackend")
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "gongzhi@localhost")
# API tokens: "last used" is renewed at most once a minute per token and written in
# batches within this many seconds (gongzhi/accounts/token_stamps.py; 0 = in the request).
API_TOKEN_STAMP_SECONDS = envint("API_TOKEN_STAMP_SECONDS", 0 if TESTING else 10)
API_TOKEN_STAMP_MIN_AGE = 60
OTP_TTL_SECONDS = envint("OTP_TTL_SECONDS", 300)
OTP_MAX_ATTEMPTS = envint("OTP_MAX_ATTEMPTS", 5)
OTP_LOCK_SECONDS = envint("OTP_LOCK_SECONDS", 900)
OTP_PER_TARGET_PER_HOUR = envint("OTP_PER_TARGET_PER_HOUR", 5)
OTP_PER_IP_PER_HOUR = envint("OTP_PER_IP_PER_HOUR", 30)
OTP_RESEND_SECONDS = envint("OTP_RESEND_SECONDS", 60)
PRIVACY_NOTICE_VERSION = "2026-11"

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] | None = "Lax"
FORMAT_MODULE_PATH = ["gongzhi.formats"]

# --- static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
_s3 = s3_storage_from_env()
if _s3:
    STORAGES["default"] = _s3
# One-node deployments serve uploads themselves; behind S3 or nginx turn this off.
SERVE_MEDIA = envbool("SERVE_MEDIA", not envstr("S3_BUCKET"))
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 8 * 1024 * 1024)
# audio, video and PDF files of the memory archive (core/uploads.py media_prepare)
UPLOAD_MAX_AUDIO_BYTES = envint("UPLOAD_MAX_AUDIO_BYTES", 40 * 1024 * 1024)
UPLOAD_MAX_VIDEO_BYTES = envint("UPLOAD_MAX_VIDEO_BYTES", 200 * 1024 * 1024)
UPLOAD_MAX_PDF_BYTES = envint("UPLOAD_MAX_PDF_BYTES", 20 * 1024 * 1024)

# --- security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY") else None
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
# Content-Security-Policy (gongzhi.core.middleware.SecurityHeadersMiddleware): scripts and
# styles from our own origin only; the basemap's tile hosts are added to img-src/connect-src
# from the map settings, CSP_EXTRA_HOSTS adds more (e.g. "https://tiles.example.org").
CSP_STYLE_SRC = "'self'"
CSP_EXTRA_HOSTS = envlist("CSP_EXTRA_HOSTS", [])
if _s3:  # pictures come from the bucket's signed URLs
    CSP_EXTRA_HOSTS.append(s3_origin(_s3))
# Sign-in limits (docs/security.md): wrong passwords per account and per network address
# within the window lock password sign-in for LOGIN_LOCK_SECONDS.
LOGIN_MAX_FAILURES_PER_ACCOUNT = envint("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LOGIN_MAX_FAILURES_PER_IP = envint("LOGIN_MAX_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_SECONDS = envint("LOGIN_FAILURE_WINDOW_SECONDS", 900)
LOGIN_LOCK_SECONDS = envint("LOGIN_LOCK_SECONDS", 900)
# Rate limits of the writes the public can make (gongzhi/core/ratelimit.py), counted in the
# cache — Redis when REDIS_URL is set, so they hold across app nodes. Per scope: (per person,
# per network address, window in seconds); None = not counted. RATE_LIMIT_<SCOPE>=10/60/3600
# overrides one. A network address is generous: a community centre's Wi-Fi is one address.
# Off under the tests unless a test turns it on (the counters would carry between tests).
RATE_LIMITS_ENABLED = envbool("RATE_LIMITS", not TESTING)
RATE_LIMIT_KEY_PREFIX = envstr("RATE_LIMIT_KEY_PREFIX", "gz:rl")
RATE_LIMITS: dict[str, tuple[int | None, int | None, int]] = {
    "signin_code": (None, 20, 600),   # sign-in code requests (also limited in the database)
    "report": (10, 60, 3600),         # problem reports (also 5/hour, 20/day in the database)
    "proposal": (10, 60, 3600),
    "comment": (30, 200, 600),
    "statement": (30, 200, 600),      # deliberation statements
    "abuse_report": (20, 100, 3600),  # "report this content"
    "upload": (60, 300, 3600),        # every uploaded picture, sound, video or PDF
    "api_write": (120, 600, 60),      # every POST/PUT/PATCH/DELETE of /api/v1/
}
for _scope in RATE_LIMITS:
    _spec = envstr(f"RATE_LIMIT_{_scope.upper()}")
    if _spec:
        _u, _ip, _w = (p.strip() for p in _spec.split("/"))
        RATE_LIMITS[_scope] = (int(_u) if _u not in ("", "-") else None,
                               int(_ip) if _ip not in ("", "-") else None, int(_w))
# Meeting check-in codes: wrong codes per person and per meeting within the window.
CHECKIN_MAX_FAILURES_PER_PERSON = envint("CHECKIN_MAX_FAILURES_PER_PERSON", 5)
CHECKIN_MAX_FAILURES_PER_MEETING = envint("CHECKIN_MAX_FAILURES_PER_MEETING", 100)
CHECKIN_LOCK_SECONDS = envint("CHECKIN_LOCK_SECONDS", 900)

# --- map --------------------------------------------------------------------------------
# none | osm | tianditu | amap. GCJ-02 basemaps (amap) need coordinates shifted in the browser.
MAP_BASEMAP = envstr("MAP_BASEMAP", "local")
MAP_TILE_URL = envstr("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = envstr("MAP_TILE_ATTRIBUTION", "")
TIANDITU_KEY = envstr("TIANDITU_KEY", "")

GONGZHI_SITE_NAME = _("Gongzhi")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
