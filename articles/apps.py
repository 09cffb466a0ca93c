from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Knowledge base articles"

    def ready(self):
        from . import signals  # noqa: F401 — connects the index upkeep
