"""Index files that readers in other processes can rely on.

Whoosh, on every commit, deletes the files of segments a merge replaced. A searcher in another
process that read the previous table of contents a moment before then fails to open them
(``FileNotFoundError``), and Whoosh's refresh closes the readers it meant to reuse on the way
out, so every later refresh in that thread fails too. ``SafeFileStorage`` therefore never
deletes during a commit: ``purge()`` (run by the indexer, every few seconds while it commits)
removes what no recent table of contents refers to, after ``SEGMENT_GRACE_SECONDS``: far longer
than a reader takes between reading a table of contents and opening the segments it names (a
reader already open holds its files open, and reads them whatever happens to their names), and
short enough that a minute of saves does not leave a file per commit in the folder.

It reads files with ``os.pread`` (``PreadFile``) and never maps them into memory: a mapped
segment truncated under a reader kills the whole process with SIGBUS, where a read gives short
data and an error the request turns into a fresh searcher or a "catching up" answer. No copy of
a segment is held in memory (pages are the operating system's, shared by every worker), and a
read is one system call served from the page cache. Only Whoosh's public storage and file
interfaces are used (``FileStorage``, ``StructFile``).
"""
import os
import re
import time

from array import array
import sys

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC

INDEX_NAME = "MAIN"
GRACE_SECONDS = 120.0  # a replaced index folder (``store``): searchers may read it until they next look
SEGMENT_GRACE_SECONDS = 3.0  # a replaced segment file or table of contents in the live folder
DEFERRED_SUFFIXES = (".seg", ".toc")
PEEK = 1024  # bytes read ahead for pickle; a posting block's header is a few hundred
TOC_RE = re.compile(rf"^_{INDEX_NAME}_([0-9]+)\.toc$")
SEGMENT_RE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")


class SafeFileStorage(FileStorage):
    def __init__(self, path, **kwargs):
        kwargs.setdefault("supports_mmap", False)
        super().__init__(str(path), **kwargs)

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        """A new file, written through ``PositionedWriter`` (Whoosh asks a file being written
        where it is for every term and posting list it writes)."""
        made = super().create_file(name, excl=excl, mode=mode, **kwargs)
        return StructFile(PositionedWriter(made.raw_file()), name=name, **kwargs)

    def open_file(self, name, **kwargs):
        """The file for reading, through ``PreadFile`` (Whoosh opens a segment's parts as its
        ``subset``s)."""
        path = os.path.join(self.folder, name)
        return PreadFile(os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)), name=name, **kwargs)

    def delete_file(self, name):
        """Segments (``.seg``) and tables of contents are left for ``purge()``; other files
        (a segment's parts, deleted once assembled into its ``.seg``) go at once."""
        if not name.endswith(DEFERRED_SUFFIXES):
            super().delete_file(name)

    def purge(self, grace=SEGMENT_GRACE_SECONDS, now=None):
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


class PositionedWriter:
    """A file being written (a buffered binary file) that counts what it writes: ``tell()``
    answers without a system call (a buffered file's ``tell()`` asks the operating system each
    time). Only writing, seeking and truncating go through it; it holds the position they leave."""

    def __init__(self, file):
        self._file = file
        self._pos = file.tell()

    def write(self, data):
        written = self._file.write(data)
        self._pos += written
        return written

    def tell(self):
        return self._pos

    def seek(self, position, whence=0):
        self._pos = self._file.seek(position, whence)
        return self._pos

    def truncate(self, size=None):
        return self._file.truncate(size)

    def flush(self):
        self._file.flush()

    def close(self):
        self._file.close()

    @property
    def closed(self):
        return self._file.closed

    def fileno(self):
        return self._file.fileno()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


READ_AHEAD = 4096  # bytes read at once for small sequential reads


class PreadFile(StructFile):
    """A read-only ``StructFile`` over ``length`` bytes of a file descriptor from ``offset``,
    read with ``os.pread``: no shared file position (readers in several threads may share the
    descriptor), no copy of the file in memory, and a file truncated underneath gives short
    reads (an error in Python) instead of SIGBUS. ``subset`` views share the descriptor; only
    the file that opened it closes it."""

    def __init__(self, fd, offset=0, length=None, name=None, onclose=None, owner=True):
        self._fd, self._offset, self._owner = fd, offset, owner
        self._length = os.fstat(fd).st_size - offset if length is None else length
        self._pos = 0
        self._buffer, self._buffer_at = b"", 0  # read-ahead: file bytes from _buffer_at
        self._file_name = name
        # The file object is this one, which has no fileno(): Whoosh reads it through read()
        # and get(), and never maps it.
        super().__init__(self, name=name, onclose=onclose)

    def read(self, size=-1):
        remaining = self._length - self._pos
        size = remaining if size is None or size < 0 else min(size, remaining)
        if size <= 0:
            return b""
        if size < READ_AHEAD:
            # Whoosh reads many tiny values in a row (a hash table's directory is 256 reads of
            # 8 bytes): they are served from one read-ahead chunk.
            start = self._pos - self._buffer_at
            if not (0 <= start and start + size <= len(self._buffer)):
                self._buffer = os.pread(self._fd, min(READ_AHEAD, remaining), self._offset + self._pos)
                self._buffer_at, start = self._pos, 0
            data = self._buffer[start:start + size]
        else:
            data = os.pread(self._fd, size, self._offset + self._pos)
        self._pos += len(data)
        return data

    def peek(self, size=0):
        """Bytes ahead without moving: pickle reads a posting block's small header from one
        peek and one read, not a system call per opcode."""
        size = min(max(size, 1), PEEK, self._length - self._pos)
        return os.pread(self._fd, size, self._offset + self._pos) if size > 0 else b""

    def readline(self, size=-1):
        data = self.read(size if size and size > 0 else 65536)
        line, newline, _ = data.partition(b"\n")
        self._pos -= len(data) - len(line) - len(newline)
        return line + newline

    def seek(self, position, whence=0):
        self._pos = position if whence == 0 else self._pos + position if whence == 1 else self._length + position
        return self._pos

    def tell(self):
        return self._pos

    def get(self, position, length):
        return os.pread(self._fd, max(0, min(length, self._length - position)), self._offset + position)

    def get_array(self, position, typecode, length):
        values = array(typecode)
        values.frombytes(self.get(position, length * values.itemsize))
        if sys.byteorder == "little":
            values.byteswap()
        return values

    def subset(self, offset, length, name=None):
        return PreadFile(self._fd, self._offset + offset, length, name=name or self._file_name, owner=False)

    def flush(self):
        pass

    def write(self, *args, **kwargs):
        raise OSError("index files are read-only here")

    def close(self):
        if self.is_closed:
            return
        self.is_closed = True
        if self.onclose:
            self.onclose(self)
        if self._owner:
            os.close(self._fd)
