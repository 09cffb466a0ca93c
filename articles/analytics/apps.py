from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Search logs and article feedback: tables of their own, read by editors."""

    name = "articles.analytics"
    label = "analytics"
    verbose_name = "Search analytics and feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 — registers the deploy check kb.W001
