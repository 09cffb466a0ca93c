"""The per-server indexer behind ``manage.py run_indexer``: the one long-lived writer of this
server's index.

Each turn it makes sure there is a usable index (building one when it is missing, unreadable,
of another schema, or older than the journal keeps), applies the journal entries written since
its position (a burst of saves in few commits: ``COALESCE_SECONDS``, deleting the files they
replaced as it goes), and every ``HOUSEKEEPING_SECONDS`` tidies old index files and folders, prunes
journal entries older than ``settings.KB_JOURNAL_RETENTION_DAYS`` and reports its position
(``IndexerStatus``, shown to staff by ``/api/stats``). When the index is worn
(``backend.worn()``, by ``merging.worn``: many deleted copies or segments) it starts a fresh
build beside it in a child process of lower priority (``rebuild_index --no-catch-up``, at most
every ``RENEW_INTERVAL_SECONDS``, and only in a quiet moment: no journal entry for
``settings.KB_INDEX_RENEW_QUIET_SECONDS`` and a load average under
``settings.KB_INDEX_RENEW_MAX_LOAD`` per core, unless ``backend.overdue()``) and goes on
applying the journal to the live index meanwhile; once the new index is swapped in, the next
turn applies to it what was written during the build. Beside the loop, a thread of lower
priority embeds the translations semantic search has no current embedding of
(``semantic.upkeep``), so a save is applied to the index while embeddings are computed. Errors —
the database gone away, a damaged index — are logged and retried on the next turn; the loop
never dies of them.
"""
from datetime import timedelta
import logging
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from .. import IndexBusy, IndexUnavailable, get_backend
from ..semantic import _setting as _semantic_setting
from ..semantic.served import start as start_query_embeddings
from ..semantic.upkeep import start_background
from . import applier, coordination, journal
from .models import IndexerStatus

logger = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 30.0
ERROR_PAUSE_SECONDS = 2.0
SLOW_SECONDS = 1.0  # a step of the loop taking longer is logged
# After a commit the next waits this long: a burst of saves is applied in a few commits of
# several translations (each commit costs tens of ms whatever it holds: a new segment, every
# segment's tables opened, each web worker's searcher refreshed, and a segment file kept for
# ``storage.SEGMENT_GRACE_SECONDS``), while a lone save after a quiet moment is applied within
# ``poll`` seconds. A request waiting for its save to be searchable (``catch_up``) shortens the
# wait to ``AWAITED_SECONDS``: saves made together still share a commit, while one client saving
# in a row (each save waiting for the last, so each arriving just after a commit) is hardly
# slowed down (bench/wear.py, an editor saving every 0.3 s: save() p50 162 ms with no wait,
# 358 ms with 0.25 s, and a third fewer saves). What a commit per save costs in files is bounded
# by deleting replaced ones promptly (``TIDY_AFTER_COMMITS_SECONDS``). Not longer: a server
# following another's saves makes them searchable a commit later (bench/wear.py: with 1 s, the
# lag on the other server reached 2.9 s when a commit folded segments).
COALESCE_SECONDS = 0.5
AWAITED_SECONDS = 0.1
# Replaced segment files are deleted (``backend.tidy``) at most this often while commits go on,
# not only at housekeeping: under a stream of saves they would otherwise pile up for
# ``HOUSEKEEPING_SECONDS`` plus the grace period.
TIDY_AFTER_COMMITS_SECONDS = 0.5
RELATED_BUDGET_SECONDS = 0.1  # of related-article lists worked out per idle turn
RELATED_IDLE_SECONDS = 30.0  # between looks for due lists when none was due
RELATED_AFTER_CHANGE_SECONDS = 3.0
RENEW_INTERVAL_SECONDS = 600.0  # at least this long between two fresh builds of a worn index
RENEW_NICENESS = 10  # the build's CPU priority below the web workers' and this loop's
RENEW_STOP_SECONDS = 10.0
EMBEDDING_STOP_SECONDS = 10.0


def _timed(what, function, *args, **kwargs):
    """``function(...)``, with a warning when it held the loop (and the index) for long."""
    started = time.monotonic()
    try:
        return function(*args, **kwargs)
    finally:
        took = time.monotonic() - started
        if took >= SLOW_SECONDS:
            logger.warning("indexer: %s took %.1f s", what, took)


def server_name(backend):
    """How this server is named in ``IndexerStatus``: host and index folder."""
    return f"{socket.gethostname()}:{os.path.abspath(backend.root)}"[:300]


