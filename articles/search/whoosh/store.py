"""The index folders of one server and the swap between them: the only module that creates,
replaces or deletes an index folder.

Layout under ``settings.KB_INDEX_DIR`` (one per server; the database is shared)::

    CURRENT            the name of the live index folder (replaced atomically)
    REBUILD.lock       held while a rebuild runs (one at a time per folder, across processes)
    index-<stamp>/     one complete Whoosh index each, with
        KB_SCHEMA      what it was built with: SCHEMA_VERSION and its kind, "-speedups" (the
                       speed-ups' codec) or "-stock" (Whoosh's own); ``index_kind()``
        KB_POSITION    the last index-journal id applied to it (``sync.journal``)
        SUPERSEDED     in a replaced folder: when it was replaced

(``sync.coordination`` keeps its marker files beside them.) ``IndexStore.build(position)``
writes a complete folder from the database, stamps it with ``position``, swaps ``CURRENT`` and
leaves the replaced folder for searchers still reading it; ``tidy()`` deletes it after
``GRACE_SECONDS``, with the folders of builds a killed process left. ``open_index()`` opens the
live index once per process, never one of another schema version or kind: that is rebuilt,
not read.
"""
from contextlib import contextmanager
import fcntl
import logging
import os
from pathlib import Path
import shutil
import threading
import time

from whoosh import index

from ...models import Translation
from .. import IndexBusy, IndexUnavailable
from ..sync import processes  # noqa: F401 — the build's processes die with their parent
from . import speedups
from .build import write_index
from .schema import SCHEMA_VERSION
from .storage import GRACE_SECONDS, INDEX_NAME, SafeFileStorage

logger = logging.getLogger(__name__)
CURRENT = "CURRENT"
REBUILD_LOCK = "REBUILD.lock"
SCHEMA_FILE = "KB_SCHEMA"  # inside each index folder: index_kind() when it was built
POSITION_FILE = "KB_POSITION"  # inside each index folder: the last journal id applied
SUPERSEDED = "SUPERSEDED"  # inside a replaced index folder: when it was replaced


def index_kind():
    """What an index folder must have been built with to be opened now: ``SCHEMA_VERSION`` and
    whether the speed-ups write it (their codec) or Whoosh does (its own)."""
    return f"{SCHEMA_VERSION}-{'speedups' if speedups.enabled() else 'stock'}"


class IndexStore:
    def __init__(self, root):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._index = None
        self._index_dir = None
        self._index_kind = None

    def live_dir(self):
        """The live index's folder, or None."""
        try:
            name = (self.root / CURRENT).read_text().strip()
        except OSError:
            return None
        folder = self.root / name
        return folder if name and folder.is_dir() else None

    def position(self):
        """The last journal id applied to the live index; None without one."""
        folder = self.live_dir()
        return None if folder is None else read_position(folder)

    def open_index(self):
        """The live index, opened once per process; ``IndexUnavailable`` when there is none
        or it is of another schema version or kind (never rebuilt here: that is the indexer's
        job)."""
        folder, kind = self.live_dir(), index_kind()
        with self._lock:
            if self._index is not None and folder == self._index_dir and kind == self._index_kind:
                return self._index
        opened = open_folder(folder, self.root)
        with self._lock:
            self._index, self._index_dir, self._index_kind = opened, folder, kind
        return opened

    def forget(self):
        """Forget the open index; every thread's searcher is replaced at its next search."""
        with self._lock:
            self._index = self._index_dir = self._index_kind = None

    def verify(self, deep=False):
        """Open the live index afresh, which reads every segment's directory (and with ``deep``
        every stored document); raises ``IndexUnavailable`` when that fails."""
        folder = self.live_dir()
        opened = open_folder(folder, self.root)
        try:
            with opened.reader() as reader:
                reader.doc_count()
                for _ in reader.iter_docs() if deep else ():
                    pass
        except Exception as error:  # noqa: BLE001 — a damaged index raises many kinds of error
            raise IndexUnavailable(f"index {folder.name} is unreadable ({type(error).__name__}: {error})") from None

    # -- building -----------------------------------------------------------------------
    def build(self, position):
        """Build a complete index beside the live one from every translation, stamped with
        ``position``, and swap it in; waits for a build another process is running. Returns the
        number of documents indexed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with file_lock(self.root / REBUILD_LOCK):
            self.remove_abandoned()
            return self._build_and_swap(position)

    def _build_and_swap(self, position):
        target = self.root / f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        target.mkdir()
        kind = index_kind()
        try:
            count = write_index(target, Translation.objects.all())
            (target / SCHEMA_FILE).write_text(kind)
            write_position(target, position)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        previous = self.live_dir()
        pointer = self.root / f"{CURRENT}.tmp-{os.getpid()}"
        pointer.write_text(target.name)
        os.replace(pointer, self.root / CURRENT)  # atomic: readers see the old or the new name
        if previous and previous != target:
            # Kept a while for searchers still reading it; remove_abandoned deletes it later.
            (previous / SUPERSEDED).write_text(str(time.time()))
        self.forget()
        logger.info("search index rebuilt: %d documents in %s, at journal position %d", count, target.name,
                    position)
        return count

    def remove_abandoned(self, grace=GRACE_SECONDS):
        """Delete index folders that are not live: builds a killed process left (no
        ``SUPERSEDED`` mark) and replaced indexes older than ``grace``. Called under the
        rebuild lock, so no build is in progress."""
        live = self.live_dir()
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
        folder = self.live_dir()
        if folder is not None and schema_version(folder) == index_kind():  # another kind's is rebuilt, not read
            SafeFileStorage(folder).purge()
        try:
            with file_lock(self.root / REBUILD_LOCK, blocking=False):
                self.remove_abandoned()
        except IndexBusy:
            pass


def open_folder(folder, root):
    """The Whoosh index in ``folder`` (the live one, or None); ``IndexUnavailable`` when there is
    none, it is of another schema version, or it cannot be opened."""
    if folder is None:
        raise IndexUnavailable(f"no search index under {root} yet")
    found, needed = schema_version(folder), index_kind()
    if found != needed:
        raise IndexUnavailable(f"the search index {folder.name} was built with schema {found}; this code needs "
                               f"{needed}")
    try:
        return index.FileIndex(SafeFileStorage(folder), indexname=INDEX_NAME)
    except Exception as error:  # noqa: BLE001 — a damaged index raises many kinds of error
        raise IndexUnavailable(f"the search index {folder.name} cannot be opened ({error})") from None


def schema_version(folder):
    try:
        return (folder / SCHEMA_FILE).read_text().strip()
    except OSError:
        return None


def read_position(folder):
    try:
        return int((folder / POSITION_FILE).read_text())
    except (OSError, ValueError):
        return 0  # an index without a position catches up from the start of the journal


def write_position(folder, position):
    temporary = folder / f"{POSITION_FILE}.tmp-{os.getpid()}-{threading.get_ident()}"
    temporary.write_text(str(position))
    os.replace(temporary, folder / POSITION_FILE)


@contextmanager
def file_lock(path, blocking=True):
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
