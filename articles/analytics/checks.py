"""``manage.py check --deploy``: limits counted per process.

kb.W001 — the ``shared`` cache (``settings.CACHES``) is not Redis: without ``KB_CACHE_URL`` each
worker counts votes and logged searches per address alone, so two gunicorn workers allow twice
the limit, and every server as much again.
"""
from django.conf import settings
from django.core.checks import Tags, Warning, register

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


@register(Tags.caches, deploy=True)
def shared_limits(app_configs, **kwargs):
    if settings.CACHES.get("shared", {}).get("BACKEND") == REDIS_BACKEND:
        return []
    return [Warning(
        "Limits per address (votes, logged searches) are counted by each worker process alone.",
        hint="Set KB_CACHE_URL (redis://host:6379/0) so that every worker and server counts together.",
        id="kb.W001")]
