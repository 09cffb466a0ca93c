"""The per-server indexer behind ``manage.py run_indexer``: the one long-lived writer of this
server's index.

Each turn it makes sure there is a usable index (building one when it is missing, unreadable,
of another schema, or older than the journal keeps), applies the journal entries written since
its position, and every ``HOUSEKEEPING_SECONDS`` tidies old index files and folders, prunes
journal entries older than ``settings.KB_JOURNAL_RETENTION_DAYS`` and reports its position
(``IndexerStatus``, shown to staff by ``/api/stats``). Errors — the database gone away, a
damaged index — are logged and retried on the next turn; the loop never dies of them.
"""
from datetime import timedelta
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from . import get_backend, journal
from .backend import IndexBusy, IndexUnavailable
from .models import IndexerStatus

logger = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 30.0
ERROR_PAUSE_SECONDS = 2.0


def server_name(backend):
    """How this server is named in ``IndexerStatus``: host and index folder."""
    return f"{socket.gethostname()}:{os.path.abspath(backend.root)}"[:300]


class Indexer:
    def __init__(self, backend=None, poll=0.1):
        self.backend = backend or get_backend()
        self.poll = poll
        self._stopping = threading.Event()
        self._last_housekeeping = 0.0
        self._checked = False

    def stop(self):
        self._stopping.set()

    def run_forever(self):
        logger.info("indexer started for %s", self.backend.root)
        while not self._stopping.is_set():
            applied = 0
            try:
                self.backend.heartbeat()  # requests leave writing to this loop while it beats
                due = time.monotonic() - self._last_housekeeping >= HOUSEKEEPING_SECONDS
                applied = self.run_once(housekeeping=due)
            except (DatabaseError, IndexUnavailable, IndexBusy, OSError) as error:
                logger.error("indexer: %s: %s; retrying", type(error).__name__, error)
                close_old_connections()
                self._stopping.wait(ERROR_PAUSE_SECONDS)
                continue
            if not applied:
                self._stopping.wait(self.poll)
        self.backend.stop_heartbeat()
        logger.info("indexer stopped")

    def run_once(self, housekeeping=False):
        """One turn; returns how many journal entries it applied."""
        backend = self.backend
        if not self._checked or backend.rebuild_requested() or backend.position() is None:
            backend.ensure_usable()
            self._checked = True
        applied = backend.apply_pending()
        if housekeeping:
            self.housekeeping()
        return applied

    def housekeeping(self):
        self._last_housekeeping = time.monotonic()
        backend = self.backend
        backend.ensure_usable()
        backend.tidy()
        retention = timedelta(days=settings.KB_JOURNAL_RETENTION_DAYS)
        pruned = journal.prune(retention)
        if pruned:
            logger.info("indexer: pruned %d journal entries older than %s", pruned, retention)
        self.report()

    def report(self):
        backend = self.backend
        documents = 0
        try:
            with backend.searcher() as searcher:
                documents = searcher.doc_count()
        except (IndexUnavailable, Exception):  # noqa: BLE001 — the report must not stop the loop
            pass
        IndexerStatus.objects.update_or_create(server=server_name(backend), defaults={
            "position": backend.position() or 0, "documents": documents, "updated_at": timezone.now(),
        })
