from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search index's own tables: the index journal every server follows."""

    name = "articles.search"
    label = "search"
    verbose_name = "Search index"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .semantic import checks  # noqa: F401 — registers kb.W002 (semantic search not possible)
