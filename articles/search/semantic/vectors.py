"""The stored embeddings of one model, held by each process for search: ``current(identity)``.

A ``VectorSet`` is an int8 matrix (``n × dim``, 384 bytes a translation), each row's scale and
the translation ids, immutable once built; ``nearest(query_vector, k)`` → ``[(translation_id,
cosine)]`` best first, by brute force over the matrix in blocks (milliseconds at 100,000 rows).

``current(identity)`` looks at the table at most every ``REFRESH_SECONDS``: when the count or
the latest ``updated_at`` of that model's rows changed, it reads the rows written since its
last look (``SKEW_SECONDS`` earlier, for a server whose clock is behind) and merges them; a
count that still differs (rows deleted) reads them all again. A search thus sees a new
embedding within seconds, and a process reads each vector about once. A merged set names the set
it was merged from (``parent``, held weakly: None once nothing else holds it, so no chain of
sets stays in memory) and the translation ids it brought (``changed_ids``: the rows read, some
unchanged within the skew); a set read whole has neither (``centroids`` keeps its articles up
to date from them).
"""
import threading
import time
from datetime import timedelta
import weakref

import numpy as np
from django.db.models import Count, Max

from .models import TranslationEmbedding

REFRESH_SECONDS = 5.0
SKEW_SECONDS = 60
READ_ROWS = 2000  # rows read from the table at a time
# Rows converted to float32 at a time: 1.5 MB, which the allocator keeps and hands back at the
# next block. A block of 12 MB was a fresh mapping every time (its page faults cost 10 ms a
# query at 8,000 rows) and then stayed in each worker's heap.
BLOCK_ROWS = 1024


class VectorSet:
    def __init__(self, ids, matrix, scales, parent=None, changed_ids=None):
        self.ids = ids  # int64 (n,)
        self.matrix = matrix  # int8 (n, dim)
        self.scales = scales  # float32 (n,)
        self.changed_ids = changed_ids  # int64: the ids merged into ``parent``; None for a set read whole
        self._parent = weakref.ref(parent) if parent is not None else None
        self._row_of = None

    @property
    def parent(self):
        """The set this one was merged from, while something else still holds it; else None."""
        return self._parent() if self._parent is not None else None

    def __len__(self):
        return len(self.ids)

    def nearest(self, vector, k):
        """The ``k`` rows closest to ``vector`` (L2-normalised float32): ``[(id, cosine)]``."""
        n = len(self.ids)
        if n == 0 or k <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        scores = np.empty(n, dtype=np.float32)
        for start in range(0, n, BLOCK_ROWS):
            block = self.matrix[start:start + BLOCK_ROWS]
            scores[start:start + len(block)] = block.astype(np.float32) @ vector
        scores *= self.scales
        k = min(k, n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return list(zip(self.ids[top].tolist(), scores[top].tolist()))

    def merged(self, ids, matrix, scales):
        """A new set: these rows replacing the same ids' and added after the others; its
        ``parent`` is this set, its ``changed_ids`` are ``ids``."""
        if self._row_of is None:
            self._row_of = {tid: row for row, tid in enumerate(self.ids.tolist())}
        rows = np.array([self._row_of.get(tid, -1) for tid in ids.tolist()], dtype=np.int64)
        known, new = rows >= 0, rows < 0
        all_ids = np.concatenate([self.ids, ids[new]])
        all_matrix = np.concatenate([self.matrix, matrix[new]])
        all_scales = np.concatenate([self.scales, scales[new]])
        all_matrix[rows[known]] = matrix[known]
        all_scales[rows[known]] = scales[known]
        return VectorSet(all_ids, all_matrix, all_scales, parent=self, changed_ids=ids)


EMPTY = VectorSet(np.zeros(0, np.int64), np.zeros((0, 0), np.int8), np.zeros(0, np.float32))


def read_rows(queryset):
    """``(ids, matrix, scales)`` of the embedding rows of ``queryset``, read in chunks so that no
    more than one chunk's bytes objects exist at a time (they would stay in the heap after)."""
    ids, chunks, scales, chunk = [], [], [], []
    for tid, vector, scale in queryset.values_list("translation_id", "vector_bytes", "scale").iterator(READ_ROWS):
        ids.append(tid)
        chunk.append(bytes(vector))
        scales.append(scale)
        if len(chunk) == READ_ROWS:
            chunks.append(np.frombuffer(b"".join(chunk), dtype=np.int8))
            chunk = []
    if chunk:
        chunks.append(np.frombuffer(b"".join(chunk), dtype=np.int8))
    if not ids:
        return np.zeros(0, np.int64), None, np.zeros(0, np.float32)
    matrix = np.concatenate(chunks).reshape(len(ids), -1)
    return np.asarray(ids, dtype=np.int64), matrix, np.asarray(scales, dtype=np.float32)


class _Holder:
    def __init__(self):
        self.lock = threading.Lock()
        self.identity = None
        self.vectors = EMPTY
        self.signature = None  # (count, latest updated_at) of the rows held
        self.checked_at = 0.0

    def current(self, identity):
        if identity == self.identity and time.monotonic() - self.checked_at < REFRESH_SECONDS:
            return self.vectors
        with self.lock:
            if identity != self.identity or time.monotonic() - self.checked_at >= REFRESH_SECONDS:
                self._refresh(identity)
                self.checked_at = time.monotonic()
            return self.vectors

    def _refresh(self, identity):
        rows = TranslationEmbedding.objects.filter(model=identity)
        found = rows.aggregate(count=Count("pk"), latest=Max("updated_at"))
        signature = (found["count"], found["latest"])
        if identity == self.identity and signature == self.signature:
            return
        vectors = None
        if identity == self.identity and self.signature and self.signature[1] is not None and len(self.vectors):
            ids, matrix, scales = read_rows(rows.filter(updated_at__gte=self.signature[1] - timedelta(
                seconds=SKEW_SECONDS)))
            vectors = self.vectors.merged(ids, matrix, scales) if len(ids) else self.vectors
            if len(vectors) != signature[0]:
                vectors = None  # rows were deleted: read them all
        if vectors is None:
            ids, matrix, scales = read_rows(rows)
            vectors = VectorSet(ids, matrix, scales) if len(ids) else EMPTY
        self.identity, self.vectors, self.signature = identity, vectors, signature


_holder = _Holder()


def current(identity):
    """This process's ``VectorSet`` of the model ``identity`` (see the module docstring)."""
    return _holder.current(identity)


def forget():
    """Read everything again at next use (tests)."""
    global _holder
    _holder = _Holder()
