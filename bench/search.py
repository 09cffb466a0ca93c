"""Search benchmark: index build time for the whole corpus, per-query latency percentiles and
success@1 on ../shared/eval/dev-queries.jsonl, in-process, compared in the same run against
SQLite FTS5 (trigram) over the same documents. Run: ``.venv/bin/python bench/search.py``.

Targets (issue 3): build at most 30 s on a 2-core machine; the API's p95 at most 30 ms.
"""
import json
import re
import sqlite3
import statistics
import time

from _setup import SHARED, CORPUS, django_with_scratch_database


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
    from articles.search import get_backend
    from articles.search.service import search

    import_paths(CORPUS)
    started = time.perf_counter()
    count = get_backend().rebuild()
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


if __name__ == "__main__":
    main()
