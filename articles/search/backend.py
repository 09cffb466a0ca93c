"""The Whoosh backend: the only module that opens writers, takes locks or swaps indexes.

Layout under ``settings.KB_INDEX_DIR``::

    CURRENT            the name of the live index folder (replaced atomically)
    index-<stamp>/     one complete Whoosh index each

``rebuild()`` builds a new folder from the database and then swaps ``CURRENT``, so a searcher
never sees half an index. ``searcher()`` opens the live index, rebuilding it from the database
(with a log line) when it is missing or unreadable. ``update(ids)`` re-indexes translations in
place: refresh → writer with a timeout → ``update_document`` by unique id → commit.
"""
from contextlib import contextmanager
import logging
import os
from pathlib import Path
import shutil
import threading
import time

from django.conf import settings
from whoosh import index
from whoosh.writing import LockError

from ..models import Translation
from .build import write_index
from .documents import translation_document
from .schema import ID_FIELD, SCHEMA_VERSION
from .summaries import Summaries

logger = logging.getLogger(__name__)
CURRENT = "CURRENT"
SCHEMA_FILE = "KB_SCHEMA"  # inside each index folder: the SCHEMA_VERSION it was built with
WRITER_TIMEOUT = 10.0  # seconds a save waits for the index lock before giving up with an error
# Above this many translations one writer updating in place is slower than a parallel rebuild
# (8,328 updates: over 10 min; a rebuild: under 40 s), and a rebuild leaves a tidier index.
BULK_UPDATE = 1000


class IndexUnavailable(RuntimeError):
    """The index cannot be opened nor rebuilt; the message says why."""


class WhooshBackend:
    def __init__(self, root=None):
        self.root = Path(root or settings.KB_INDEX_DIR)
        self._lock = threading.Lock()
        self._index = None
        self._index_dir = None
        self._local = threading.local()

    # -- building -----------------------------------------------------------------------
    def rebuild(self):
        """Build a complete index beside the live one, swap it in, delete the old one.
        Returns the number of documents indexed."""
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        target.mkdir()
        try:
            count = write_index(target, Translation.objects.all())
            (target / SCHEMA_FILE).write_text(str(SCHEMA_VERSION))
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        previous = self._live_dir()
        pointer = self.root / f"{CURRENT}.tmp-{os.getpid()}"
        pointer.write_text(target.name)
        os.replace(pointer, self.root / CURRENT)  # atomic: readers see the old or the new name
        with self._lock:
            self._close()
        if previous and previous != target:
            shutil.rmtree(previous, ignore_errors=True)
        logger.info("search index rebuilt: %d documents in %s", count, target.name)
        return count

    def update(self, translation_ids):
        """Index (or re-index) these translations, removing those that no longer exist."""
        ids = [str(pk) for pk in translation_ids]
        if not ids:
            return
        if self._live_dir() is None or len(ids) > BULK_UPDATE:
            # The database is the source of truth: a rebuild indexes these and everything else.
            self.rebuild()
            return
        live = self.open_index()
        writer = _writer(live)
        try:
            rows = Translation.objects.filter(pk__in=translation_ids)
            found = set()
            for document in _documents(rows):
                writer.update_document(**document)
                found.add(document[ID_FIELD])
            for missing in set(ids) - found:
                writer.delete_by_term(ID_FIELD, missing)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    # -- reading ------------------------------------------------------------------------
    def _live_dir(self):
        try:
            name = (self.root / CURRENT).read_text().strip()
        except OSError:
            return None
        folder = self.root / name
        return folder if name and folder.is_dir() else None

    def open_index(self):
        """The live index; rebuilt from the database when missing or unreadable."""
        with self._lock:
            folder = self._live_dir()
            if self._index is not None and folder == self._index_dir:
                return self._index
            self._close()
        if folder is None:
            logger.warning("search index missing under %s: rebuilding it from the database", self.root)
            self.rebuild()
        elif _schema_version(folder) != SCHEMA_VERSION:
            logger.warning("search index %s was built with schema %s, this code needs %s: rebuilding it "
                           "from the database", folder.name, _schema_version(folder), SCHEMA_VERSION)
            self.rebuild()
        else:
            try:
                opened = index.open_dir(str(folder))
                opened.doc_count()
            except Exception as error:  # a corrupt index raises many kinds of errors
                logger.error("search index %s unreadable (%s): rebuilding it from the database", folder, error)
                self.rebuild()
            else:
                with self._lock:
                    self._index, self._index_dir = opened, folder
                return opened
        folder = self._live_dir()
        if folder is None:
            raise IndexUnavailable(f"no index could be built under {self.root}")
        with self._lock:
            self._index, self._index_dir = index.open_dir(str(folder)), folder
            return self._index

    @contextmanager
    def searcher(self):
        """A searcher on the live index, one per thread (Whoosh searchers are not safe to share
        between threads), refreshed when another process has written to the index."""
        live = self.open_index()
        local = self._local
        current = getattr(local, "searcher", None)
        if current is None or getattr(local, "index", None) is not live:
            if current is not None:
                current.close()
            current = live.searcher()
        else:
            current = current.refresh()
        local.searcher, local.index = current, live
        yield current

    def summaries(self, searcher):
        """The searcher's ``Summaries``, read once per searcher: grouping hundreds of hits into
        articles then reads no stored fields (that was a sixth of each query's time), and
        scoring looks up field lengths in lists."""
        local = self._local
        if getattr(local, "summaries_for", None) is not searcher:
            local.summaries, local.summaries_for = Summaries(searcher.reader()), searcher
        return local.summaries

    def _close(self):
        """Forget the open index; every thread's searcher is replaced at its next search."""
        self._index = self._index_dir = None


def _schema_version(folder):
    try:
        return int((folder / SCHEMA_FILE).read_text())
    except (OSError, ValueError):
        return None


def _writer(live):
    """A writer, waiting at most ``WRITER_TIMEOUT`` for the lock: a save never hangs forever."""
    try:
        return live.writer(timeout=WRITER_TIMEOUT)
    except LockError:
        raise IndexUnavailable(f"the search index stayed locked for {WRITER_TIMEOUT:.0f} s") from None


def _documents(queryset):
    rows = queryset.select_related("article").prefetch_related("products").order_by("pk")
    for translation in rows.iterator(chunk_size=500):
        yield translation_document(translation, [p.name for p in translation.products.all()])
