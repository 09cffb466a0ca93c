"""Reading and rendering under a per-file time budget, in a small pool of worker processes (pebble).

``RenderPool(dry_run, stored=())`` is a context manager; ``pool.submit(function, *args)`` runs a
module-level function on one file in a worker and returns a future, and ``result(future)``
gives what it returned or raises ``RenderFailed`` with the reason for the report:

    rendering took longer than 5 s      the worker is killed and replaced; the run goes on
    the renderer process died (…)       a crash or the memory limit, in the worker only
    markdown nested too deeply …        any error of the render itself, named (``render_failure``)

A worker can be stopped mid-regex or mid-C-call, which no in-process timer can do; and two
workers read and render while the importer writes, so the pool costs the writer no time.

``pool.queue(function, *args)`` is ``submit`` for the many small files of an import: it returns a
``Ticket`` and files go to the workers ``BATCH_FILES`` at a time (each hand-over between processes
costs as much as reading a short page), ``result(ticket)`` answering for its file alone. The
budget stays per file: a worker times each file of a batch and one over the budget fails with
the same reason; a batch that runs past ``BATCH_BUDGETS`` budgets, or whose worker dies, is
sent again one file per task, so the file at fault fails alone and the others are read.
Images are copied by the workers (content-addressed names, so two writing the same file agree).
``stored`` is the content hashes the database holds rendered by this renderer: in a worker,
``is_stored(parsed)`` tells that a file's render would most likely be thrown away.

Reasons are lazy text (see ``errors``): a worker's warnings are pickled back as lazy text and
become words in whatever language is active where they are shown.
"""
from concurrent.futures import TimeoutError as FutureTimeout
import contextlib
from functools import partial
import hashlib
import multiprocessing
import os
from pathlib import Path
import shutil
import tempfile
import time

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from pebble import ProcessExpired, ProcessPool

from ..rendering import MarkdownTooComplex
from .sources import render_source, warm_up

# Seconds one file may take to render (the corpus's slowest takes well under one).
DEFAULT_RENDER_TIMEOUT = 5.0
RENDER_WORKERS = 2
BATCH_FILES = 8  # files per task sent by ``queue``
BATCH_BUDGETS = 2  # a batch's time limit, in per-file budgets


class RenderFailed(Exception):
    """One file could not be rendered; ``reason`` (lazy text, also ``args[0]``) is the reason
    shown in the report."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def render_timeout():
    return float(getattr(settings, "KB_RENDER_TIMEOUT", DEFAULT_RENDER_TIMEOUT))


def store_image(file_path, *, dry_run):
    """Copy an image (or a file linked for download) to media storage under a content-addressed
    name; return its URL. The file is read a chunk at a time, and on the file system written in
    ``PARTIAL_FOLDER`` then renamed: a worker stopped mid-copy (the render's time budget) leaves
    no part of a file under the name pages link to (``clear_partial_copies`` removes what it
    left), and a copy of another size found there (left by an older kb) is replaced."""
    path = Path(file_path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(COPY_CHUNK), b""):
            digest.update(chunk)
        size = handle.tell()
    name = f"articles/{digest.hexdigest()[:20]}{path.suffix.lower()}"
    if not dry_run and not (default_storage.exists(name) and default_storage.size(name) == size):
        _copy(path, name)
    return default_storage.url(name)


COPY_CHUNK = 1024 * 1024
PARTIAL_FOLDER = ".partial"  # under the media root; never linked
PARTIAL_MAX_AGE = 3600  # seconds: an older copy in progress was stopped (no copy takes an hour)


def _copy(path, name):
    if not isinstance(default_storage, FileSystemStorage):  # another storage writes its own way
        if default_storage.exists(name):
            default_storage.delete(name)  # a copy of another size: made again under its name
        with path.open("rb") as handle:
            default_storage.save(name, File(handle))
        return
    target = Path(default_storage.path(name))
    partial = Path(default_storage.location) / PARTIAL_FOLDER
    for folder in (target.parent, partial):
        _make_folder(folder)
    descriptor, temporary = tempfile.mkstemp(dir=partial)
    try:
        with os.fdopen(descriptor, "wb") as out, path.open("rb") as source:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        os.chmod(temporary, _file_mode())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _make_folder(folder):
    """``folder`` and its parents, with the storage's directory permissions as Django gives them."""
    mode = default_storage.directory_permissions_mode
    if mode is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    old = os.umask(0)
    try:
        folder.mkdir(mode=mode, parents=True, exist_ok=True)
    finally:
        os.umask(old)


def _file_mode():
    """The storage's file permissions, or what a new file gets under the process's umask (as
    Django's storage leaves it): ``mkstemp`` makes its file private."""
    mode = default_storage.file_permissions_mode
    if mode is not None:
        return mode
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def clear_partial_copies(now=None):
    """Remove the copies in progress older than ``PARTIAL_MAX_AGE`` (a worker stopped mid-copy
    leaves its file there): called once per import."""
    if not isinstance(default_storage, FileSystemStorage):
        return
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(Path(default_storage.location) / PARTIAL_FOLDER))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):
            if now - entry.stat(follow_symlinks=False).st_mtime > PARTIAL_MAX_AGE:
                os.unlink(entry.path)


def render(parsed, dry_run):
    """A ``ParsedSource``'s ``RenderedSource`` (in a worker: its images are copied there)."""
    return render_source(parsed, partial(store_image, dry_run=dry_run))


