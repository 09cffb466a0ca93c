"""Embedding in the background of a long-lived process: ``start_background(stopping)``.

Each server's indexer (``sync.indexer``) starts one such thread: it runs ``compute.catch_up``
a batch at a time, the model on every core at the idle priority (``IdleModel``: only on cores
the web workers and the journal's loop leave), the rest at a lower priority than the loop (on
Linux a thread has its own), so a save is applied to the index while embeddings are computed;
it looks for due translations again every ``POLL_SECONDS`` when none is left.

Before each batch it looks at how busy other processes kept the machine since the last look
(``MachineLoad``). With less than ``BUSY_IDLE_SHARE`` of the CPU time left over, the web workers
need the cores, and a translation saved again since its embedding is left for later
(``compute``'s ``resaved_until``), for at most ``RESAVED_WAIT_SECONDS`` after that save: its
vector still stands for the text before the save, and lexical search finds the new text at once.
A translation with no embedding (new, or of another model) is embedded whatever the load.

Servers sharing a database share the work: each thread embeds the batches no other has claimed
(``compute``), and looks again after ``POLL_SECONDS`` at those another server is embedding
(taking them over if its claim lapsed).
It never raises: without the model it logs why once and ends; a database error is logged and
retried.
Returns the thread, or None when ``KB_SEMANTIC`` is off.
"""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
import logging
import os
import sys
import threading

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from . import _setting
from .compute import BATCH, catch_up
from .model import SemanticUnavailable, embedder, use_threads

POLL_SECONDS = 5.0
ERROR_PAUSE_SECONDS = 10.0
NICENESS = 10
# An editor saving a few articles a second costs a core of re-embedding on a 2-core machine
# (bench/load.py): while less than this share of the machine's CPU time is idle, re-embeds wait.
BUSY_IDLE_SHARE = 0.25
RESAVED_WAIT_SECONDS = 300.0

logger = logging.getLogger(__name__)


def start_background(stopping):
    """``stopping``: a ``threading.Event`` the owner sets to end the thread."""
    if not _setting():
        return None
    thread = threading.Thread(target=_run, args=(stopping,), name="kb-embeddings", daemon=True)
    thread.start()
    return thread


def _run(stopping):
    lower_priority()
    use_threads(os.cpu_count() or 1)  # this process answers no query: every core, at a lower priority
    load, model = MachineLoad(), None
    try:
        while not stopping.is_set():
            try:
                model = model or IdleModel()
                report = catch_up(limit=BATCH, should_stop=stopping.is_set, resaved_until=load.resaved_until(),
                                  model=model)
            except SemanticUnavailable as error:
                logger.warning("embeddings: semantic search is off: %s", error)
                return
            except DatabaseError as error:
                logger.error("embeddings: %s: %s; retrying", type(error).__name__, error)
                close_old_connections()
                stopping.wait(ERROR_PAUSE_SECONDS)
                continue
            if report.embedded:
                logger.debug("embeddings: %d embedded, %d unchanged", report.embedded, report.unchanged)
            if not report.remaining:
                stopping.wait(POLL_SECONDS)
    finally:
        if model is not None:
            model.close()
        connection.close()


class IdleModel:
    """The process's ``Embedder``, loaded and run on a thread of its own at the idle priority
    (``idle_priority``), whose threads embedding one text each (``model.use_threads``) run at it
    too; the rest of the work (database, claims)
    stays on the calling thread at ``NICENESS``. That thread holds Python's lock only between model
    calls (ctypes releases it during one), so the journal's loop on the main thread never waits
    long for a thread that runs only on idle cores."""

    def __init__(self):
        self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-model", initializer=idle_priority)
        try:
            self._model = self._runner.submit(embedder).result()
        except BaseException:  # SemanticUnavailable: the thread is not kept
            self._runner.shutdown(wait=False)
            raise

    def __getattr__(self, name):  # name, version, identity, dim
        return getattr(self._model, name)

    def embed(self, texts, kind):
        return self._runner.submit(self._model.embed, texts, kind).result()

    def close(self):
        self._runner.shutdown(wait=True)


class MachineLoad:
    """How busy the machine's cores were since the last look, by others than this process.

    ``idle_share()`` → the share of the machine's CPU time (Linux's ``/proc/stat``) that was
    idle or spent by this process (the embedding it would yield) since the previous call, or None
    on the first call and where it cannot be read."""

    def __init__(self):
        self._last = None

    def idle_share(self):
        now = _cpu_times()
        last, self._last = self._last, now
        if now is None or last is None:
            return None
        total = now[0] - last[0]
        return min(1.0, (now[1] - last[1] + now[2] - last[2]) / total) if total > 0 else None

    def resaved_until(self):
        """None when the cores were not busy (every re-embed is due), else the time before
        which a translation must have been saved for its re-embed to be due now."""
        share = self.idle_share()
        if share is None or share >= BUSY_IDLE_SHARE:
            return None
        return timezone.now() - timedelta(seconds=RESAVED_WAIT_SECONDS)


def _cpu_times():
    """(the machine's CPU time, its idle time, this process's CPU time), in the same unit, or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
        ticks = [int(value) for value in fields[1:9]]  # user nice system idle iowait irq softirq steal
        per_second = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    if fields[0] != "cpu" or len(ticks) < 8:
        return None
    mine = os.times()
    return sum(ticks), ticks[3] + ticks[4], (mine.user + mine.system) * per_second


def idle_priority():
    """This thread run only on cores nothing else wants (Linux's ``SCHED_IDLE``: a web worker
    waking up takes the core at once, where a nice thread would keep a share of it); elsewhere it
    keeps the priority it was started with (the embedding thread's, already lowered). The
    model's threads, started by this one, inherit it."""
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(threading.get_native_id(), os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass


def lower_priority(niceness=NICENESS):
    """This thread's CPU priority lowered by ``niceness`` (Linux: the thread alone; elsewhere
    nothing, since it would lower the whole process)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                           os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + niceness)
        except OSError:
            pass
