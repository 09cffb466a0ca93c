"""Index files read in place from their memory map, not copied into every process.

Whoosh 2.7.4 (pinned) opens each part of a segment (postings, terms, columns, stored fields)
as a ``BufferFile`` over a memoryview of the segment's memory map, and ``BufferFile`` wraps
that view in ``BytesIO(view)``, which copies it: every web worker held a private copy of the
whole index, 65 MB at 8,328 translations and about twelve times that at 99,000. ``install()``
(run when ``articles.search`` is imported) gives ``BufferFile`` a reader over the view itself:
a read copies only the bytes it returns, and the mapped pages are the operating system's,
shared by every worker. Whoosh reads most things through ``BufferFile.get`` (slices of the
view, unchanged); sequential reads (headers, a block's pickled info) go through ``ViewFile``.
"""
from whoosh.filedb.structfile import BufferFile


PEEK = 1024  # bytes; a posting block's pickled header is a few hundred


class ViewFile:
    """A read-only file object over a buffer (``read``, ``peek``, ``readline``, ``seek``, ``tell``)."""

    __slots__ = ("_view", "_position")

    def __init__(self, buffer):
        self._view = memoryview(buffer)
        self._position = 0

    def read(self, size=-1):
        start, end = self._position, len(self._view)
        if size is not None and size >= 0:
            end = min(end, start + size)
        self._position = max(start, end)
        return self._view[start:end].tobytes()

    def peek(self, size=0):
        """Up to ``PEEK`` bytes ahead, without moving: pickle.load then reads a small pickle (a
        posting block's header) from one peek and one read, not a read per opcode."""
        return self._view[self._position:self._position + min(max(size, 1), PEEK)].tobytes()

    def readinto(self, target):
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, size=-1):
        view, end = self._view, self._position
        limit = len(view) if size is None or size < 0 else min(len(view), end + size)
        while end < limit:  # a chunk at a time: the rest of the view may be megabytes
            chunk = view[end:min(limit, end + 256)].tobytes()
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        return self.read(end - self._position)

    def seek(self, offset, whence=0):
        base = (0, self._position, len(self._view))[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self):
        return self._position

    def close(self):
        self._view.release()

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install():
    """Makes Whoosh's ``BufferFile`` read its buffer in place (idempotent)."""
    BufferFile.__init__ = _buffer_file_init