def render_failure(error):
    """The report's reason for an exception raised by ``render``."""
    if isinstance(error, MarkdownTooComplex):  # its message, worded here so that it is translated
        return _rendering_failed(_("markdown nested too deeply to render (quotes, lists or emphasis)"))
    return _rendering_failed(str(error) or type(error).__name__)


_stored = frozenset()  # in a worker: the pool's ``stored`` content hashes


def is_stored(parsed):
    """In a worker: whether the database holds this file's content rendered by this renderer."""
    return parsed.content_hash in _stored


def _start_worker(setup, stored):
    global _stored
    if setup is not None:
        setup()
    _stored = stored
    warm_up()  # before the first task, whose clock starts when the worker takes it


def worker_start():
    """Workers forked from this process, whose Django is set up, whatever its default start
    method: a process that was itself spawned defaults to spawn, and a spawned worker would
    import the models before setting Django up. Where fork is missing, spawned workers set
    Django up first."""
    if "fork" in multiprocessing.get_all_start_methods():
        return {"context": multiprocessing.get_context("fork")}
    import django

    return {"context": multiprocessing.get_context("spawn"), "initializer": django.setup}


class _OverBudget:
    """In a batch's answer: that file took longer than the budget."""


def _run_batch(function, calls, budget):
    """In a worker: ``function(*args)`` for each ``args`` of ``calls``, each timed; the answer per
    call is ``(True, value)``, ``(False, error)`` or ``(False, _OverBudget)``."""
    answers = []
    for args in calls:
        started = time.perf_counter()
        try:
            answer = (True, function(*args))
        except Exception as error:  # noqa: BLE001 — answered for that call alone
            answer = (False, error)
        # Over the budget is the reason, whatever came after it, as when a lone task is stopped.
        answers.append(answer if time.perf_counter() - started <= budget else (False, _OverBudget))
    return answers


class _Batch:
    def __init__(self, function):
        self.function, self.calls = function, []
        self.future = None  # scheduled
        self.answers = None  # its answers once received
        self.alone = None  # one future per call, when the batch failed as a whole


class Ticket:
    """One call queued with ``RenderPool.queue``."""

    def __init__(self, batch, index):
        self.batch, self.index = batch, index


class RenderPool:
    def __init__(self, dry_run, timeout=None, workers=RENDER_WORKERS, stored=()):
        self.dry_run = dry_run
        self.timeout = render_timeout() if timeout is None else timeout
        self.workers = workers
        self.stored = frozenset(stored)
        self.pool = None
        self.open = None  # the batch ``queue`` fills

    def __enter__(self):
        if not self.dry_run:
            clear_partial_copies()
        return self

    def __exit__(self, error_type, *exc):
        if self.pool is None:
            return
        if error_type:  # an interrupted run: do not wait for the renders still queued
            self.pool.stop()
        else:
            self.pool.close()
        self.pool.join()

    def submit(self, function, *args, timeout=None):
        """Run ``function(*args)`` (module-level, its arguments picklable) in a worker, within
        the budget (or ``timeout`` seconds); the pool starts at the first file."""
        if self.pool is None:
            start = worker_start()
            self.pool = ProcessPool(max_workers=self.workers, initializer=_start_worker,
                                    initargs=(start.pop("initializer", None), self.stored), **start)
        return self.pool.schedule(function, args=args, timeout=self.timeout if timeout is None else timeout)

    def queue(self, function, *args):
        """``submit`` batched (see the module docstring): a ``Ticket`` for ``result``."""
        batch = self.open
        if batch is None or batch.function is not function:
            self._send_open()
            batch = self.open = _Batch(function)
        batch.calls.append(args)
        if len(batch.calls) >= BATCH_FILES:
            self._send_open()
        return Ticket(batch, len(batch.calls) - 1)

    def _send_open(self):
        batch, self.open = self.open, None
        if batch is not None:
            batch.future = self.submit(_run_batch, batch.function, batch.calls, self.timeout,
                                       timeout=self.timeout * BATCH_BUDGETS)

    def _ticket_result(self, ticket):
        batch = ticket.batch
        if batch.future is None:  # asked for before its batch filled up
            self._send_open()
        if batch.alone is None and batch.answers is None:
            try:
                batch.answers = batch.future.result()
            except Exception:  # noqa: BLE001 — out of time, died, or unpicklable: file by file
                batch.alone = [self.submit(batch.function, *args) for args in batch.calls]
        if batch.alone is not None:
            return self.result(batch.alone[ticket.index])
        done, value = batch.answers[ticket.index]
        if done:
            return value
        if value is _OverBudget:
            raise RenderFailed(self._too_slow()) from None
        raise RenderFailed(render_failure(value)) from None

    def result(self, future):
        """What the future's (or ticket's) function returned, or ``RenderFailed`` naming what
        went wrong."""
        if isinstance(future, Ticket):
            return self._ticket_result(future)
        try:
            return future.result()
        except FutureTimeout:
            raise RenderFailed(self._too_slow()) from None
        except ProcessExpired as error:
            raise RenderFailed(format_lazy(_("the renderer process died (exit code {code})"),
                                           code=error.exitcode)) from None
        except Exception as error:  # noqa: BLE001 — any error of one file fails that file only
            raise RenderFailed(render_failure(error)) from None

    def _too_slow(self):
        return format_lazy(_("rendering took longer than {seconds} s"), seconds=f"{self.timeout:g}")


def _rendering_failed(error):
    return format_lazy(_("rendering failed: {error}"), error=error)