class Indexer:
    def __init__(self, backend=None, poll=0.1, query_embeddings=True):
        """``query_embeddings``: ``run_forever`` also runs the process that embeds this server's
        queries (``semantic.served``) when semantic search is on."""
        self.backend = backend or get_backend()
        self.poll = poll
        self.query_embeddings = query_embeddings
        self._stopping = threading.Event()
        self._last_housekeeping = 0.0
        self._checked = False
        self._related_due_at = 0.0
        self._renewal = None  # the child process building a fresh index, while it runs
        self._renewal_started = None  # time.monotonic() of its start
        self._last_applied = time.monotonic()  # when this loop last applied a journal entry
        self._last_tidy = 0.0  # time.monotonic() of the last deletion of replaced files

    def stop(self):
        self._stopping.set()

    def run_forever(self):
        logger.info("indexer started for %s", self.backend.root)
        embedding = start_background(self._stopping)
        query_embeddings = (start_query_embeddings(self._stopping, settings.KB_INDEX_DIR)
                            if self.query_embeddings and _semantic_setting() else None)
        while not self._stopping.is_set():
            applied = 0
            try:
                coordination.heartbeat(self.backend.root)  # requests leave writing to this loop while it beats
                due = time.monotonic() - self._last_housekeeping >= HOUSEKEEPING_SECONDS
                self._stop_renewal_if_superseded()
                applied = self.run_once(housekeeping=due)
                if due:
                    self._renew_safely()
            except (DatabaseError, IndexUnavailable, IndexBusy, OSError) as error:
                logger.error("indexer: %s: %s; retrying", type(error).__name__, error)
                close_old_connections()
                self._stopping.wait(ERROR_PAUSE_SECONDS)
                continue
            if applied:
                self._last_applied = time.monotonic()
                # A new translation's list is due: looked for soon, not after every commit.
                self._related_due_at = min(self._related_due_at, time.monotonic() + RELATED_AFTER_CHANGE_SECONDS)
                committed_at = time.time()
                self._tidy_safely()
                self._coalesce(committed_at)
            else:
                self._refresh_related()
                self._stopping.wait(self.poll)
        self._stop_renewal()
        if embedding is not None:
            embedding.join(EMBEDDING_STOP_SECONDS)  # it stops between two batches
        if query_embeddings is not None:
            query_embeddings.join(EMBEDDING_STOP_SECONDS)  # it ends the embedding process
        coordination.stop_heartbeat(self.backend.root)
        logger.info("indexer stopped")

    def _tidy_safely(self):
        try:
            self._tidy_after_commits()
        except OSError as error:  # the next turn, or housekeeping, tries again
            logger.warning("indexer: could not delete replaced index files: %s", error)

    def _renew_safely(self):
        try:
            self._renew()
        except Exception as error:  # noqa: BLE001 — an optional step: the loop goes on without it
            logger.warning("indexer: could not start a fresh build: %s: %s", type(error).__name__, error)

    def _renew(self):
        """Start a fresh build of a worn index (see the module), unless one is running or the
        last started less than ``RENEW_INTERVAL_SECONDS`` ago."""
        if self._renewal is not None:
            code = self._renewal.poll()
            if code is None:
                return
            self._renewal = None
            if code:
                logger.warning("indexer: the fresh build of the worn index failed (exit status %s)", code)
            else:
                logger.info("indexer: a fresh build replaced the worn index")
        now = time.monotonic()
        if self._renewal_started is not None and now - self._renewal_started < RENEW_INTERVAL_SECONDS:
            return
        quiet = now - self._last_applied >= settings.KB_INDEX_RENEW_QUIET_SECONDS and _machine_quiet()
        if not quiet and not self.backend.overdue():
            return  # a build under load takes CPU from the web workers
        database = _database_url()
        if database is None or not self.backend.worn():
            return
        logger.info("indexer: the index is worn (deleted copies or segments); building a fresh one beside it")
        self._renewal_started = time.monotonic()
        self._renewal = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "rebuild_index", "--no-catch-up"],
            cwd=settings.BASE_DIR, env={**os.environ, "KB_INDEX_DIR": str(Path(self.backend.root).resolve()),
                                        "KB_DATABASE_URL": database},
            stdout=subprocess.DEVNULL, start_new_session=True, preexec_fn=_lower_priority)

    def _stop_renewal_if_superseded(self):
        """Stop a fresh build still running when this loop is about to rebuild the index itself
        (a bulk import, a rebuild asked for): the build would only make it wait for the build's
        lock, then be built again."""
        if self._renewal is not None and self._renewal.poll() is None and applier.rebuild_due(self.backend):
            logger.info("indexer: a rebuild is due; the fresh build of the worn index is stopped")
            self._stop_renewal()

    def _stop_renewal(self):
        """Stop a fresh build still running, with its own children (its folder is tidied later)."""
        renewal, self._renewal = self._renewal, None
        if renewal is None or renewal.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, RENEW_STOP_SECONDS), (signal.SIGKILL, None)):
            try:
                os.killpg(renewal.pid, sig)
            except ProcessLookupError:
                return
            try:
                renewal.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def _refresh_related(self):
        """In idle turns, work out related-article lists (``related.refresh``). With none due it
        looks again after ``RELATED_IDLE_SECONDS``, or soon after a change."""
        if time.monotonic() < self._related_due_at:
            return
        from ..related import refresh

        try:
            done = _timed("related articles", refresh, budget=RELATED_BUDGET_SECONDS)
        except (DatabaseError, IndexUnavailable) as error:
            logger.warning("indexer: related articles: %s: %s", type(error).__name__, error)
            done = 0
        if not done:
            self._related_due_at = time.monotonic() + RELATED_IDLE_SECONDS

    def _coalesce(self, committed_at):
        """Wait after a commit (see ``COALESCE_SECONDS``): ``COALESCE_SECONDS``, or
        ``AWAITED_SECONDS`` once a request has waited for its save since ``committed_at``
        (``time.time()``)."""
        started = time.monotonic()
        while not self._stopping.is_set():
            waited = time.monotonic() - started
            if waited >= COALESCE_SECONDS:
                return
            if coordination.awaited_since(self.backend.root, committed_at):
                if waited >= AWAITED_SECONDS:
                    return
                self._stopping.wait(AWAITED_SECONDS - waited)
                continue
            self._stopping.wait(min(self.poll, COALESCE_SECONDS - waited))

    def _tidy_after_commits(self):
        """Delete the segment files commits replaced (``backend.tidy``), at most every
        ``TIDY_AFTER_COMMITS_SECONDS``."""
        now = time.monotonic()
        if now - self._last_tidy < TIDY_AFTER_COMMITS_SECONDS:
            return
        self._last_tidy = now
        _timed("tidying files", self.backend.tidy)

    def run_once(self, housekeeping=False):
        """One turn; returns how many journal entries it applied."""
        backend = self.backend
        if not self._checked or coordination.check_requested(backend.root) or backend.position() is None:
            applier.ensure_usable(backend)
            self._checked = True
        applied = _timed("applying the journal", applier.apply_pending, backend)
        if housekeeping:
            self.housekeeping()
        return applied

    def housekeeping(self):
        self._last_housekeeping = time.monotonic()
        backend = self.backend
        applier.ensure_usable(backend)
        _timed("merging small segments", backend.compact)
        _timed("tidying files", backend.tidy)
        retention = timedelta(days=settings.KB_JOURNAL_RETENTION_DAYS)
        pruned = journal.prune(retention)
        if pruned:
            logger.info("indexer: pruned %d journal entries older than %s", pruned, retention)
        self.report()

    def report(self):
        backend = self.backend
        documents = 0
        try:
            documents = backend.document_count()
        except (IndexUnavailable, Exception):  # noqa: BLE001 — the report must not stop the loop
            pass
        IndexerStatus.objects.update_or_create(server=server_name(backend), defaults={
            "position": backend.position() or 0, "documents": documents, "updated_at": timezone.now(),
        })


