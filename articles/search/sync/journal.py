"""Writing and reading the index journal (see ``sync.models``).

``append(translation_ids, reason)`` adds entries inside the caller's transaction and returns
the last id it wrote; only ``sync.record_change`` calls it, last in the caller's transaction,
since it holds the journal's row lock until the commit (every other writer of the journal
waits for it there). Readers: ``head()``, ``entries_after(position, limit)``,
``rebuild_requested_after(position)``; ``prune(older_than)`` for the indexer's housekeeping.
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ... import prepared
from .models import JournalEntry, JournalHead

SAVE, DELETE, VISIBILITY, IMPORT, REBUILD = "save", "delete", "visibility", "import", "rebuild"
# What moves ``JournalHead.shared_last_id``: a page appearing or going (an import may add a page
# other pages link to), not a save of one already there.
SHARED = (DELETE, VISIBILITY, IMPORT)
INSERT_ROWS = 500  # entries per INSERT statement: 2,000 parameters, within every SQLite's limit


def append(translation_ids, reason):
    """Append one entry per translation (``[None]``: rebuild everything); returns the last id,
    or None when there was nothing to record. In SQL statements of its own, as it runs once per
    imported file and per save (the models' ``bulk_create`` and ``update`` cost ten times as
    much): the head row moved first, which locks it until the commit, then read, then the
    entries inserted."""
    ids = list(dict.fromkeys(translation_ids))
    if not ids:
        return None
    with transaction.atomic(savepoint=False):  # last in the caller's: no savepoint to roll back to
        connection = transaction.get_connection()
        quote = connection.ops.quote_name
        head_table, last_id = quote(JournalHead._meta.db_table), quote("last_id")
        moved = f"{last_id} = {last_id} + %s"
        if reason in SHARED:
            moved += f", {quote('shared_last_id')} = {last_id} + %s"  # the old last_id, as in any SET
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {head_table} SET {moved} WHERE {quote('id')} = 1",
                           [len(ids)] * moved.count("%s"))
            if cursor.rowcount == 0:  # a database migrated without the data migration (never in practice)
                JournalHead.objects.get_or_create(pk=1)
                return append(ids, reason)
            cursor.execute(f"SELECT {last_id} FROM {head_table} WHERE {quote('id')} = 1")
            last = cursor.fetchone()[0]
            first = last - len(ids) + 1
            created = JournalEntry._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
            columns = ", ".join(quote(name) for name in ("id", "created_at", "translation_id", "reason"))
            for start in range(0, len(ids), INSERT_ROWS):
                chunk = ids[start:start + INSERT_ROWS]
                cursor.execute(f"INSERT INTO {quote(JournalEntry._meta.db_table)} ({columns}) VALUES "
                               + ", ".join(["(%s, %s, %s, %s)"] * len(chunk)),
                               [value for offset, pk in enumerate(chunk, first + start)
                                for value in (offset, created, pk, reason)])
    return last


def _locked_head():
    """The head row, locked."""
    head = JournalHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a database migrated without the data migration (never in practice)
        JournalHead.objects.get_or_create(pk=1)
        return _locked_head()
    return head


def head():
    """``(last_id, pruned_through)`` as committed now (read before searches on a server without
    a running indexer, by every indexer turn and by ``/api/stats``: compiled once)."""
    found = prepared.rows(_head_row, (), [1], numeric=True)
    return tuple(found[0]) if found else (0, 0)


def _head_row(pks):
    return JournalHead.objects.filter(pk__in=pks).values_list("last_id", "pruned_through")


def entries_after(position, limit):
    """Up to ``limit`` entries with an id above ``position``, oldest first, as
    ``[(id, translation_id)]``."""
    return list(JournalEntry.objects.filter(id__gt=position).order_by("id")
                .values_list("id", "translation_id")[:limit])


def rebuild_requested_after(position):
    """True when an entry past ``position`` asks for the whole index to be rebuilt."""
    return JournalEntry.objects.filter(id__gt=position, translation_id__isnull=True).exists()


def prune(older_than):
    """Delete entries older than ``older_than`` (a timedelta); returns how many went. Servers
    whose position is below the new ``pruned_through`` rebuild their index."""
    cutoff = timezone.now() - (older_than if isinstance(older_than, timedelta) else timedelta(seconds=older_than))
    with transaction.atomic():
        head = _locked_head()
        old = JournalEntry.objects.filter(created_at__lt=cutoff)
        last = old.order_by("-id").values_list("id", flat=True).first()
        if last is None:
            return 0
        deleted, _ = JournalEntry.objects.filter(id__lte=last).delete()
        head.pruned_through = max(head.pruned_through, last)
        head.save(update_fields=["pruned_through"])
    return deleted
