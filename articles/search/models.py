"""The search app's tables: the index journal's (``sync.models``: ``JournalHead``,
``JournalEntry``, ``IndexerStatus``, imported here so that they are this app's), the
related-articles lists, the translations' embeddings and the dismissed duplicate pairs
(``semantic.models``).
"""
from django.db import models

from .semantic.models import DismissedDuplicate, TranslationEmbedding
from .sync.models import IndexerStatus, JournalEntry, JournalHead

__all__ = ["DismissedDuplicate", "IndexerStatus", "JournalEntry", "JournalHead", "RelatedArticles",
           "TranslationEmbedding"]


class RelatedArticles(models.Model):
    """The "related articles" of one translation, worked out from the index by the indexer in
    its idle moments (``related.refresh``) and read by article pages: a "more like this" costs
    20–80 ms, most of a page. ``numbers`` are article numbers, best first, hidden and internal
    ones included: each page keeps those its reader may see, in the reader's language. Lists
    are worked out again after ``related.MAX_AGE``, not at every edit."""

    translation = models.OneToOneField("articles.Translation", on_delete=models.CASCADE, primary_key=True,
                                       related_name="related_list")
    numbers = models.JSONField(default=list)
    computed_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "search_related_articles"
