"""Index files that readers in other processes can rely on.

Whoosh, on every commit, deletes the files of segments a merge replaced. A searcher in another
process that read the previous table of contents a moment before then fails to open them
(``FileNotFoundError``), and Whoosh's refresh closes the readers it meant to reuse on the way
out, so every later refresh in that thread fails too. ``SafeFileStorage`` therefore never
deletes during a commit: ``purge()`` (run by the indexer) removes what no recent table of
contents refers to, after a grace period far longer than opening a reader takes.

It also reads files instead of mapping them into memory. A mapped segment that is truncated
under a reader kills the whole process with SIGBUS; read, it raises an error the request turns
into a fresh searcher or a "catching up" answer. Whoosh's mapped path also copied each part of
a segment into memory (``BytesIO`` over the map), so reading saves memory as well.
"""
import os
import re
import time

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

INDEX_NAME = "MAIN"
GRACE_SECONDS = 120.0
DEFERRED_SUFFIXES = (".seg", ".toc")
TOC_RE = re.compile(rf"^_{INDEX_NAME}_([0-9]+)\.toc$")
SEGMENT_RE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")


class SafeFileStorage(FileStorage):
    def __init__(self, path, **kwargs):
        kwargs.setdefault("supports_mmap", False)
        super().__init__(str(path), **kwargs)

    def delete_file(self, name):
        """Segments (``.seg``) and tables of contents are left for ``purge()``; other files
        (a segment's parts, deleted once assembled into its ``.seg``) go at once."""
        if not name.endswith(DEFERRED_SUFFIXES):
            super().delete_file(name)

    def purge(self, grace=GRACE_SECONDS, now=None):
        """Delete superseded tables of contents older than ``grace`` seconds (counted from the
        commit that superseded them) and segment files none of the kept ones refers to and
        that are older than ``grace`` (a writer may be writing newer ones). Returns the names."""
        now = time.time() if now is None else now
        folder = self.folder
        tocs = sorted((int(m.group(1)), name) for name in os.listdir(folder) if (m := TOC_RE.match(name)))
        if not tocs:
            return []
        kept, dropped = [], []
        for position, (generation, name) in enumerate(tocs):
            following = tocs[position + 1][1] if position + 1 < len(tocs) else None
            if following is None or now - _mtime(folder, following) < grace:
                kept.append(generation)
            else:
                dropped.append(name)
        referenced = set()
        for generation in kept:
            try:
                toc = TOC.read(self, INDEX_NAME, gen=generation)
            except Exception:  # noqa: BLE001 — an unreadable TOC keeps every segment
                return []
            referenced.update(segment.segment_id() for segment in toc.segments)
        for name in os.listdir(folder):
            match = SEGMENT_RE.match(name)
            if match and match.group(1) not in referenced and now - _mtime(folder, name) >= grace:
                dropped.append(name)
        removed = []
        for name in dropped:
            try:
                os.remove(os.path.join(folder, name))
                removed.append(name)
            except FileNotFoundError:
                continue
        return removed


def _mtime(folder, name):
    try:
        return os.path.getmtime(os.path.join(folder, name))
    except OSError:
        return 0.0
