"""The Whoosh backend: the only module that opens writers, takes locks or swaps indexes.

Layout under ``settings.KB_INDEX_DIR`` (one per server; the database is shared)::

    CURRENT            the name of the live index folder (replaced atomically)
    REBUILD.lock       held while a rebuild runs (one at a time per folder, across processes)
    REBUILD_REQUESTED  left by a request that found the index unreadable; the indexer checks it
    INDEXER            touched by the running indexer: requests then leave writing to it
    AWAITED            touched by a request waiting for its save: the indexer applies at once
    index-<stamp>/     one complete Whoosh index each, with
        KB_SCHEMA      what it was built with: SCHEMA_VERSION and its kind, "-speedups" (the
                       speed-ups' codec) or "-stock" (Whoosh's own); ``index_kind()``
        KB_POSITION    the last index-journal id applied to it (``sync.journal``)

The index follows the database through the journal: ``apply_pending()`` re-indexes the
translations named by the entries past ``KB_POSITION`` (writer with a timeout → old copies
deleted by unique id → documents added → commit → position). ``rebuild()`` notes the journal's head,
builds a complete folder from the database, stamps it with that position, swaps ``CURRENT``
and catches up from there, so a change saved while it ran is applied after the swap.

Requests never rebuild and never wait for the writer's lock: ``searcher()`` answers from the
live index or raises ``IndexUnavailable`` (shown as "search is catching up"); a searcher whose
files vanished or broke is replaced by a fresh one (``search_with``). ``run_indexer`` owns the
rest: building a missing, unreadable or outdated index (or one of the other kind, when the
speed-ups were switched), applying the journal, tidying files.

Only Whoosh's public API is used here; ``speedups`` (when ``speedups.enabled()``) adds a
refresh that keeps the readers of unchanged segments and remembers term lookups.
"""
from contextlib import contextmanager
import fcntl
import logging
import os
from pathlib import Path
import shutil
import threading
import time

from django.conf import settings
from whoosh import index
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.writing import LockError

from ...models import Translation
from .. import IndexBusy, IndexUnavailable
from ..sync import journal, merging, processes  # noqa: F401 — build processes die with their parent
from . import speedups
from .build import write_index, writer_options
from .documents import translation_document
from .schema import ID_FIELD, SCHEMA_VERSION
from .storage import GRACE_SECONDS, INDEX_NAME, SafeFileStorage
from .summaries import Summaries

logger = logging.getLogger(__name__)
CURRENT = "CURRENT"
REBUILD_LOCK = "REBUILD.lock"
REBUILD_REQUESTED = "REBUILD_REQUESTED"
INDEXER_HEARTBEAT = "INDEXER"  # touched by this server's indexer on every turn
INDEXER_ALIVE_SECONDS = 5.0
AWAITED = "AWAITED"  # touched by a request waiting for the indexer to apply its save
SCHEMA_FILE = "KB_SCHEMA"  # inside each index folder: index_kind() when it was built
POSITION_FILE = "KB_POSITION"  # inside each index folder: the last journal id applied
SUPERSEDED = "SUPERSEDED"  # inside a replaced index folder: when it was replaced
WRITER_TIMEOUT = 10.0  # seconds the indexer or an import waits for the writer's lock
BATCH = 5000  # journal entries applied per commit
IN_REQUEST_ENTRIES = 20  # a search applies pending entries itself up to this many (when the writer is free)
CATCH_UP_SECONDS = 2.0  # how long a request that saved waits for its change to be searchable
# Above this many translations one writer updating in place is slower than a parallel rebuild,
# and a rebuild leaves a tidier index.
BULK_UPDATE = 1000


def index_kind():
    """What an index folder must have been built with to be opened now: ``SCHEMA_VERSION`` and
    whether the speed-ups write it (their codec) or Whoosh does (its own)."""
    return f"{SCHEMA_VERSION}-{'speedups' if speedups.enabled() else 'stock'}"


