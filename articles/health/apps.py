from django.apps import AppConfig


class HealthConfig(AppConfig):
    """Owners, review dates, flags and tasks: tables of their own beside the articles'."""

    name = "articles.health"
    label = "health"
    verbose_name = "Article owners, reviews and tasks"
    default_auto_field = "django.db.models.BigAutoField"
