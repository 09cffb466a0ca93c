"""Log triage benchmark: pastes built from the corpus — a few real log or stack-trace lines of an
article (lines of its code blocks that carry an error code or exception) mixed into 1,000–20,000
lines of generated log noise (timestamps, INFO/DEBUG lines, UUIDs, hosts, HTTP 200 access-log
lines, a few routine warnings) — ranked by ``articles.triage``; prints how often the article is
first and the p50/p95 time for a 1 MB paste.

    .venv/bin/python bench/triage.py [--pastes 200] [--timings 20] [--seed 13]

Targets (issue 13): the article first in at least 90 % of pastes; a 1 MB paste in under 1 s.
"""
import argparse
import random
import re
import statistics
import time

from _setup import CORPUS, django_with_scratch_database

FENCE_RE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
MAX_LINE = 1500


def noise_line(rng, n):
    uuid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                            rng.getrandbits(12), rng.getrandbits(48))
    stamp = f"2026-05-19 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d},{rng.randrange(1000):03d}"
    host = f"app{rng.randrange(40)}.prod.example.com"
    kind = rng.random()
    if kind < 0.35:
        return (f"{stamp} INFO [worker-{rng.randrange(16)}] com.example.jobs.Scheduler "
                f"Job {uuid} finished in {rng.randrange(5000)} ms on {host}")
    if kind < 0.65:
        return (f'10.{rng.randrange(255)}.{rng.randrange(255)}.{rng.randrange(255)} - - '
                f'[19/May/2026:{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000] '
                f'"GET /content/site/page-{rng.randrange(900)}.html HTTP/1.1" 200 {rng.randrange(99999)}')
    if kind < 0.9:
        return f"{stamp} DEBUG [qtp{rng.randrange(99)}] request {uuid} user u{rng.randrange(9999)} session 0x{rng.getrandbits(40):x}"
    if kind < 0.99:
        return f"{stamp} INFO heartbeat from {host} ok, queue depth {rng.randrange(50)}"
    return rng.choice([f"{stamp} WARN [pool-3] connection pool {rng.randrange(60, 95)}% used on {host}",
                       f"{stamp} WARN slow request /content/site/page-{rng.randrange(900)}.html took {rng.randrange(2000, 9000)} ms"])


def candidate_excerpts(limit, rng):
    """``[(article number, [log lines])]``: English public articles with a code block line that
    carries a code or an exception; the excerpt is up to four lines of that block from it."""
    from articles.models import Translation
    from articles.search.codes import extract_error_codes

    found = []
    for t in Translation.objects.public().filter(language="en").select_related("article").order_by("pk"):
        for block in FENCE_RE.findall(t.body):
            lines = [line[:MAX_LINE] for line in block.splitlines() if line.strip()]
            marked = [i for i, line in enumerate(lines) if extract_error_codes(line)]
            if marked:
                start = marked[0]
                found.append((t.article.number, lines[start:start + rng.randint(1, 4)]))
                break
    rng.shuffle(found)
    return found[:limit]


def paste_with(excerpt, noise_lines, rng, start):
    noise = [noise_line(rng, start + i) for i in range(noise_lines)]
    at = rng.randrange(len(noise) + 1)
    return "\n".join(noise[:at] + excerpt + noise[at:])


def megabyte_paste(excerpt, rng):
    lines, size, n = [], 0, 0
    while size < 1024 * 1024 - 4096:
        line = noise_line(rng, n)
        lines.append(line)
        size += len(line) + 1
        n += 1
    at = rng.randrange(len(lines))
    return "\n".join(lines[:at] + excerpt + lines[at:])[:1024 * 1024]


def reuse(folder):
    """Point kb at the database and index of an earlier run's scratch folder."""
    import os
    import sys

    import django

    from _setup import ROOT
    os.environ["KB_DATABASE_URL"] = f"sqlite:///{folder}/kb.sqlite3"
    os.environ["KB_MEDIA_ROOT"] = f"{folder}/media"
    os.environ["KB_INDEX_DIR"] = f"{folder}/index"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    return folder


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pastes", type=int, default=200)
    parser.add_argument("--timings", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--reuse", help="a scratch folder of an earlier run (printed by it): no import")
    options = parser.parse_args()
    scratch = reuse(options.reuse) if options.reuse else django_with_scratch_database()
    from articles.importing import import_paths
    from articles.search import upkeep
    from articles.triage.ranking import triage

    if not options.reuse:
        started = time.perf_counter()
        import_paths(CORPUS)
        upkeep.bring_up_to_date()
        print(f"corpus imported and indexed in {time.perf_counter() - started:.0f} s (reuse: --reuse {scratch})")
    rng = random.Random(options.seed)
    excerpts = candidate_excerpts(options.pastes, rng)
    triage("warm up XSV-350176", "en")
    from articles.models import Translation

    def quotes(number, excerpt):
        """The article's English text holds every line of the excerpt (the same log in two articles)."""
        body = Translation.objects.filter(article__number=number, language="en").values_list("body", flat=True).first()
        return bool(body) and all(line.strip() in body for line in excerpt)

    first, same_lines, times, misses = 0, 0, [], []
    for number, excerpt in excerpts:
        paste = paste_with(excerpt, rng.randint(1000, 20000), rng, rng.randrange(86400))
        t = time.perf_counter()
        results = triage(paste, "en").results
        times.append(time.perf_counter() - t)
        if results and results[0].article_number == number:
            first += 1
        elif results and quotes(results[0].article_number, excerpt):
            same_lines += 1
        else:
            misses.append((number, results[0].article_number if results else None, excerpt[0][:100]))
    print(f"pastes: {len(excerpts)} (1,000-20,000 noise lines each); article first in {first} "
          f"= {100 * first / max(1, len(excerpts)):.1f} %; first or another article quoting the same lines "
          f"{100 * (first + same_lines) / max(1, len(excerpts)):.1f} %; mean time {1000 * statistics.mean(times):.0f} ms")
    for number, got, line in misses[:15]:
        print(f"  miss {number}: first was {got}; {line!r}")
    timings = []
    for number, excerpt in excerpts[:options.timings]:
        paste = megabyte_paste(excerpt, rng)
        t = time.perf_counter()
        triage(paste, "en")
        timings.append(time.perf_counter() - t)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
    print(f"1 MB paste ({len(paste.splitlines()):,} lines): p50 {1000 * statistics.median(timings):.0f} ms, "
          f"p95 {1000 * p95:.0f} ms over {len(timings)} pastes")


if __name__ == "__main__":
    main()