class WhooshBackend:
    def __init__(self, root=None):
        self.root = Path(root or settings.KB_INDEX_DIR)
        self._lock = threading.Lock()
        self._index = None
        self._index_dir = None
        self._index_kind = None
        self._generation = None  # (index, (inode, mtime) of its folder, latest generation)
        self._local = threading.local()

    # -- building -----------------------------------------------------------------------
    def rebuild(self, catch_up=True):
        """Build a complete index beside the live one, swap it in, then catch up with the
        journal entries written meanwhile (``catch_up=False``: leave that to the running
        indexer, whose writer it would otherwise contend for). Waits for a rebuild another
        process is running. Returns the number of documents indexed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.root / REBUILD_LOCK):
            self._remove_abandoned()
            count = self._build_and_swap()
        if catch_up:
            self.apply_pending(timeout=WRITER_TIMEOUT)
        return count

    def rebuild_due(self):
        """True when this server's next turn rebuilds rather than applies the journal (no index,
        a rebuild asked for, or what ``apply_pending`` would rebuild for)."""
        position = self.position()
        if position is None or self.rebuild_requested():
            return True
        last, pruned = journal.head()
        return _rebuilds_instead(position, pruned, last - position, journal.rebuild_requested_after(position))

    def segments(self):
        """The segments of the live index's latest commit (Whoosh ``Segment`` objects)."""
        live = self.open_index()
        return TOC.read(live.storage, live.indexname).segments

    def worn(self):
        """True when the live index is due for a fresh build (``merging.worn``)."""
        return merging.worn(self.segments())

    def overdue(self):
        """True when that build should not wait for a quiet moment (``merging.overdue``)."""
        return merging.overdue(self.segments())

    def _build_and_swap(self):
        position = journal.head()[0]  # every change up to here is in the rows read below
        target = self.root / f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        target.mkdir()
        kind = index_kind()
        try:
            count = write_index(target, Translation.objects.all())
            (target / SCHEMA_FILE).write_text(kind)
            _write_position(target, position)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        previous = self._live_dir()
        pointer = self.root / f"{CURRENT}.tmp-{os.getpid()}"
        pointer.write_text(target.name)
        os.replace(pointer, self.root / CURRENT)  # atomic: readers see the old or the new name
        if previous and previous != target:
            # Kept a while for searchers still reading it; _remove_abandoned deletes it later.
            (previous / SUPERSEDED).write_text(str(time.time()))
        (self.root / REBUILD_REQUESTED).unlink(missing_ok=True)
        with self._lock:
            self._close()
        logger.info("search index rebuilt: %d documents in %s, at journal position %d", count, target.name,
                    position)
        return count

    def _remove_abandoned(self, grace=GRACE_SECONDS):
        """Delete index folders that are not live: builds a killed process left (no
        ``SUPERSEDED`` mark) and replaced indexes older than ``grace``. Called under the
        rebuild lock, so no build is in progress."""
        live = self._live_dir()
        for folder in self.root.glob("index-*"):
            if folder == live or not folder.is_dir():
                continue
            try:
                superseded = float((folder / SUPERSEDED).read_text())
            except (OSError, ValueError):
                superseded = None
            if superseded is None or time.time() - superseded >= grace:
                shutil.rmtree(folder, ignore_errors=True)
                logger.info("removed index folder %s (%s)", folder.name,
                            "abandoned build" if superseded is None else "replaced")
        for stray in self.root.glob(f"{CURRENT}.tmp-*"):
            stray.unlink(missing_ok=True)

    def tidy(self):
        """Housekeeping for the indexer: old index files and folders. Never waits."""
        folder = self._live_dir()
        if folder is not None and _schema_version(folder) == index_kind():  # another kind's is rebuilt, not read
            SafeFileStorage(folder).purge()
        try:
            with _file_lock(self.root / REBUILD_LOCK, blocking=False):
                self._remove_abandoned()
        except IndexBusy:
            pass

    # -- following the journal ----------------------------------------------------------
    def position(self):
        """The last journal id applied to the live index; None without one."""
        folder = self._live_dir()
        return None if folder is None else _read_position(folder)

    def apply_pending(self, timeout=WRITER_TIMEOUT, limit=BATCH):
        """Apply journal entries past the live index's position, at most ``limit``; returns how
        many. Raises ``IndexBusy`` when the writer stays locked for ``timeout`` seconds (0: do
        not wait) and ``IndexUnavailable`` without a live index. Rebuilds instead when the
        entries name more than ``BULK_UPDATE`` translations or ask for it."""
        live = self.open_index()
        folder = self._index_dir
        writer = _writer(live, timeout)
        try:
            position = _read_position(folder)
            last, pruned = journal.head()
            entries = journal.entries_after(position, limit) if last > position else []
            ids = list(dict.fromkeys(pk for _, pk in entries))
            if _rebuilds_instead(position, pruned, len(ids), None in ids):
                writer.cancel()
                logger.info("search index: rebuilding instead of applying %d journal entries", len(entries))
                self.rebuild()
                return len(entries)
            if not entries:
                writer.cancel()
                return 0
            # Folding by size class: the documents of the chosen segments are written again.
            known = set(ids)
            ids += [pk for pk in _live_ids(writer, merging.to_fold(writer.segments)) if pk not in known]
            self._write_documents(writer, ids)
            writer.commit(mergetype=drop_empty)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        _write_position(folder, entries[-1][0])
        return len(entries)

    def compact(self):
        """Fold the small segments saves left (``merging.small``) when the writer is free; for
        idle moments. Returns True when it folded."""
        live = self.open_index()
        if not merging.small(self.segments()):
            return False
        try:
            writer = _writer(live, 0)
        except IndexBusy:
            return False
        try:
            self._write_documents(writer, _live_ids(writer, merging.small(writer.segments)))
            writer.commit(mergetype=drop_empty)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return True

    def _write_documents(self, writer, ids):
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

    def catch_up(self, until=None, budget=CATCH_UP_SECONDS):
        """Bring the live index to journal id ``until`` (default: the head now) within
        ``budget`` seconds: for a request that has just saved, so its change is searchable when
        its response returns. While this server's indexer runs, it waits for the indexer (the
        one writer, whose commits merge segments); without one it applies the entries itself
        when the writer is free. Returns True when the index got there; never raises for an
        index that is busy, missing or broken (the indexer's job)."""
        deadline = time.monotonic() + budget
        until = journal.head()[0] if until is None else until
        prompted = False
        while True:
            try:
                position = self.position()
                if position is None:
                    return False
                if position >= until:
                    return True
                if not self.indexer_alive():
                    self.apply_pending(timeout=0)
                    continue
                if not prompted:
                    self._touch(AWAITED)
                    prompted = True
            except IndexBusy:
                pass
            except (IndexUnavailable, LockError):
                return False
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def catch_up_cheaply(self):
        """Before a search on a server without a running indexer: apply what is pending when it
        is a few entries and the writer is free, so a change saved through another process is
        found at once. Never waits. (With an indexer, it applies within its poll interval.)"""
        position = self.position()
        if position is None or self.indexer_alive():
            return
        last, _ = journal.head()
        if position < last <= position + IN_REQUEST_ENTRIES:
            try:
                self.apply_pending(timeout=0, limit=IN_REQUEST_ENTRIES)
            except (IndexBusy, IndexUnavailable, LockError):
                pass

    def heartbeat(self):
        """Called by this server's indexer on every turn."""
        self._touch(INDEXER_HEARTBEAT)

    def awaited_since(self, moment):
        """Whether a request has waited for the indexer since ``moment`` (``time.time()``)."""
        try:
            return os.path.getmtime(self.root / AWAITED) > moment
        except OSError:
            return False

    def _touch(self, name):
        path = self.root / name
        try:
            os.utime(path)
        except FileNotFoundError:
            self.root.mkdir(parents=True, exist_ok=True)
            path.write_text(str(os.getpid()))
        except OSError:
            pass

    def stop_heartbeat(self):
        (self.root / INDEXER_HEARTBEAT).unlink(missing_ok=True)

    def indexer_alive(self):
        """This server's indexer has reported within ``INDEXER_ALIVE_SECONDS``."""
        try:
            return time.time() - (self.root / INDEXER_HEARTBEAT).stat().st_mtime < INDEXER_ALIVE_SECONDS
        except OSError:
            return False

    def ensure_usable(self, deep=False):
        """For the indexer: rebuild a missing, unreadable, outdated or pruned-past index, or one
        a request reported broken (then every stored document is read: ``deep``). Returns True
        when it rebuilt."""
        reason = None
        try:
            self._verify(deep=deep or self.rebuild_requested())
            if self.position() < journal.head()[1]:
                reason = "its journal position is older than the journal keeps"
        except IndexUnavailable as error:
            reason = str(error)
        if reason is None:
            (self.root / REBUILD_REQUESTED).unlink(missing_ok=True)
            return False
        logger.warning("search index under %s: %s; rebuilding it from the database", self.root, reason)
        self.rebuild()
        return True

    def _verify(self, deep=False):
        """Open the live index afresh, which reads every segment's directory (and with ``deep``
        every stored document); raises ``IndexUnavailable`` when that fails."""
        folder = self._live_dir()
        opened = _open_folder(folder, self.root)
        try:
            with opened.reader() as reader:
                reader.doc_count()
                for _ in reader.iter_docs() if deep else ():
                    pass
        except Exception as error:  # noqa: BLE001 — a damaged index raises many kinds of error
            raise IndexUnavailable(f"index {folder.name} is unreadable ({type(error).__name__}: {error})") from None

    def request_rebuild_check(self):
        """Called by a request that found the index unreadable: the indexer verifies it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / REBUILD_REQUESTED).touch()
        except OSError:
            pass

    def rebuild_requested(self):
        return (self.root / REBUILD_REQUESTED).exists()

    # -- reading ------------------------------------------------------------------------
    def _live_dir(self):
        try:
            name = (self.root / CURRENT).read_text().strip()
        except OSError:
            return None
        folder = self.root / name
        return folder if name and folder.is_dir() else None

    def open_index(self):
        """The live index, opened once per process; ``IndexUnavailable`` when there is none
        or it is of another schema version or kind (never rebuilt here: that is the indexer's
        job)."""
        folder, kind = self._live_dir(), index_kind()
        with self._lock:
            if self._index is not None and folder == self._index_dir and kind == self._index_kind:
                return self._index
        opened = _open_folder(folder, self.root)
        with self._lock:
            self._index, self._index_dir, self._index_kind = opened, folder, kind
        return opened

    @contextmanager
    def searcher(self):
        """A searcher on the live index, one per thread (Whoosh searchers are not safe to share
        between threads), refreshed when the index has changed. When the live folder has
        vanished, a searcher already open goes on answering from its open files."""
        local = self._local
        current = previous = getattr(local, "searcher", None)
        try:
            live = self.open_index()
        except IndexUnavailable:
            if current is None or self._live_dir() is not None:
                raise
            yield current  # the folder was deleted under us: its open files still answer
            return
        if current is None or getattr(local, "index", None) is not live:
            self.discard_searcher()
            current = live.searcher()
        elif self._latest_generation(live) != current.reader().generation():
            try:
                current = refreshed(current, live)
            except Exception:  # noqa: BLE001 — a refresh that fails has closed what it reused
                logger.warning("search index refresh failed; opening a fresh searcher", exc_info=True)
                self.discard_searcher()
                current = live.searcher()
        if current is not previous and speedups.enabled():
            from .speedups.termcache import remember_terms

            remember_terms(current)
        local.searcher, local.index = current, live
        yield current

    def search_with(self, function):
        """``function(searcher)``, retried once on a fresh searcher when the index fails under
        it (a segment merged away, a truncated file). A second failure is ``IndexUnavailable``,
        and the indexer is asked to check the index."""
        for attempt in (1, 2):
            try:
                with self.searcher() as searcher:
                    return function(searcher)
            except IndexUnavailable:
                raise
            except Exception as error:  # noqa: BLE001 — Whoosh raises many kinds on damaged files
                logger.warning("search failed on the index (%s: %s), attempt %d", type(error).__name__, error,
                               attempt, exc_info=attempt == 2)
                self.discard_searcher()
                with self._lock:
                    self._close()
                if attempt == 2:
                    self.request_rebuild_check()
                    raise IndexUnavailable(f"the search index failed ({type(error).__name__})") from error
        raise AssertionError("unreachable")

    def discard_searcher(self):
        """Forget this thread's searcher (closing it when that still works)."""
        local = self._local
        current = getattr(local, "searcher", None)
        local.searcher = local.index = None
        local.summaries_for = local.summaries = local.summary_parts = None
        if current is not None:
            try:
                current.close()
            except Exception:  # noqa: BLE001 — already closed or broken: nothing left to free
                pass

    def summaries(self, searcher):
        """The searcher's ``Summaries``, read once per searcher: grouping hundreds of hits into
        articles then reads no stored fields, and the speed-ups' scoring reads field lengths
        from arrays."""
        local = self._local
        if getattr(local, "summaries_for", None) is not searcher:
            if getattr(local, "summary_parts", None) is None:
                local.summary_parts = {}  # per segment, kept across refreshes (summaries.Summaries)
            local.summaries, local.summaries_for = Summaries(searcher.reader(), local.summary_parts), searcher
        return local.summaries

    def _close(self):
        """Forget the open index; every thread's searcher is replaced at its next search."""
        self._index = self._index_dir = self._index_kind = None

    def _latest_generation(self, live):
        """``live.latest_generation()``, which lists the index folder: under a stream of saves it
        holds a table of contents per commit of the grace period (``storage``). The answer is
        kept until the folder's mtime moves (every file written, renamed or deleted moves it);
        it is not kept when the folder changed within ``RACY_NS`` of now, since a change in the
        same clock tick would leave the mtime as it was. A swapped-in index starts afresh."""
        try:
            status = os.stat(live.storage.folder)
        except (AttributeError, OSError, TypeError):
            return live.latest_generation()
        stamp = (status.st_ino, status.st_mtime_ns)
        known = self._generation
        if known is not None and known[0] is live and known[1] == stamp:
            return known[2]
        generation = live.latest_generation()
        if time.time_ns() - status.st_mtime_ns > RACY_NS:
            self._generation = (live, stamp, generation)
        return generation


