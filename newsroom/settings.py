"""Settings for Newsroom, read from the environment.

Local defaults need nothing: an SQLite file beside this project, local-memory
cache, media on disk. Production switches on with ``DJANGO_DEBUG=0`` and then
requires ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG=0) needs a long random "
            "secret key, for example from: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Local development only; production refuses to start without its own key (above).
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the site's host names, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "django_prose_editor",
    "reversion",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "articles",
]

MIDDLEWARE = [
    # First: a reader's cached page is answered before any other middleware runs.
    "articles.middleware.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "articles.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.audit.AuditContextMiddleware",
    "articles.api.middleware.ApiHeadersMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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
                "articles.context_processors.publication",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# Database: an SQLite file by default, tuned for a web server with concurrent
# writers (WAL, a busy timeout, IMMEDIATE transactions so writers queue instead
# of failing with "database is locked"). DATABASE_URL switches to PostgreSQL.
SQLITE_PATH = Path(os.environ.get("NEWSROOM_SQLITE_PATH", BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    }
    # PostgreSQL: parameters bound by the server and statements prepared after their
    # fifth run on a connection, so a page's queries are parsed and planned once per
    # connection, not on every request. A pooler that cannot keep prepared statements
    # (PgBouncer in transaction mode before 1.21, or without max_prepared_statements)
    # needs DATABASE_PREPARED_STATEMENTS=0.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Kept open between requests, as on PostgreSQL: opening one costs a page more
            # than its queries (Django's functions registered, the schema read again).
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; REDIS_URL switches to one Redis shared by every process and host.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("NEWSROOM_CACHE_PREFIX", "newsroom"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for readers are kept this long at most (0 turns the page cache off); any
# change or scheduled publication retires them at once. Without Redis each process has
# its own cache and could not hear of a change made in another, so in production the
# page cache is off unless REDIS_URL is set (runserver, with debug, is one process).
# Browsers may keep a page NEWSROOM_BROWSER_CACHE_SECONDS and revalidate it.
NEWSROOM_PAGE_CACHE_SECONDS = int(
    os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", 300 if (REDIS_URL or DEBUG) else 0)
)
NEWSROOM_BROWSER_CACHE_SECONDS = int(os.environ.get("NEWSROOM_BROWSER_CACHE_SECONDS", 60))
# A front cache to refresh when a story changes (deploy/nginx/): its address as this
# server reaches it, the secret its refresh requests carry, and the Host they name.
NEWSROOM_FRONT_CACHE_URL = os.environ.get("NEWSROOM_FRONT_CACHE_URL", "")
NEWSROOM_FRONT_CACHE_SECRET = os.environ.get("NEWSROOM_FRONT_CACHE_SECRET", "")
NEWSROOM_FRONT_CACHE_HOST = os.environ.get("NEWSROOM_FRONT_CACHE_HOST", "")
if NEWSROOM_FRONT_CACHE_URL and len(NEWSROOM_FRONT_CACHE_SECRET) < 16:
    raise ImproperlyConfigured(
        "NEWSROOM_FRONT_CACHE_URL is set: set NEWSROOM_FRONT_CACHE_SECRET to a long random "
        "value, the same one nginx's refresh-secret map holds (deploy/nginx/)."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The publication itself.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "DZWatch")
NEWSROOM_TAGLINE = os.environ.get("NEWSROOM_TAGLINE", "News from Algeria, Africa and the world")
NEWSROOM_TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "Africa/Algiers")
# A static file (a path under static/), used as the publisher logo in structured data.
NEWSROOM_LOGO = os.environ.get("NEWSROOM_LOGO") or "img/logo.png"
LANGUAGE_CODE = os.environ.get("NEWSROOM_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as newspapers write them, in each interface language: "5 mars 2024", "5 مارس 2024".
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = NEWSROOM_TIME_ZONE

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("NEWSROOM_MEDIA_ROOT", BASE_DIR / "media"))
# Serve photos from MEDIA_ROOT through Django (newsroom/media.py): on while developing and
# for a one-machine setup; off when nginx or object storage serves them.
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", DEBUG)
# Media on disk by default; NEWSROOM_S3_BUCKET puts them in S3-compatible object storage
# (credentials from the usual AWS_* variables; NEWSROOM_S3_ENDPOINT_URL for other vendors).
NEWSROOM_S3_BUCKET = os.environ.get("NEWSROOM_S3_BUCKET", "")
if NEWSROOM_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": NEWSROOM_S3_BUCKET,
            "endpoint_url": os.environ.get("NEWSROOM_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("NEWSROOM_MEDIA_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TAGGIT_CASE_INSENSITIVE = True

NEWSROOM_PAGE_SIZE = 20
# How long browsers and shared caches may keep an answer of the JSON API.
NEWSROOM_API_CACHE_SECONDS = int(os.environ.get("NEWSROOM_API_CACHE_SECONDS", 60))

# Feeds: how many stories each one lists, and whether it carries the whole text or a summary.
NEWSROOM_FEED_ITEMS = int(os.environ.get("NEWSROOM_FEED_ITEMS", 30))
NEWSROOM_FEED_FULL_TEXT = env_bool("NEWSROOM_FEED_FULL_TEXT", True)
NEWSROOM_SEEDS_DIR = BASE_DIR / "seeds"
NEWSROOM_IMPORT_MAX_BYTES = int(os.environ.get("NEWSROOM_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
# Uploaded photos: larger files or pictures are refused before they are decoded.
NEWSROOM_PHOTO_MAX_BYTES = int(os.environ.get("NEWSROOM_PHOTO_MAX_BYTES", 15 * 1024 * 1024))
NEWSROOM_PHOTO_MAX_PIXELS = int(os.environ.get("NEWSROOM_PHOTO_MAX_PIXELS", 40_000_000))

LOGIN_URL = "admin:login"

# Logging in. django-axes counts failed logins: NEWSROOM_LOGIN_FAILURE_LIMIT failures for
# one user name from one address lock that pair (the same editor elsewhere still gets in),
# and NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the names,
# lock the address. Locks lift after NEWSROOM_LOGIN_COOLOFF_MINUTES; `manage.py axes_reset`
# lifts them at once. See newsroom/login_throttle.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "newsroom.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", 5))
NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15)))
# Attempts during a lockout do not push its end further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsroom.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.client_address.client_address"
# Login attempts are logged by the newsroom.login logger (articles/audit_signals.py);
# axes's own banner would land in every management command's output.
AXES_VERBOSE = False
# How many reverse proxies (nginx, a load balancer) stand in front and append the address
# they saw to X-Forwarded-For. 0 (the default) reads the connection's own address: with no
# proxy, the header is whatever a client chose to send and is ignored.
NEWSROOM_TRUSTED_PROXIES = int(os.environ.get("NEWSROOM_TRUSTED_PROXIES", 0))

# Staff log in with a code from an authenticator app too (newsroom/two_factor.py).
# Off by default while developing; on by default in production.
NEWSROOM_STAFF_TWO_FACTOR = env_bool("NEWSROOM_STAFF_TWO_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = NEWSROOM_NAME

# Mail (password-reset links). Printed to the console while developing; SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("DJANGO_PASSWORD_RESET_TIMEOUT", 60 * 60 * 24))

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# The public site's Content-Security-Policy: nothing inline, nothing from elsewhere but
# photos from object storage (added to img-src at run time). Scripts, styles, pictures,
# fonts, fetches and every other fetch directive not named here fall back to default-src,
# so naming them with the same 'self' would only lengthen every page's headers. Admin,
# the API docs page and anything that is not a page get their own policies: see
# newsroom/content_security.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Logs go to standard output: one JSON object a line in production (for a log collector),
# plain text while developing. DJANGO_LOG_FORMAT=json|text overrides.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsroom.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
