"""The server's embedding process: web workers' queries are embedded by one process per server
(``semantic.served``), with the same vectors as in the worker, and a worker embeds by itself
whenever that process does not answer. The real model runs; Linux only (abstract sockets)."""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from articles.search.semantic import served
from articles.search.semantic.model import Embedder

pytestmark = pytest.mark.skipif(not served.supported(), reason="the embedding process needs Linux's abstract sockets")

TEXTS = ["le rapport planifié ne part plus", "ワークスペースのプロジェクトが保存できない", "x" * 5000]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.fixture
def process(tmp_path):
    """The embedding process of an index folder, supervised as the indexer does."""
    stopping = threading.Event()
    thread = served.start(stopping, tmp_path / "index")
    yield served.address(tmp_path / "index")
    stopping.set()
    thread.join(15)
    assert not thread.is_alive()


def peer_pid(where):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(where)
        pid, _, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        return pid


def ask_raw(where, payload):
    """Sends ``payload`` as it is and returns what comes back before the process closes or 2 s pass."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(where)
        sock.sendall(payload)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except socket.timeout:
            pass
        return received


def test_a_worker_gets_the_vectors_its_own_model_would_give_without_loading_the_model(process):
    worker = served.ServedEmbedder(process) if wait_for(lambda: served.ServedEmbedder(process).served()) else None
    assert worker is not None, "the embedding process never answered"
    own = Embedder()
    for kind in ("query", "passage"):
        assert np.array_equal(worker.embed(TEXTS, kind), own.embed(TEXTS, kind))
    assert worker._local is None  # the worker holds no model


def test_a_worker_embeds_by_itself_until_the_process_answers_and_then_asks_it(tmp_path):
    where = served.address(tmp_path / "index")
    worker = served.ServedEmbedder(where)
    assert worker._local is None  # nothing asked yet: no model
    alone = worker.embed(TEXTS[:1], "query")  # nothing answers: the worker loads the model
    assert worker._local is not None and not worker.served()
    stopping = threading.Event()
    thread = served.start(stopping, tmp_path / "index")
    try:
        assert wait_for(worker.served)
        asked = []
        real_local = worker.local
        worker.local = lambda: asked.append(1) or real_local()
        assert np.array_equal(worker.embed(TEXTS[:1], "query"), alone) and not asked
        assert worker._local is None  # the worker let its own model go
    finally:
        stopping.set()
        thread.join(15)
    assert np.array_equal(worker.embed(TEXTS[:1], "query"), alone)  # the process ended: the worker's own model


def test_a_process_that_ends_is_started_again_and_the_worker_reconnects(process):
    worker = served.ServedEmbedder(process)
    assert wait_for(worker.served)
    first = peer_pid(process)
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: worker.served() and peer_pid(process) != first)
    worker.local = lambda: pytest.fail("the worker loaded the model although the process was back")
    assert worker.embed(TEXTS[:1], "query").shape == (1, 384)


def test_a_process_of_another_model_version_is_not_asked(process, monkeypatch):
    assert wait_for(lambda: served.ServedEmbedder(process).served())
    worker = served.ServedEmbedder(process)
    monkeypatch.setattr(worker, "version", "another-version")
    assert not worker.served()
    assert np.array_equal(worker.embed(TEXTS[:1], "query"), Embedder().embed(TEXTS[:1], "query"))


def test_the_process_ends_with_the_indexer_even_one_killed(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, threading, time
        sys.path.insert(0, {os.getcwd()!r})
        from articles.search.semantic import served
        served.start(threading.Event(), {str(tmp_path / 'index')!r})
        time.sleep(120)
    """)], cwd=os.getcwd())
    where = served.address(tmp_path / "index")
    try:
        assert wait_for(lambda: _answers(where))
        child = peer_pid(where)
    finally:
        parent.kill()
        parent.wait()
    assert wait_for(lambda: not _answers(where), seconds=10)
    assert wait_for(lambda: not _alive(child), seconds=10)