def _rebuilds_instead(position, pruned, translations, asked):
    """Whether to rebuild rather than apply the entries past ``position``: the journal no longer
    holds them all, one asks for it, or they name more than ``BULK_UPDATE`` translations."""
    return position < pruned or asked or translations > BULK_UPDATE


def refreshed(searcher, live):
    """A searcher on the latest commit of ``live``, replacing ``searcher`` (closed, or its
    readers handed on): with the speed-ups, one that keeps the readers of unchanged segments
    (``speedups.refresh``); without, a new searcher of every segment. Not ``searcher.refresh()``:
    Whoosh's refresh may hand a reader on to the new searcher by segment id alone, deletions and
    all (whoosh-reloaded 2.7.5 does, and keeps segments merged away), and a deleted copy of a
    document would then still be found: an unpublished or outdated one."""
    if speedups.enabled():
        from .speedups.refresh import refreshed as keeping_readers

        return keeping_readers(searcher, live)
    fresh = live.searcher()
    searcher.close()
    return fresh


RACY_NS = 50_000_000  # far above the coarsest clock a folder's mtime is stamped with


def _open_folder(folder, root):
    """The Whoosh index in ``folder`` (the live one, or None); ``IndexUnavailable`` when there is
    none, it is of another schema version, or it cannot be opened."""
    if folder is None:
        raise IndexUnavailable(f"no search index under {root} yet")
    found, needed = _schema_version(folder), index_kind()
    if found != needed:
        raise IndexUnavailable(f"the search index {folder.name} was built with schema {found}; this code needs "
                               f"{needed}")
    try:
        return index.FileIndex(SafeFileStorage(folder), indexname=INDEX_NAME)
    except Exception as error:  # noqa: BLE001 — a damaged index raises many kinds of error
        raise IndexUnavailable(f"the search index {folder.name} cannot be opened ({error})") from None


