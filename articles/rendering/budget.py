"""Work on a body someone sent, under a time budget (``KB_RENDER_TIMEOUT`` seconds, as for an
imported file): ``within_budget(function, *args)`` returns ``function(*args)`` or raises
``OverBudget``.

Small bodies (up to ``INLINE_BYTES``; the slowest such body renders in about 0.1 s) run in
the calling thread. Larger ones run in this process's pool of worker processes (pebble,
started at the first one, forked as the importer's are): a worker can be stopped mid-regex,
which no in-process timer can do, and one that ran over is killed and replaced, so neither a
request nor the lock it holds waits longer than the budget. ``function`` and its arguments
must be picklable (a module-level function of plain values).
"""
import atexit
from concurrent.futures import TimeoutError as FutureTimeout
import os
import threading

from pebble import ProcessExpired, ProcessPool

INLINE_BYTES = 4096
WORKERS = 2


class OverBudget(Exception):
    """The work took longer than the budget, or its process died (a crash or a memory limit)."""


class _Pool:
    def __init__(self):
        self.lock = threading.Lock()
        self.pool = None
        self.pid = None

    def get(self):
        with self.lock:
            if self.pool is None or self.pid != os.getpid():  # a pool is not inherited by a fork
                from ..importing.workers import worker_start

                self.pool = ProcessPool(max_workers=WORKERS, **worker_start())
                self.pid = os.getpid()
            return self.pool

    def stop(self):
        with self.lock:
            if self.pool is not None and self.pid == os.getpid():
                self.pool.stop()
                self.pool.join()
            self.pool = None


_pool = _Pool()
atexit.register(_pool.stop)


def timeout():
    from ..importing.workers import render_timeout

    return render_timeout()


def within_budget(function, *args, size):
    """``size``: the length in bytes of the body the work is about, which picks where it runs."""
    if size <= INLINE_BYTES:
        return function(*args)
    seconds = timeout()
    future = _pool.get().schedule(function, args=args, timeout=seconds)
    try:
        return future.result()
    except FutureTimeout:
        raise OverBudget(seconds) from None
    except ProcessExpired:
        raise OverBudget(seconds) from None
