from django.apps import AppConfig


class QualityConfig(AppConfig):
    """The quality checklist and coaches' scores: tables of their own beside the articles'."""

    name = "articles.quality"
    label = "quality"
    verbose_name = "Article Quality Index"
    default_auto_field = "django.db.models.BigAutoField"