def _schema_version(folder):
    try:
        return (folder / SCHEMA_FILE).read_text().strip()
    except OSError:
        return None


def _read_position(folder):
    try:
        return int((folder / POSITION_FILE).read_text())
    except (OSError, ValueError):
        return 0  # an index without a position catches up from the start of the journal


def _write_position(folder, position):
    temporary = folder / f"{POSITION_FILE}.tmp-{os.getpid()}-{threading.get_ident()}"
    temporary.write_text(str(position))
    os.replace(temporary, folder / POSITION_FILE)


def _writer(live, timeout):
    """A writer, waiting at most ``timeout`` seconds for the lock (0: not at all)."""
    try:
        return live.writer(timeout=timeout, **writer_options())
    except LockError:
        raise IndexBusy(f"the search index's writer stayed locked for {timeout:.1f} s") from None


@contextmanager
def _file_lock(path, blocking=True):
    """An exclusive lock on ``path`` across processes (released if the holder dies)."""
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            raise IndexBusy(f"{path.name} is held by another process") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


def drop_empty(writer, segments):
    """A Whoosh merge policy: keep every segment that still holds a live document."""
    return [segment for segment in segments if segment.doc_count() > 0]


def _documents(queryset):
    rows = queryset.select_related("article").prefetch_related("products").order_by("pk")
    for translation in rows.iterator(chunk_size=500):
        yield translation_document(translation, [p.name for p in translation.products.all()])
