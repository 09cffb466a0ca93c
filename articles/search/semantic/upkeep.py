"""Embedding in the background of a long-lived process: ``start_background(stopping)``.

Each server's indexer (``sync.indexer``) starts one such thread: it runs ``compute.catch_up``
a batch at a time, on every core at a lower CPU priority than the web workers and the
journal's loop (on Linux a thread has its own, and the model's threads inherit it), so a save
is applied to the index while embeddings are computed, and looks for due translations again
every ``POLL_SECONDS`` when none is left. Servers sharing a database share the work: each
thread embeds the batches no other has claimed (``compute``), and looks again after
``POLL_SECONDS`` at those another server is embedding (taking them over if its claim lapsed).
It never raises: without the model it logs why once and ends; a database error is logged and
retried.
Returns the thread, or None when ``KB_SEMANTIC`` is off.
"""
import logging
import os
import sys
import threading

from django.db import DatabaseError, close_old_connections, connection

from . import _setting
from .compute import BATCH, catch_up
from .model import SemanticUnavailable, use_threads

POLL_SECONDS = 5.0
ERROR_PAUSE_SECONDS = 10.0
NICENESS = 10

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
    try:
        while not stopping.is_set():
            try:
                report = catch_up(limit=BATCH, should_stop=stopping.is_set)
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
        connection.close()


def lower_priority(niceness=NICENESS):
    """This thread's CPU priority lowered by ``niceness`` (Linux: the thread alone; elsewhere
    nothing, since it would lower the whole process)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                           os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + niceness)
        except OSError:
            pass
