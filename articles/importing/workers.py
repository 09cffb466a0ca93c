"""Reading and rendering under a per-file time budget, in a small pool of worker processes (pebble).

``RenderPool(dry_run, stored=())`` is a context manager; ``pool.submit(function, *args)`` runs a
module-level function on one file in a worker and returns a future, and ``result(future)``
gives what it returned or raises ``RenderFailed`` with the reason for the report:

    rendering took longer than 5 s      the worker is killed and replaced; the run goes on
    the renderer process died (…)       a crash or the memory limit, in the worker only
    markdown nested too deeply …        any error of the render itself, named (``render_failure``)

A worker can be stopped mid-regex or mid-C-call, which no in-process timer can do; and two
workers read and render while the importer writes, so the pool costs the writer no time.
Images are copied by the workers (content-addressed names, so two writing the same file agree).
``stored`` is the content hashes the database holds rendered by this renderer: in a worker,
``is_stored(parsed)`` tells that a file's render would most likely be thrown away.

Reasons are lazy text (see ``errors``): a worker's warnings are pickled back as lazy text and
become words in whatever language is active where they are shown.
"""
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
import hashlib
import multiprocessing
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from pebble import ProcessExpired, ProcessPool

from ..rendering import MarkdownTooComplex
from .sources import render_source, warm_up

# Seconds one file may take to render (the corpus's slowest takes well under one).
DEFAULT_RENDER_TIMEOUT = 5.0
RENDER_WORKERS = 2


class RenderFailed(Exception):
    """One file could not be rendered; ``reason`` (lazy text, also ``args[0]``) is the reason
    shown in the report."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def render_timeout():
    return float(getattr(settings, "KB_RENDER_TIMEOUT", DEFAULT_RENDER_TIMEOUT))


def store_image(file_path, *, dry_run):
    """Copy an image to media storage under a content-addressed name; return its URL."""
    data = Path(file_path).read_bytes()
    name = f"articles/{hashlib.sha256(data).hexdigest()[:20]}{Path(file_path).suffix.lower()}"
    if not dry_run and not default_storage.exists(name):
        with open(file_path, "rb") as handle:
            default_storage.save(name, File(handle))
    return default_storage.url(name)


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


class RenderPool:
    def __init__(self, dry_run, timeout=None, workers=RENDER_WORKERS, stored=()):
        self.dry_run = dry_run
        self.timeout = render_timeout() if timeout is None else timeout
        self.workers = workers
        self.stored = frozenset(stored)
        self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, error_type, *exc):
        if self.pool is None:
            return
        if error_type:  # an interrupted run: do not wait for the renders still queued
            self.pool.stop()
        else:
            self.pool.close()
        self.pool.join()

    def submit(self, function, *args):
        """Run ``function(*args)`` (module-level, its arguments picklable) in a worker, within
        the budget; the pool starts at the first file."""
        if self.pool is None:
            start = worker_start()
            self.pool = ProcessPool(max_workers=self.workers, initializer=_start_worker,
                                    initargs=(start.pop("initializer", None), self.stored), **start)
        return self.pool.schedule(function, args=args, timeout=self.timeout)

    def result(self, future):
        """What the future's function returned, or ``RenderFailed`` naming what went wrong."""
        try:
            return future.result()
        except FutureTimeout:
            raise RenderFailed(format_lazy(_("rendering took longer than {seconds} s"),
                                           seconds=f"{self.timeout:g}")) from None
        except ProcessExpired as error:
            raise RenderFailed(format_lazy(_("the renderer process died (exit code {code})"),
                                           code=error.exitcode)) from None
        except Exception as error:  # noqa: BLE001 — any error of one file fails that file only
            raise RenderFailed(render_failure(error)) from None


def _rendering_failed(error):
    return format_lazy(_("rendering failed: {error}"), error=error)
