"""The index journal: what each server's Whoosh index must catch up with.

Every change that affects search (a save, a deletion, a status or audience change, an import)
writes ``JournalEntry`` rows in the same transaction as the change (``journal.record``). Their
ids are handed out from ``JournalHead`` under its row lock, which the writing transaction holds
until it commits: ids therefore become visible in commit order, and a server that has applied
every entry up to ``n`` never meets an entry below ``n`` later (a plain sequence would let a
slow transaction commit id 100 after id 101 was applied, and lose it).

``IndexerStatus`` is where each server's indexer reports how far its index has got.
"""
from django.db import models


class JournalHead(models.Model):
    """One row (pk 1): the last id handed out, and the last id pruned (older rows are gone,
    so an index whose cursor is below it must be rebuilt)."""

    last_id = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_journal_head"


class JournalEntry(models.Model):
    """One translation to re-index from the database's current state (absent rows are deleted
    from the index), or, with ``translation_id`` None, the whole index to rebuild."""

    id = models.BigIntegerField(primary_key=True)  # from JournalHead: commit order
    created_at = models.DateTimeField(db_index=True)
    translation_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=20)  # save, delete, visibility, import, rebuild

    class Meta:
        db_table = "search_journal_entry"
        ordering = ["id"]
        verbose_name_plural = "journal entries"


class IndexerStatus(models.Model):
    """A server's index position, reported by its indexer (``run_indexer``)."""

    server = models.CharField(max_length=300, unique=True)  # host:index folder
    position = models.BigIntegerField(default=0)  # the last journal id applied
    documents = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "search_indexer_status"
        ordering = ["server"]


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
