"""Search-logging overhead: what ``recorder.record_results`` adds to a search, with the
background thread writing batches to a scratch SQLite database meanwhile, and /api/search
in-process with logging on and off (the samples, so no corpus is needed).
Run: ``.venv/bin/python bench/analytics.py [--calls 20000] [--searches 300]``. Target: well under 1 ms.
"""
import argparse
import os
from pathlib import Path
import statistics
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent


def setup():
    scratch = Path(tempfile.mkdtemp(prefix="kb-bench-analytics-"))
    os.environ.update(KB_DATABASE_URL=f"sqlite:///{scratch / 'kb.sqlite3'}", KB_MEDIA_ROOT=str(scratch / "media"),
                      KB_INDEX_DIR=str(scratch / "index"), DJANGO_SETTINGS_MODULE="kb.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def micros(samples):
    samples = sorted(samples)
    return (f"median {statistics.median(samples) * 1e6:.1f} µs, "
            f"p99 {samples[int(0.99 * (len(samples) - 1))] * 1e6:.1f} µs")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--searches", type=int, default=300)
    args = parser.parse_args()
    setup()
    from django.test import Client

    from articles.analytics import recorder as module
    from articles.analytics.models import SearchEvent
    from articles.importing import import_paths
    from articles.search import sync

    found = type("Found", (), {"total": 3})()
    timings = []
    for n in range(args.calls):
        start = time.perf_counter()
        module.record_results(f"query {n % 500}", "en", found, 1, "api")
        timings.append(time.perf_counter() - start)
    module.recorder.stop()
    print(f"record_results, {args.calls} calls with the writer thread running: {micros(timings)}; "
          f"written {SearchEvent.objects.count()}, dropped {module.recorder.dropped}")

    import_paths([ROOT / "samples"])
    sync.bring_up_to_date()
    client, original = Client(), module.record_results
    on, off = [], []
    for n in range(args.searches):
        pairs = [(on, original), (off, lambda *a: None)]
        for bucket, hook in (pairs if n % 2 else pairs[::-1]):  # alternate who goes first
            module.record_results = hook
            start = time.perf_counter()
            client.get("/api/search", {"q": ["export timeout", "ledger", "XSV-350176"][n % 3], "lang": "en"})
            bucket.append(time.perf_counter() - start)
    module.record_results = original
    module.recorder.stop()
    print(f"/api/search in-process, logging on: {micros(on)}; off: {micros(off)}; "
          f"difference of medians {(statistics.median(on) - statistics.median(off)) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
