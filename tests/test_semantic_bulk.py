"""A process that embeds the corpus (``model.use_threads(n)``: the indexer, embed_translations)
embeds n texts at once, one a thread, at the priority of the thread that loaded the model, and
gets the vectors a single call would give. The real model runs."""
import os
import threading
import time

import numpy as np
import pytest

from articles.search.semantic import model as semantic_model

TEXTS = ["Le rapport planifié ne part plus depuis la mise à jour",
         "ワークスペースのプロジェクトが保存できない",
         "Image upload fails with UPL-400321 above 20 MB",
         "Der Export bricht nach sechzig Sekunden ab",
         "La exportación del informe se corta al minuto",
         "Password reset email never arrives",
         "仪表板图表在更改时区后为空"]


@pytest.fixture
def bulk(monkeypatch):
    monkeypatch.setattr(semantic_model, "PARALLEL", 2)
    return semantic_model.Embedder()


def test_texts_embedded_on_threads_are_the_vectors_of_one_call_in_the_same_order(bulk, monkeypatch):
    monkeypatch.setattr(semantic_model, "PARALLEL", 1)
    plain = semantic_model.Embedder()
    assert plain._parallel == 1
    for kind in ("passage", "query"):
        assert np.array_equal(bulk.embed(TEXTS, kind), plain.embed(TEXTS, kind))
    assert bulk.embed(TEXTS[:1], "passage").shape == (1, 384)


def test_two_texts_are_embedded_at_once(bulk):
    running, most = [0], [0]
    lock = threading.Lock()
    real = bulk._model.encode

    def counted(texts, is_query=False):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        try:
            return real(texts, is_query=is_query)
        finally:
            with lock:
                running[0] -= 1

    bulk._model.encode = counted
    bulk.embed(TEXTS, "passage")
    assert most[0] == 2


@pytest.mark.skipif(not hasattr(os, "sched_getscheduler"), reason="per-thread priorities are Linux's")
def test_the_threads_run_at_the_priority_of_the_thread_that_loaded_the_model(monkeypatch):
    """The indexer loads the model on a thread at the idle priority: the texts must not be
    embedded at a web worker's priority by threads the journal's loop happened to start."""
    monkeypatch.setattr(semantic_model, "PARALLEL", 2)
    loaded = []

    def load():
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + 7)
        loaded.append((semantic_model.Embedder(), os.getpriority(os.PRIO_PROCESS, me)))

    thread = threading.Thread(target=load)
    thread.start()
    thread.join()
    embedder, niceness = loaded[0]
    seen = []
    real = embedder._model.encode
    embedder._model.encode = lambda texts, is_query=False: seen.append(
        os.getpriority(os.PRIO_PROCESS, threading.get_native_id())) or real(texts, is_query=is_query)
    embedder.embed(TEXTS, "passage")  # from this thread, at its own priority
    assert len(seen) == len(TEXTS) and set(seen) == {niceness}
