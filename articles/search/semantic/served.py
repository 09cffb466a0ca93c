"""One embedding process per server for the queries of every web worker.

A web worker that loaded the model itself would hold it (its weights, the pages of its
vocabulary that queries touched, the engine's buffers: about 70 MB of resident memory) once per
worker. Instead each server's indexer (``sync.indexer``) runs one child process that holds the
model and answers the workers over a Unix socket: ``start(stopping)`` starts it and starts it
again if it ends, until ``stopping`` is set.

- ``address(index_dir)``: the socket's name, in Linux's abstract namespace (no file to leave
  behind or to clean up; it disappears with the process), one per index folder, so two servers
  on one host never answer each other's workers.
- ``ServedEmbedder``: what ``model.embedder()`` gives a process that answers queries (one that did
  not call ``model.use_threads``). It has the ``Embedder`` interface (``name``, ``version``,
  ``identity``, ``embed(texts, kind)``) and asks the server's embedding process; when that
  process does not answer (not started yet, restarting, another model version, a peer of
  another user), it embeds in this process with a model it loads then, as a worker always did.
  The answer is the same either way: the same model embeds the same text.
- The protocol, on one connection per worker kept open: a request is a 4-byte big-endian
  length and that many bytes of JSON ``{"kind": "query" | "passage", "texts": [str]}``; the answer
  is a 4-byte length and JSON ``{"identity": str, "rows": n, "dim": d}`` followed by ``n * d``
  little-endian float32, or ``{"error": str}``. Each side checks that the other runs as the same
  user (``SO_PEERCRED``): an abstract socket has no file permissions.

``manage.py serve_query_embeddings`` runs the process alone, in the foreground, for a service
manager that gives it a unit of its own (then ``run_indexer --no-query-embeddings``).

The process itself (``python -m articles.search.semantic.served ADDRESS PARENT_PID``; 0: no parent) needs no
Django: it loads ``model.Embedder`` with one OpenMP thread (a query never waits for a second
core a worker holds), answers each connection on a thread of its own (the engine runs without
Python's lock, so two workers' queries run on two cores), and ends when its parent ends.
"""
import hashlib
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import numpy as np

from .model import KINDS, MAX_TEXT_CHARS, Embedder, SemanticUnavailable, _clean, package_version

MAX_TEXTS = 64
MAX_MESSAGE_BYTES = MAX_TEXTS * MAX_TEXT_CHARS * 4 + 4096  # UTF-8 is at most 4 bytes a character
# A worker waits this long for an answer, and SECONDS_PER_1000_CHARS more for each thousand
# characters it sent (4,000 characters take 1.5 to 4 s on one core of these machines: waiting
# less for a long draft would only embed it twice), then embeds by itself, and asks again after
# RETRY_SECONDS.
ANSWER_SECONDS = 5.0
SECONDS_PER_1000_CHARS = 2.0
RETRY_SECONDS = 10.0
RESTART_SECONDS = (1.0, 60.0)  # the pause before starting the process again, doubling up to the second
EXIT_UNAVAILABLE = 3  # the process's exit status when the model cannot run: it is not started again
EXIT_TAKEN = 4  # ... when another process holds the socket's name: tried again after the longest pause
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
_HEADER = struct.Struct(">I")
_PEERCRED = struct.Struct("3i")  # pid, uid, gid

logger = logging.getLogger(__name__)


def supported():
    """Abstract Unix sockets and ``SO_PEERCRED`` are Linux's."""
    return sys.platform.startswith("linux") and hasattr(socket, "AF_UNIX") and hasattr(socket, "SO_PEERCRED")


def address(index_dir):
    digest = hashlib.sha256(os.path.realpath(str(index_dir)).encode("utf-8", "surrogateescape")).hexdigest()
    return "\0kb-query-embeddings-" + digest[:32]


def _same_user(sock):
    pid, uid, gid = _PEERCRED.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size))
    return uid == os.getuid()


def _send(sock, payload):
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _receive(sock, limit):
    """One message, or None when the peer closed the connection before it began."""
    head = _exactly(sock, _HEADER.size, eof_ok=True)
    if head is None:
        return None
    (length,) = _HEADER.unpack(head)
    if length > limit:
        raise ValueError(f"a message of {length} bytes (at most {limit})")
    return _exactly(sock, length)


def _exactly(sock, size, eof_ok=False):
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            if eof_ok and not got:
                return None
            raise ConnectionError("the connection closed in the middle of a message")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class _Unanswered(Exception):
    """The embedding process did not answer; the message says how."""