def _answers(where):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(where)
        return True
    except OSError:
        return False


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("payload, answered", [
    (struct.pack(">I", 1 << 31), True),  # a length far over the limit
    (struct.pack(">I", 9) + b"not json!", True),
    (struct.pack(">I", 2) + b"[]", True),
    (b"\x00\x00", False),  # a header cut short, then silence: the process waits for the rest
])
def test_a_malformed_request_gets_an_error_and_the_process_goes_on(process, payload, answered):
    assert wait_for(lambda: _answers(process) and served.ServedEmbedder(process).served())
    answer = ask_raw(process, payload)
    assert bool(answer) == answered
    if answer:
        assert "error" in json.loads(answer[4:])
    for texts, kind in (([], "query"), (["a"] * 65, "query"), (["a"], "summary"), ([1], "query")):
        request = json.dumps({"kind": kind, "texts": texts}).encode()
        assert "error" in json.loads(ask_raw(process, struct.pack(">I", len(request)) + request)[4:])
    assert served.ServedEmbedder(process).embed(TEXTS[:1], "query").shape == (1, 384)


class FakeProcess:
    """A socket under an embedding process's name that answers ``reply`` (bytes) to every
    request, or nothing at all when ``reply`` is None."""

    def __init__(self, where, reply):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(where)
        self.listener.listen(8)
        self.reply, self.requests, self.held = reply, 0, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        try:
            while connection.recv(65536):
                self.requests += 1
                if self.reply is not None:
                    connection.sendall(struct.pack(">I", len(self.reply)) + self.reply)
        except OSError:
            pass

    def close(self):
        self.listener.close()
        for connection in self.held:
            connection.close()


@pytest.mark.parametrize("reply", [None, b"[1, 2]", b"{\"identity\": 5}", b"\xff\xfe"])
def test_a_process_that_stalls_or_answers_nonsense_costs_a_query_at_most_the_wait_then_nothing(
        tmp_path, monkeypatch, reply):
    monkeypatch.setattr(served, "ANSWER_SECONDS", 0.5)
    where = served.address(tmp_path / "index")
    fake = FakeProcess(where, reply)
    try:
        worker = served.ServedEmbedder(where)
        worker.local()  # loaded before the clock starts: the fake never gives a vector
        started = time.monotonic()
        vector = worker.embed(TEXTS[:1], "query")
        assert time.monotonic() - started < 0.5 + 2.0  # the wait, then the worker's own model
        assert np.array_equal(vector, Embedder().embed(TEXTS[:1], "query"))
        asked = fake.requests
        started = time.monotonic()
        worker.embed(TEXTS[1:2], "query")
        assert fake.requests == asked and time.monotonic() - started < 0.5  # not asked again for a while
    finally:
        fake.close()


def test_a_process_of_another_user_is_never_asked(process, monkeypatch):
    assert wait_for(lambda: served.ServedEmbedder(process).served())
    monkeypatch.setattr(os, "getuid", lambda: 4242)  # the process now runs as "another user"
    worker = served.ServedEmbedder(process)
    assert not worker.served()
    assert worker.embed(TEXTS[:1], "query").shape == (1, 384) and worker._local is not None  # embedded here


def test_a_web_worker_is_served_and_a_process_embedding_the_corpus_embeds_itself(tmp_path):
    script = textwrap.dedent("""
        import django, os, sys
        os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
        django.setup()
        from articles.search.semantic import model
        print(type(model.embedder()).__name__)
        model.forget()
        model.use_threads(2)
        print(type(model.embedder()).__name__)
    """)
    found = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), capture_output=True, text=True,
                           timeout=120, env={**os.environ, "KB_INDEX_DIR": str(tmp_path / "index")})
    assert found.stdout.split() == ["ServedEmbedder", "Embedder"], found.stderr[-2000:]


def test_the_process_runs_alone_in_its_own_unit_and_a_second_one_says_the_first_is_there(tmp_path):
    env = {**os.environ, "KB_INDEX_DIR": str(tmp_path / "index"), "DJANGO_SETTINGS_MODULE": "kb.settings"}
    where = served.address(tmp_path / "index")
    first = subprocess.Popen([sys.executable, "manage.py", "serve_query_embeddings"], cwd=os.getcwd(), env=env)
    try:
        assert wait_for(lambda: _answers(where) and served.ServedEmbedder(where).served())
        second = subprocess.run([sys.executable, "manage.py", "serve_query_embeddings"], cwd=os.getcwd(), env=env,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "embeds this server's queries already" in second.stderr
        assert served.ServedEmbedder(where).served()  # the first goes on
    finally:
        first.terminate()
        first.wait(10)
    assert wait_for(lambda: not _answers(where), seconds=5)
