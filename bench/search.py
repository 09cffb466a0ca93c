"""Search benchmark: index build time for the whole corpus, per-query latency percentiles and
success@1 on ../shared/eval/dev-queries.jsonl, in-process, compared in the same run against
SQLite FTS5 (trigram) over the same documents. Run: ``.venv/bin/python bench/search.py``.

Targets (issue 3): build at most 30 s on a 2-core machine; the API's p95 at most 30 ms.

``--variants`` instead compares the search speed-ups on and off (``KB_SEARCH_SPEEDUPS``), and with
``--previous DIR`` another checkout's code (``git worktree add DIR <commit>``), side by side in one
run: the corpus is imported once; each variant is a process of its own that builds its own index
from that database, one after the other, then the queries go round the variants one at a time
(the first variant changing every round), ``--rounds`` times, so that the machine's load weighs
on each alike. Latencies are measured inside each process, as in the default run.
"""
import argparse
import json
import os
from pathlib import Path
import re
import sqlite3
import statistics
import subprocess
import sys
import time

from _setup import ROOT, SHARED, CORPUS, django_with_scratch_database, rebuild_index


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def report(name, rows):
    ms = [r[0] for r in rows]
    p50, p95 = percentiles(ms)
    success = sum(1 for _, ok in rows if ok) / len(rows)
    print(f"{name:<22} success@1 {success:.3f}   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def main():
    django_with_scratch_database()
    from articles.importing import import_paths
    from articles.languages import normalize_language
    from articles.models import Translation
    from articles.rendering import plain_text
    from articles.search import sync
    from articles.search.service import search

    import_paths(CORPUS)
    started = time.perf_counter()
    count = sync.rebuild()
    whoosh_build = time.perf_counter() - started
    print(f"whoosh index build: {count} translations in {whoosh_build:.1f} s")

    queries = [json.loads(line) for line in open(SHARED / "eval" / "dev-queries.jsonl", encoding="utf-8")]
    search("warm up", "en")
    rows = []
    for q in queries:
        t = time.perf_counter()
        results = search(q["q"], normalize_language(q["lang"])).results
        rows.append(((time.perf_counter() - t) * 1000, bool(results) and results[0].article_number in q["expect"]))
    report("kb (whoosh)", rows)

    db = sqlite3.connect(":memory:")
    db.execute("create virtual table docs using fts5(number unindexed, lang unindexed, title, body, tokenize='trigram')")
    started = time.perf_counter()
    db.executemany("insert into docs values (?, ?, ?, ?)", (
        (t.article.number, t.language, t.title, plain_text(t.body))
        for t in Translation.objects.select_related("article").iterator(chunk_size=500)))
    db.commit()
    fts5_build = time.perf_counter() - started
    print(f"fts5 trigram build: {fts5_build:.1f} s (whoosh takes {whoosh_build / fts5_build:.1f}x as long; "
          "the ratio is what to compare across machines)")
    rows = []
    for q in queries:
        words = [w for w in re.findall(r"\w{3,}", q["q"])][:40]
        t = time.perf_counter()
        top = None
        if words:
            match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
            lang = normalize_language(q["lang"])
            found = db.execute("select number, lang from docs where docs match ? order by bm25(docs) limit 50",
                               (match,)).fetchall()
            mine = [n for n, l in found if l == lang] or [n for n, _ in found]
            top = mine[0] if mine else None
        rows.append(((time.perf_counter() - t) * 1000, top in q["expect"]))
    report("sqlite fts5 trigram", rows)


def variants(previous, rounds):
    """See the module docstring: ``(name, tree, KB_SEARCH_SPEEDUPS)`` variants side by side."""
    scratch = django_with_scratch_database()
    from articles.importing import import_paths

    import_paths(CORPUS)
    from django.db import connections

    connections.close_all()
    chosen = [("speed-ups on", ROOT, "1"), ("speed-ups off", ROOT, "0")]
    if previous:
        chosen.append((f"previous ({Path(previous).name})", Path(previous).resolve(), "1"))
    workers = []
    for number, (name, tree, speedups) in enumerate(chosen):
        env = {**os.environ, "KB_SEARCH_SPEEDUPS": speedups, "KB_INDEX_DIR": str(scratch / f"index-{number}"),
               "KB_LOG_LEVEL": "WARNING"}
        process = subprocess.Popen([sys.executable, __file__, "--worker", str(tree)], env=env, text=True,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ready = json.loads(process.stdout.readline())  # built and warmed up before the next one starts
        workers.append({"name": name, "process": process, "ms": [], **ready})
    queries = [json.loads(line) for line in open(SHARED / "eval" / "dev-queries.jsonl", encoding="utf-8")]
    for round_ in range(rounds):
        for number in range(len(queries)):
            for worker in workers[round_ % len(workers):] + workers[:round_ % len(workers)]:
                worker["process"].stdin.write(f"{number}\n")
                worker["process"].stdin.flush()
                worker["ms"].append(float(worker["process"].stdout.readline()))
    for worker in workers:
        worker["process"].stdin.close()
        worker["process"].wait()
    print(f"{len(queries)} queries x {rounds} rounds, each variant in turn (in-process latencies)")
    base = percentiles(workers[0]["ms"])
    for worker in workers:
        p50, p95 = percentiles(worker["ms"])
        print(f"{worker['name']:<30} build {worker['build']:5.1f} s   success@1 {worker['success']:.3f}   "
              f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   ({p50 / base[0]:.2f}x, {p95 / base[1]:.2f}x of "
              f"{workers[0]['name']})")


def worker(tree):
    """One variant: the code of ``tree`` on the shared database; answers each query number read
    from stdin with its latency in ms."""
    sys.path.insert(0, str(tree))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()
    from articles.languages import normalize_language
    from articles.search.service import search

    started = time.perf_counter()
    rebuild_index()
    build = time.perf_counter() - started
    queries = [json.loads(line) for line in open(SHARED / "eval" / "dev-queries.jsonl", encoding="utf-8")]
    asked = [(q["q"], normalize_language(q["lang"])) for q in queries]
    hits = 0
    for (text, language), q in zip(asked, queries):  # warms up, and gives success@1
        results = search(text, language).results
        hits += bool(results) and results[0].article_number in q["expect"]
    print(json.dumps({"build": build, "success": hits / len(queries)}), flush=True)
    for line in sys.stdin:
        text, language = asked[int(line)]
        t = time.perf_counter()
        search(text, language)
        print((time.perf_counter() - t) * 1000, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", action="store_true", help="speed-ups on and off (and --previous) side by side")
    parser.add_argument("--previous", help="a checkout of other code to compare with (with --variants)")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries (with --variants)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(arguments.worker)
    elif arguments.variants:
        variants(arguments.previous, arguments.rounds)
    else:
        main()