class ServedEmbedder:
    """See the module docstring. Raises ``SemanticUnavailable`` when the package cannot be
    imported. Making one costs neither a model nor a question to the process: a worker that
    searches before anything is embedded (a fresh site whose indexer has not started) never
    loads the model."""

    name = Embedder.name

    def __init__(self, where):
        self.version = package_version()
        self.address = where
        self._connection, self._pid = None, os.getpid()
        self._lock = threading.Lock()  # one request at a time on the connection
        self._local = None
        self._local_lock = threading.Lock()
        self._dim = None  # as the embedding process last answered
        self._quiet_until = 0.0  # time.monotonic() until which the process is not asked
        self._warned = False
        self._failure = None  # the SemanticUnavailable this process's own model raised

    @property
    def identity(self):
        return f"{self.name}@{self.version}"

    @property
    def dim(self):
        if self._dim is None and not self.served():  # an answer sets it
            return self.local().dim
        return self._dim

    def embed(self, texts, kind):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = list(texts)
        if len(texts) <= MAX_TEXTS:
            found = self._ask(texts, kind)
            if found is not None:
                if self._local is not None:
                    with self._local_lock:
                        self._local = None  # the process answers again: its memory goes back (a call using it keeps it)
                return found
        return self.local().embed(texts, kind)

    def served(self):
        """Whether the server's embedding process answers now."""
        return self._ask(["kb"], KINDS[0], patient=True) is not None

    def local(self):
        """The model in this process, loaded only when a text must be embedded and the embedding
        process does not answer, and let go when it answers again. Raises ``SemanticUnavailable``
        when it cannot load (once tried, without trying again: the weights or the engine do not
        change under a running process)."""
        with self._local_lock:
            if self._failure is not None:
                raise self._failure
            if self._local is None:
                try:
                    self._local = Embedder()
                except SemanticUnavailable as error:
                    self._failure = error
                    raise
            return self._local

    def unavailable(self):
        """The ``SemanticUnavailable`` of this process's own model while the embedding process is
        not asked (``RETRY_SECONDS`` after it did not answer), else None: ``model.embedder()``
        raises it meanwhile, so search is lexical-only without trying, and says why once a while."""
        if self._failure is not None and time.monotonic() < self._quiet_until:
            return self._failure
        return None

    def _ask(self, texts, kind, patient=False):
        """The process's vectors of ``texts``, or None: it did not answer in time (``ANSWER_SECONDS``,
        more for long texts; then it is not asked again for ``RETRY_SECONDS``, unless
        ``patient``), or it could not embed them."""
        if not patient and time.monotonic() < self._quiet_until:
            return None
        texts = [_clean(text) for text in texts]
        request = json.dumps({"kind": kind, "texts": texts}, ensure_ascii=False).encode()
        if self._pid != os.getpid():  # a forked child shares neither its parent's connection nor its lock
            self._connection, self._lock, self._pid = None, threading.Lock(), os.getpid()
        allowed = ANSWER_SECONDS + SECONDS_PER_1000_CHARS * sum(map(len, texts)) / 1000
        deadline = time.monotonic() + allowed
        if not self._lock.acquire(timeout=ANSWER_SECONDS):
            return None  # another thread of this process is waiting for the process: embed here
        try:
            return self._exchange(request, len(texts), deadline, allowed)
        except _Unanswered as error:
            self._close()
            self._quiet_until = time.monotonic() + RETRY_SECONDS
            if not self._warned:
                self._warned = True
                logger.warning("query embeddings: the server's embedding process %s; this worker embeds by "
                               "itself for now", error)
            return None
        finally:
            self._lock.release()

    def _exchange(self, request, rows_wanted, deadline, allowed):
        for attempt in (1, 2):  # a connection kept open may have been closed by a restart: once more
            kept = self._connection is not None
            try:
                if not kept:
                    self._connection = self._connect(deadline)
                self._connection.settimeout(max(0.001, deadline - time.monotonic()))
                _send(self._connection, request)
                answer = _receive(self._connection, MAX_MESSAGE_BYTES)
            except socket.timeout as error:
                raise _Unanswered(f"did not answer within {allowed:.0f} s") from error
            except OSError as error:
                self._close()
                if kept and attempt == 1:
                    continue
                raise _Unanswered(f"does not answer ({error})") from error
            if answer is None:
                self._close()
                if kept and attempt == 1:
                    continue
                raise _Unanswered("closed the connection")
            try:
                header = json.loads(answer)
                if not isinstance(header, dict):
                    raise ValueError("an answer that is not an object")
                if header.get("error"):
                    return None  # it could not embed these texts: this worker tries
                if header.get("identity") != self.identity:
                    raise _Unanswered(f"runs {header.get('identity')!r}, not {self.identity!r}")
                rows, dim = int(header["rows"]), int(header["dim"])
                if rows != rows_wanted or not 0 < dim <= 4096:
                    raise ValueError("an answer of the wrong shape")
                data = _exactly(self._connection, rows * dim * 4)
            except _Unanswered:
                raise
            except socket.timeout as error:
                raise _Unanswered(f"did not answer within {allowed:.0f} s") from error
            except Exception as error:  # noqa: BLE001 — whatever it sent, this worker embeds by itself
                raise _Unanswered(f"answered what cannot be read ({type(error).__name__}: {error})") from error
            self._dim, self._warned, self._quiet_until = dim, False, 0.0
            return np.frombuffer(data, dtype="<f4").astype(np.float32).reshape(rows, dim)
        return None

    def _connect(self, deadline):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            sock.connect(self.address)
            if not _same_user(sock):
                raise PermissionError("the embedding process's socket belongs to another user")
        except OSError:
            sock.close()
            raise
        return sock

    def _close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except OSError:
                pass
            self._connection = None


