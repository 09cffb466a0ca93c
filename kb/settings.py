"""Settings for kb, read from ``KB_*`` environment variables with laptop defaults.

    KB_DATABASE_URL   database URL (default: SQLite file var/kb.sqlite3); postgresql://… uses psycopg 3
    KB_INDEX_DIR      Whoosh index directory (default var/index), one per server
    KB_JOURNAL_RETENTION_DAYS  days the index journal is kept (default 7)
    KB_MEDIA_ROOT     copied article images (default var/media)
    KB_SECRET_KEY     required when KB_DEBUG is off
    KB_DEBUG          1/0 (default 1 on a laptop)
    KB_ALLOWED_HOSTS  comma-separated (default localhost names)
"""
from pathlib import Path
import os

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
    "articles",
    "articles.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

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
                "articles.context_processors.site_languages",
            ],
        },
    },
]


def database_from_url(url):
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the importer; IMMEDIATE avoids lock upgrades mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("KB_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kb.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("KB_MEDIA_ROOT") or VAR_DIR / "media")
KB_INDEX_DIR = Path(os.environ.get("KB_INDEX_DIR") or VAR_DIR / "index")
# How long index-journal entries are kept: a server whose index is older rebuilds it.
KB_JOURNAL_RETENTION_DAYS = float(os.environ.get("KB_JOURNAL_RETENTION_DAYS") or 7)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"articles": {"handlers": ["console"], "level": "INFO"}},
}
# Static files are served by WhiteNoise; in development straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