def _machine_quiet():
    try:
        return os.getloadavg()[0] < settings.KB_INDEX_RENEW_MAX_LOAD * (os.cpu_count() or 1)
    except OSError:  # no load average here: nothing to go by
        return True


def _lower_priority():
    os.nice(RENEW_NICENESS)


def _database_url():
    """``KB_DATABASE_URL`` for a child process to reach the database this one uses: the
    environment's when it names that database (it keeps every option), else one made from the
    connection's settings (a test database); None for a database only this process can see."""
    from urllib.parse import quote

    import dj_database_url
    from django.db import connection

    conf = connection.settings_dict
    inherited = os.environ.get("KB_DATABASE_URL")
    if inherited:
        parsed = dj_database_url.parse(inherited)
        if (parsed.get("ENGINE"), str(parsed.get("NAME")), parsed.get("HOST") or "") == \
                (conf["ENGINE"], str(conf["NAME"]), conf.get("HOST") or ""):
            return inherited
    if conf["ENGINE"].endswith("sqlite3"):
        name = str(conf["NAME"])
        return None if not name.startswith("/") else f"sqlite:///{name}"
    if conf["ENGINE"].endswith("postgresql"):
        auth = quote(conf.get("USER") or "", safe="")
        if conf.get("PASSWORD"):
            auth += ":" + quote(conf["PASSWORD"], safe="")
        host = quote(conf.get("HOST") or "localhost", safe="")
        return f"postgresql://{auth}@{host}:{conf.get('PORT') or 5432}/{quote(str(conf['NAME']), safe='')}"
    return None