# --- the embedding process ------------------------------------------------------------------

def start(stopping, index_dir):
    """Runs the server's embedding process, starting it again when it ends, until ``stopping``
    is set; then ends it. Returns the supervising thread, or None where abstract sockets are not
    available (workers then embed themselves)."""
    if not supported():
        return None
    thread = threading.Thread(target=_supervise, args=(stopping, address(index_dir)), name="kb-query-embedder",
                              daemon=True)
    thread.start()
    return thread


def _supervise(stopping, where):
    pause = RESTART_SECONDS[0]
    while not stopping.is_set():
        started = time.monotonic()
        try:
            process = subprocess.Popen([sys.executable, "-m", __name__, where.lstrip("\0"), str(os.getpid())],
                                       cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)
        except OSError as error:  # no process left to this user, say: workers embed by themselves meanwhile
            logger.warning("query embeddings: cannot start the embedding process (%s)", error)
            stopping.wait(RESTART_SECONDS[1])
            continue
        while process.poll() is None and not stopping.wait(0.5):
            pass
        if process.poll() is None:  # stopping
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            return
        if process.returncode == EXIT_UNAVAILABLE:
            return  # it said why; workers embed themselves or search lexical-only
        if process.returncode == EXIT_TAKEN:
            pause = RESTART_SECONDS[1]
        elif time.monotonic() - started > RESTART_SECONDS[1]:
            pause = RESTART_SECONDS[0]
        logger.warning("query embeddings: the embedding process ended (status %s); starting it again in %.0f s",
                       process.returncode, pause)
        stopping.wait(pause)
        pause = min(pause * 2, RESTART_SECONDS[1])


def _answer(connection, model):
    with connection:
        if not _same_user(connection):
            return
        while True:
            try:
                request = _receive(connection, MAX_MESSAGE_BYTES)
                if request is None:
                    return
                asked = json.loads(request)
                kind, texts = asked["kind"], asked["texts"]
                if kind not in KINDS or not isinstance(texts, list) or not 0 < len(texts) <= MAX_TEXTS or not all(
                        isinstance(text, str) for text in texts):
                    raise ValueError("a request needs a kind and 1 to 64 texts")
            except (ValueError, KeyError, TypeError) as error:
                _send_quietly(connection, json.dumps({"error": str(error)}).encode())
                return
            except OSError:
                return
            try:
                vectors = np.ascontiguousarray(model.embed(texts, kind), dtype="<f4")
            except Exception as error:  # the engine failed on this text: the worker embeds it itself
                if not _send_quietly(connection, json.dumps({"error": f"{type(error).__name__}: {error}"}).encode()):
                    return
                continue
            header = json.dumps({"identity": model.identity, "rows": vectors.shape[0], "dim": vectors.shape[1]})
            if not _send_quietly(connection, header.encode(), vectors.tobytes()):
                return


def _send_quietly(connection, payload, data=b""):
    """False when the worker is gone (it closed the connection, or died)."""
    try:
        _send(connection, payload)
        if data:
            connection.sendall(data)
        return True
    except OSError:
        return False


def main(argv):
    where, parent = "\0" + argv[0], int(argv[1])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ["OMP_NUM_THREADS"] = "1"  # a query never waits for a second core; two queries use two
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(where)  # before the model is loaded: a process that cannot answer holds nothing
    except OSError as error:
        logger.warning("query embeddings: %s is taken (%s): another indexer runs for this index folder, or "
                       "another user took the name", where.lstrip("\0"), error)
        return EXIT_TAKEN
    try:
        model = Embedder()
    except SemanticUnavailable as error:
        logger.warning("query embeddings: %s", error)
        return EXIT_UNAVAILABLE
    listener.listen(64)
    listener.settimeout(1.0)
    while not parent or os.getppid() == parent:  # ends with the indexer, even one killed
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            continue
        connection.settimeout(None)
        threading.Thread(target=_answer, args=(connection, model), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
