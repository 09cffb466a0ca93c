"""A searcher refreshed with the readers of the segments that did not change.

Whoosh's own ``Searcher.refresh()`` looks reusable readers up by generation where it means
segment id, so after every commit it reopens every segment, in every worker. ``refreshed``
keeps the reader of each segment still in the index, opens the new ones, and for a segment
whose deletions changed (each save deletes the old copy of a document from a large segment)
makes a reader that shares the old one's open files and reads the new deletions.
"""
import copy

from whoosh.index import TOC
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher


def refreshed(searcher, live):
    """A searcher on the latest commit of ``live`` (a ``FileIndex``), reusing ``searcher``'s
    readers of unchanged segments. The old searcher is dropped, not closed: its reused readers
    live on in the new one; the readers of segments folded away are closed."""
    info = TOC.read(live.storage, live.indexname)
    if not info.segments:
        return live.searcher()
    old = {reader.segment().segment_id(): reader for reader, _ in searcher.reader().leaf_readers()
           if isinstance(reader, SegmentReader)}
    readers = []
    for segment in info.segments:
        reader = old.pop(segment.segment_id(), None)
        if reader is None:
            reader = SegmentReader(live.storage, info.schema, segment, generation=info.generation)
        elif not _same_deletions(reader.segment(), segment):
            reader = _with_deletions(reader, segment, info.generation, live.storage, info.schema)
        readers.append(reader)
    for reader in old.values():  # segments folded away
        reader.close()
    return Searcher(MultiReader(readers, generation=info.generation), fromindex=live)


def _same_deletions(before, now):
    return before.deleted_count() == now.deleted_count() and set(before.deleted_docs()) == set(now.deleted_docs())


def _with_deletions(reader, segment, generation, storage, schema):
    """A reader of ``segment`` sharing ``reader``'s open files: only its deletions changed.
    Whoosh 2.7.4 reads deletions from the segment object its reader and per-document reader
    hold, and keeps nothing else about them. The copy must answer every deletion of
    ``segment`` as deleted, or it is not used: the old reader is closed and one opened afresh
    is returned instead (a deleted document found is an unpublished or outdated one shown).
    Otherwise the old reader is not closed: its files are the new one's."""
    try:
        fresh, perdoc = copy.copy(reader), copy.copy(reader._perdoc)
        perdoc._segment = fresh._segment = segment
        fresh._perdoc, fresh._gen = perdoc, generation
        deleted = set(segment.deleted_docs())
        if set(perdoc.deleted_docs()) == deleted and all(fresh.is_deleted(docnum) for docnum in deleted) \
                and fresh.doc_count() == segment.doc_count():
            return fresh
    except AttributeError:
        pass
    reader.close()
    return SegmentReader(storage, schema, segment, generation=generation)
