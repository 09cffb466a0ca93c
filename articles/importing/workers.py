"""Rendering under a per-file time budget, in a small pool of worker processes (pebble).

``RenderPool(dry_run)`` is a context manager; ``pool.submit(parsed)`` starts rendering a
``ParsedSource`` and returns a future, and ``rendered(future)`` gives its ``RenderedSource`` or
raises ``RenderFailed`` with the reason for the report:

    rendering took longer than 5 s      the worker is killed and replaced; the run goes on
    the renderer process died (…)       a crash or the memory limit, in the worker only
    markdown nested too deeply …        any error of the render itself, named

A worker can be stopped mid-regex or mid-C-call, which no in-process timer can do; and two
workers render while the importer parses and writes, so the pool costs no time. Images are
copied by the workers (content-addressed names, so two writing the same file agree).

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
from .sources import render_source

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


def _render(parsed, dry_run):
    return render_source(parsed, partial(store_image, dry_run=dry_run))


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
    def __init__(self, dry_run, timeout=None, workers=RENDER_WORKERS):
        self.dry_run = dry_run
        self.timeout = render_timeout() if timeout is None else timeout
        self.workers = workers
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

    def submit(self, parsed):
        if self.pool is None:  # started at the first file to render: a re-run of unchanged files forks none
            self.pool = ProcessPool(max_workers=self.workers, **worker_start())
        return self.pool.schedule(_render, args=(parsed, self.dry_run), timeout=self.timeout)

    def rendered(self, future):
        """The future's ``RenderedSource``, or ``RenderFailed`` naming what went wrong."""
        try:
            return future.result()
        except FutureTimeout:
            raise RenderFailed(format_lazy(_("rendering took longer than {seconds} s"),
                                           seconds=f"{self.timeout:g}")) from None
        except ProcessExpired as error:
            raise RenderFailed(format_lazy(_("the renderer process died (exit code {code})"),
                                           code=error.exitcode)) from None
        except MarkdownTooComplex:  # its message, worded here so that it is translated
            raise RenderFailed(_rendering_failed(
                _("markdown nested too deeply to render (quotes, lists or emphasis)"))) from None
        except Exception as error:  # noqa: BLE001 — any error of one file fails that file only
            raise RenderFailed(_rendering_failed(str(error) or type(error).__name__)) from None


def _rendering_failed(error):
    return format_lazy(_("rendering failed: {error}"), error=error)
