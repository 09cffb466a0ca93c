"""Progress of long commands (imports, index builds) on stderr.

    with Progress(stream, "import", "files") as progress: progress.update()

On a terminal, a tqdm bar. Elsewhere (a log file, CI, ``make`` piped to a file) a plain line
every ``EVERY`` items or ``SECONDS`` seconds, whichever comes first, and one at the end:
``import: 1,200 files, 14 s (86 files/s)``; with a known ``total``:
``index build: 4,000/8,328 translations (48%), 31 s``. With ``enabled`` False, nothing.
"""
from contextlib import contextmanager
import sys
import time

EVERY = 500
SECONDS = 5.0


class Progress:
    def __init__(self, stream, what, unit, total=None, enabled=True):
        """``stream``: a command's ``self.stderr`` (each ``write`` is a line of its own)."""
        self.stream, self.what, self.unit, self.total = stream, what, unit, total
        self.enabled, self.count, self.bar = enabled, 0, None
        self.started = self.last_line = time.monotonic()
        self.shown = 0  # the count the last plain line gave
        if enabled and _is_terminal(stream):
            from tqdm import tqdm

            self.bar = tqdm(desc=what, total=total, unit=f" {unit}", file=sys.stderr)

    def update(self, n=1):
        if not self.enabled:
            return
        self.count += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if self.count % EVERY < n or now - self.last_line >= SECONDS:
            self._line(now)

    def _line(self, now):
        self.last_line, self.shown = now, self.count
        seconds = now - self.started
        done = f"{self.count:,}/{self.total:,}" if self.total else f"{self.count:,}"
        share = f" ({100 * self.count // self.total}%)" if self.total else ""
        rate = f" ({self.count / seconds:,.0f} {self.unit}/s)" if seconds >= 1 and not self.total else ""
        _say(self.stream, f"{self.what}: {done} {self.unit}{share}, {seconds:.0f} s{rate}")

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar, self.enabled = None, False
        elif self.enabled and self.count != self.shown:
            self._line(time.monotonic())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _say(stream, line):
    stream.write(line, style_func=str)  # not in the red of a command's errors


def _is_terminal(stream):
    return getattr(stream, "isatty", lambda: False)() and sys.stderr.isatty()


@contextmanager
def build_progress(stream, enabled=True):
    """Progress of any index build made inside the block, counted as the build reads the
    translations' rows (``search.whoosh.build._rows``, read by the build's parent process as fast as its
    children analyse them): ``index build: 4,000/8,328 translations (48%), 31 s``, then a line
    when every row is read and the build writes the merged index."""
    from articles.search.whoosh import build

    original = build._rows

    def counted(translations):
        with Progress(stream, "index build", "translations", total=translations.count(), enabled=enabled) as progress:
            for row in original(translations):
                yield row
                progress.update()
        if enabled:  # the build merges and writes its segments now, for a fifth of its time
            _say(stream, "index build: every translation read; writing the index")

    build._rows = counted
    try:
        yield
    finally:
        build._rows = original
