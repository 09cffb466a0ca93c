"""Logging searches and clicks off the request path.

    record_search(query, language, results, source, client=None) -> search key (32 hex digits) or None
    record_click(key, rank, article_number)         -> None
    record_query_click(query, language, rank, article_number) -> None
    flush()                                         -> number of events written

A click names its search by the key ``record_search`` returned (an integration's link), or, from
a search page (the same bytes for every reader of it: ``readercache``), by the page's query and
language: it then marks the latest search of that query (``normalize_query``) in that language,
logged from a page within ``QUERY_CLICK_WINDOW`` before the click, that no click marked yet.
Every page view's search is logged and the page's script reports one click per view, so the
searches and clicks of each query add up as they would with a key each; which reader's search a
click marks among simultaneous readers of one query is not known, and not needed.

Why a bounded in-process queue rather than an INSERT per search: a request only appends a tuple
to a deque (a few microseconds, no I/O, no lock wait), so a slow or unreachable database can
neither slow nor fail a search — with PostgreSQL down an INSERT would wait up to
``KB_DB_CONNECT_TIMEOUT`` seconds first. Each process (every gunicorn worker) has its own
queue and a daemon thread, started on first use and again after a fork, that writes the queue
in batches every ``FLUSH_SECONDS``; workers share nothing but the database. When the database is
away, a failed batch is put back and retried; past ``MAX_PENDING`` events new ones are dropped
and counted (logged every ``DROP_LOG_EVERY``). The cost: what a worker held when it was killed
is lost — acceptable for statistics, never for articles.

Each address may have ``limits.SEARCHES_LOGGED_PER_HOUR`` searches logged, counted by every
worker and server together: a search past it still answers but is not written. The writer
counts, once per batch and address, so a search costs no round trip to Redis; the queue holds
the address's keyed hash (``limits.client_key``) until then, never the address.

With ``settings.KB_ANALYTICS_BACKGROUND`` off (the tests) no thread runs and events wait for
``flush()``. Nothing identifying a reader is recorded: no user, address, session or cookie.
"""
import atexit
from collections import Counter, deque
from datetime import timedelta
import logging
import os
import threading
import uuid

from django.conf import settings
from django.utils import timezone

from . import limits

logger = logging.getLogger(__name__)

MAX_PENDING = 10_000
BATCH_SIZE = 500
FLUSH_SECONDS = 1.0
DROP_LOG_EVERY = 1000
CLICK_ATTEMPTS = 3  # a click may reach its worker's queue before its search left another's
QUERY_CLICK_WINDOW = timedelta(hours=1)
QUERY_CLICK_CANDIDATES = 5  # searches tried in turn when another process's click took the latest
QUERY_CHARS = 500


def normalize_query(text):
    """The grouping key: casefolded, runs of whitespace collapsed (" Ledger  EXPORT" → "ledger export")."""
    return " ".join(text.split()).casefold()[:QUERY_CHARS]


