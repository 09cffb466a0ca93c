"""The index journal's tables: what each server's index must catch up with.

Every change that affects search (a save, a deletion, a status or audience change, an import)
writes ``JournalEntry`` rows in the same transaction as the change (``sync.record_change``).
Their ids are handed out from ``JournalHead`` under its row lock, which the writing transaction
holds until it commits: ids therefore become visible in commit order, and a server that has
applied every entry up to ``n`` never meets an entry below ``n`` later (a plain sequence would
let a slow transaction commit id 100 after id 101 was applied, and lose it).

``IndexerStatus`` is where each server's indexer reports how far its index has got.

The models belong to the ``search`` app (``articles/search/models.py`` imports them), under the
tables its migrations made.
"""
from django.db import models


class JournalHead(models.Model):
    """One row (pk 1): the last id handed out, the last id pruned (older rows are gone, so an
    index whose cursor is below it must be rebuilt), and the last id of a change that alters
    what other translations' pages show at once: a visibility change, a deletion or an import
    (an article gone must be gone from their links now, and a page imported is linked to at
    once; ``readercache`` keys article pages by it)."""

    last_id = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)
    shared_last_id = models.BigIntegerField(default=0)

    class Meta:
        app_label = "search"
        db_table = "search_journal_head"


class JournalEntry(models.Model):
    """One translation to re-index from the database's current state (absent rows are deleted
    from the index), or, with ``translation_id`` None, the whole index to rebuild."""

    id = models.BigIntegerField(primary_key=True)  # from JournalHead: commit order
    created_at = models.DateTimeField(db_index=True)
    translation_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=20)  # save, delete, visibility, import, rebuild

    class Meta:
        app_label = "search"
        db_table = "search_journal_entry"
        ordering = ["id"]
        verbose_name_plural = "journal entries"
        # A translation's latest entry (readercache: what its article's page is made from).
        indexes = [models.Index(fields=["translation_id", "id"], name="search_journal_translation")]


class IndexerStatus(models.Model):
    """A server's index position, reported by its indexer (``run_indexer``)."""

    server = models.CharField(max_length=300, unique=True)  # host:index folder
    position = models.BigIntegerField(default=0)  # the last journal id applied
    documents = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        app_label = "search"
        db_table = "search_indexer_status"
        ordering = ["server"]
