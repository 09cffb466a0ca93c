"""Changes applied to the live index with Whoosh's writer: the only module that opens one on a
live index (a build writes a folder of its own: ``store``).

Every commit follows one sequence: writer with a timeout → the position read → old copies
deleted by unique id → documents added from their rows → commit → position written.

- ``apply(store, changes, timeout)``: ``changes(position)`` (``sync.applier.pending_changes``)
  says what the index at its position must apply; the translations it names are re-indexed
  from their rows as they are now (absent rows: deleted), with the live documents of the
  segments the merge policy folds (``sync.merging.to_fold``), and the segments left without a
  live document are dropped (``drop_empty``). Returns the ``Changes``.
- ``compact(store)``: the small segments saves left (``sync.merging.small``) folded the same
  way, when the writer is free.
- ``segments(store)``: the segments of the live index's latest commit, for the merge policy.
"""
from pathlib import Path

from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.writing import LockError

from ...models import Translation
from .. import IndexBusy
from ..sync import merging
from .build import writer_options
from .documents import translation_document
from .schema import ID_FIELD
from .store import read_position, write_position


def apply(store, changes, timeout):
    live = store.open_index()
    folder = Path(live.storage.folder)  # the folder of the index opened, whatever CURRENT says now
    writer = _writer(live, timeout)
    try:
        found = changes(read_position(folder))
        if found.rebuild or not found.entries:
            writer.cancel()
            return found
        # Folding by size class: the documents of the chosen segments are written again.
        ids = list(found.translation_ids)
        known = set(ids)
        ids += [pk for pk in _live_ids(writer, merging.to_fold(writer.segments)) if pk not in known]
        _write_documents(writer, ids)
        writer.commit(mergetype=drop_empty)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    write_position(folder, found.through)
    return found


def compact(store):
    """Returns True when it folded."""
    live = store.open_index()
    if not merging.small(segments(store)):
        return False
    try:
        writer = _writer(live, 0)
    except IndexBusy:
        return False
    try:
        _write_documents(writer, _live_ids(writer, merging.small(writer.segments)))
        writer.commit(mergetype=drop_empty)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return True


def segments(store):
    """The segments of the live index's latest commit (Whoosh ``Segment`` objects)."""
    live = store.open_index()
    return TOC.read(live.storage, live.indexname).segments


def drop_empty(writer, segments):
    """A Whoosh merge policy: keep every segment that still holds a live document."""
    return [segment for segment in segments if segment.doc_count() > 0]


def _writer(live, timeout):
    """A writer, waiting at most ``timeout`` seconds for the lock (0: not at all)."""
    try:
        return live.writer(timeout=timeout, **writer_options())
    except LockError:
        raise IndexBusy(f"the search index's writer stayed locked for {timeout:.1f} s") from None


def _write_documents(writer, ids):
    """Replace the documents of ``ids`` by their rows' current state (absent rows: deleted).
    One searcher finds every old copy (``update_document`` would open a reader of every
    segment for each document)."""
    searcher = writer.searcher()
    try:
        for pk in ids:
            writer.delete_by_term(ID_FIELD, str(pk), searcher=searcher)
    finally:
        searcher.close()
    for document in _documents(Translation.objects.filter(pk__in=ids)):
        writer.add_document(**document)


def _live_ids(writer, segments):
    """The translation ids of the live documents of ``segments`` (of ``writer``'s index)."""
    ids = []
    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            ids += [int(fields[ID_FIELD]) for _, fields in reader.iter_docs()]
        finally:
            reader.close()
    return ids


def _documents(queryset):
    rows = queryset.select_related("article").prefetch_related("products").order_by("pk")
    for translation in rows.iterator(chunk_size=500):
        yield translation_document(translation, [p.name for p in translation.products.all()])