class Recorder:
    def __init__(self):
        self._pending = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread_pid = None
        self._thread = None
        self._stopping = False
        self.dropped = 0
        self.over_budget = 0

    def record_search(self, query, language, results, source, client=None):
        """``client``: the ``limits.client_key`` whose budget the search counts against; None: none."""
        try:
            key = uuid.uuid4()
            self._add(("search", key, query.strip()[:QUERY_CHARS], language, results, source, timezone.now(),
                       client))
            return key.hex
        except Exception:  # never let statistics fail a search
            logger.exception("search analytics: could not record a search")
            return None

    def record_click(self, key, rank, article_number):
        try:
            self._add(("click", uuid.UUID(hex=key), rank, article_number[:100], timezone.now(), 0))
        except Exception:
            logger.exception("search analytics: could not record a click")

    def record_query_click(self, query, language, rank, article_number):
        try:
            self._add(("query-click", normalize_query(query), language, rank, article_number[:100], timezone.now(), 0))
        except Exception:
            logger.exception("search analytics: could not record a click")

    def _add(self, event):
        with self._lock:
            if len(self._pending) >= MAX_PENDING:
                self.dropped += 1
                if self.dropped % DROP_LOG_EVERY == 1:
                    logger.warning("search analytics: queue full, %d events dropped so far", self.dropped)
                return
            self._pending.append(event)
            if len(self._pending) >= BATCH_SIZE:
                self._wake.set()  # a burst: write now rather than at the next tick
        if getattr(settings, "KB_ANALYTICS_BACKGROUND", True) and self._thread_pid != os.getpid():
            self._start_thread()

    def _start_thread(self):
        with self._lock:
            if self._thread_pid == os.getpid():
                return
            self._thread_pid, self._stopping = os.getpid(), False
            self._thread = threading.Thread(target=self._run, name="kb-analytics", daemon=True)
        self._thread.start()

    def _run(self):
        from django.db import close_old_connections, connection

        while not self._stopping:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            try:
                close_old_connections()  # honours CONN_MAX_AGE and health checks, as a request would
                self.flush()
            except Exception:
                logger.exception("search analytics: flush failed")
        connection.close()

    def stop(self, timeout=5.0):
        """Ends this process's thread after a last flush (a clean shutdown, tests); the next
        event starts a new one."""
        thread = self._thread
        if thread is None or self._thread_pid != os.getpid():
            return
        self._stopping = True
        self._wake.set()
        thread.join(timeout)
        with self._lock:
            self._thread_pid = self._thread = None

    def _take(self):
        with self._lock:
            return [self._pending.popleft() for _ in range(min(BATCH_SIZE, len(self._pending)))]

    def _put_back(self, events):
        with self._lock:
            room = MAX_PENDING - len(self._pending)
            self.dropped += max(0, len(events) - room)
            self._pending.extendleft(reversed(events[:max(0, room)]))

    def flush(self):
        """Writes what is pending (searches before the clicks on them); returns how many events
        were written. On a database error the batch is put back and the error logged."""
        written, retry = 0, []
        while batch := self._take():
            batch = self._within_budget(batch)
            try:
                retry += _write(batch)
            except Exception:
                logger.warning("search analytics: database unavailable, %d events kept for later",
                               len(batch), exc_info=True)
                self._put_back(batch)
                break
            written += len(batch)
        if retry:  # for the next flush, when the other worker has written their searches
            self._put_back(retry)
        return written - len(retry)

    def _within_budget(self, batch):
        """The batch less the searches past their address's budget, each address counted once.
        The searches kept lose their client key: a batch put back after a database error is not
        counted again."""
        wanted = Counter(event[7] for event in batch if event[0] == "search" and event[7] is not None)
        if not wanted:
            return batch
        left = {client: limits.granted("search-log", client, n, limits.SEARCHES_LOGGED_PER_HOUR, 3600)
                for client, n in wanted.items()}
        kept = []
        for event in batch:
            if event[0] == "search" and event[7] is not None:
                if not left[event[7]]:
                    self.over_budget += 1
                    continue
                left[event[7]] -= 1
                event = event[:7] + (None,)
            kept.append(event)
        if len(kept) < len(batch):
            logger.info("search analytics: %d searches past their address's budget not logged",
                        len(batch) - len(kept))
        return kept

    def discard(self):
        with self._lock:
            self._pending.clear()
            self.dropped = self.over_budget = 0

    def pending(self):
        return len(self._pending)


def _write(batch):
    """Inserts the batch's searches, then applies its clicks; returns the clicks to try again."""
    from .models import SearchEvent

    searches = [SearchEvent(key=key, query=query, query_key=normalize_query(query), language=language,
                            results=results, source=source, searched_at=at)
                for kind, key, query, language, results, source, at, _client in (e for e in batch
                                                                                  if e[0] == "search")]
    SearchEvent.objects.bulk_create(searches)
    retry = []
    for kind, key, rank, number, at, attempts in (e for e in batch if e[0] == "click"):
        updated = SearchEvent.objects.filter(key=key, opened_rank__isnull=True).update(
            opened_rank=rank, opened_article=number, opened_at=at)
        if not updated and attempts + 1 < CLICK_ATTEMPTS and not SearchEvent.objects.filter(key=key).exists():
            retry.append((kind, key, rank, number, at, attempts + 1))
    for event in (e for e in batch if e[0] == "query-click"):
        if not _mark_latest_search(event) and event[6] + 1 < CLICK_ATTEMPTS:
            retry.append(event[:6] + (event[6] + 1,))
    return retry


def _mark_latest_search(event):
    """A query click (see the module) marks its search; False when none is there (yet)."""
    from .models import SearchEvent

    _, query_key, language, rank, number, at, _ = event
    candidates = SearchEvent.objects.filter(
        query_key=query_key, language=language, source=SearchEvent.Source.PAGE, opened_rank__isnull=True,
        searched_at__lte=at, searched_at__gte=at - QUERY_CLICK_WINDOW).order_by("-searched_at", "-pk")
    for pk in candidates.values_list("pk", flat=True)[:QUERY_CLICK_CANDIDATES]:
        if SearchEvent.objects.filter(pk=pk, opened_rank__isnull=True).update(
                opened_rank=rank, opened_article=number, opened_at=at):
            return True
    return False


recorder = Recorder()
record_search = recorder.record_search
record_click = recorder.record_click
record_query_click = recorder.record_query_click
flush = recorder.flush


def record_results(query, language, found, page, source):
    """The hook views call: logs the first page of a search that ran (within the budget of the
    request's address: see the module), returns its key or None."""
    if found is None:
        return None
    return record_count(query, language, getattr(found, "total", 0), page, source)


def record_count(query, language, results, page, source):
    """As ``record_results``, for a search whose number of results is known without them (a
    search page answered from a cache)."""
    if not query or page != 1:
        return None
    return recorder.record_search(query, language, results, source, limits.current_client())


atexit.register(recorder.stop)
