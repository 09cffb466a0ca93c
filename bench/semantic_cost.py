"""What semantic search costs a running site (issue 27): how long the indexer takes to embed a
freshly imported corpus and how much searches slow down meanwhile, then search latency over HTTP
and memory per worker with semantic search on, beside lexical-only, in the same run.

One scratch site (SQLite), the corpus imported and its index built with no embedding, then:

    server L  gunicorn kb.wsgi -w 2, KB_SEMANTIC=0 (lexical-only)
    server S  gunicorn kb.wsgi -w 2, KB_SEMANTIC=1
    indexer   manage.py run_indexer (KB_SEMANTIC=1: its background thread embeds, niced)

1. **quiet, nothing embedded**: the queries one at a time, in ``--rounds`` slices to S and L in turn;
2. **while embedding**: the indexer starts (every embedding of the site deleted first, so each
   run embeds the whole corpus as after a fresh import) and the queries go on, one at a time, to S
   and L in turn until every translation has an embedding of the current model: the time that
   took (target ≤ 15 min on this 2-core machine) and the searches' p50/p95 meanwhile;
3. **quiet, everything embedded** (the indexer idle, as on a live site): other queries, in
   ``--rounds`` slices to S and L in turn: p50/p95 of each, their ratio (target ≤ 1.3),
   the searches while embedding against these (target ≤ 1.2), and each server's memory per
   worker (RSS and PSS after the passes; target ≤ 1.3×).

Queries, each sent as ``/api/search?q=…&lang=…``: the development set
(../shared/eval/dev-queries.jsonl: codes, identifiers, log lines, symptoms, keywords) and
``--words`` queries in words made at run time from the titles of the site's public translations
in every language (four to six of a title's words, shuffled: no page holds them as a phrase, so
the model runs, as for a question in a reader's words). Each server is asked each query of a
phase once (the workers remember the last queries' embeddings: a repeated query would cost
nothing); warm-up queries are others.

    .venv/bin/python bench/semantic_cost.py [--reuse /tmp/kb-cost] [--corpus DIR ...]
    .venv/bin/python bench/semantic_cost.py --reuse /tmp/kb-cost --embedded  # phase 3 alone

``--embedded`` embeds the site once with ``embed_translations`` on quiet cores (kept with
``--reuse``), with every related-articles list, and measures phase 3 alone, the indexer started
but idle: run it from worktrees of two commits on the same ``--reuse`` site to compare their
search cost and memory. (The idle indexer has not read the model's weights, so each worker's
PSS counts half of those it read, not a third as after phase 2.)
"""
import argparse
import json
import os
from pathlib import Path
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from urllib.parse import quote

from load import (CORPUS, GUNICORN_OPTIONS, QUERIES, ROOT, VENV_BIN, Processes, base_env, free_port, get, manage,
                  pct, ratio, verdict, wait_until_up)

PREPARED = "PREPARED-COST"
TARGETS = {"minutes": 15.0, "during_x_quiet": 1.2, "p95_x_lexical": 1.3, "memory_x_lexical": 1.3}


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", type=Path, default=None, help="keep the imported site in DIR between runs")
    parser.add_argument("--corpus", type=lambda text: Path(text).resolve(), nargs="+", default=CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4, help="slices of the quiet phases' queries, each server in turn")
    parser.add_argument("--words", type=int, default=600, help="queries in words made from the site's titles")
    parser.add_argument("--limit-minutes", type=float, default=40.0, help="give up embedding after this long")
    parser.add_argument("--embedded", action="store_true",
                        help="only phase 3: the site embedded once by embed_translations on quiet cores (kept "
                             "with --reuse), the indexer started idle")
    return parser.parse_args()


def prepare(env, scratch, corpus):
    marker, wanted = scratch / PREPARED, json.dumps(list(map(str, corpus)))
    if marker.exists() and marker.read_text() == wanted:
        print(f"reusing the imported site in {scratch}", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        return
    for stale in scratch.glob("kb.sqlite3*"):
        stale.unlink()
    started = time.perf_counter()
    manage(env, "migrate", "--no-input", "-v", "0")
    out = manage({**env, "KB_SEMANTIC": "0"}, "import_articles", *map(str, corpus), timeout=3600)
    print(out.strip().splitlines()[-1], flush=True)
    out = manage({**env, "KB_SEMANTIC": "0"}, "run_indexer", "--once", timeout=3600)
    print(f"imported and indexed in {time.perf_counter() - started:.0f} s: {out.strip().splitlines()[0]}", flush=True)
    marker.write_text(wanted)


def counts(database):
    """(translations, embeddings of any model) in the site's database, read-only."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        translations = conn.execute("SELECT COUNT(*) FROM articles_translation").fetchone()[0]
        embedded = conn.execute("SELECT COUNT(*) FROM search_translation_embedding").fetchone()[0]
    return translations, embedded


def word_queries(database, count, seed):
    """``count`` queries in words from the titles of public translations: 4 to 6 words of one
    title, shuffled (titles of fewer than 4 words are passed over)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        rows = conn.execute("SELECT t.title, t.language FROM articles_translation t JOIN articles_article a "
                            "ON a.id = t.article_id WHERE t.hidden = 0 AND t.published_revision IS NOT NULL "
                            "AND a.audience = 'external' AND a.status = 'validated' ORDER BY t.id").fetchall()
    rng = random.Random(seed)
    rng.shuffle(rows)
    paths = []
    for title, lang in rows:
        words = title.split()
        if len(words) < 4:
            continue
        picked = rng.sample(words, min(len(words), rng.randint(4, 6)))
        paths.append(f"/api/search?q={quote(' '.join(picked)[:200], safe='')}&lang={lang}")
        if len(paths) == count:
            break
    return paths


def dev_queries():
    paths = []
    for line in QUERIES.read_text().splitlines():
        if line.strip():
            query = json.loads(line)
            paths.append(f"/api/search?q={quote(query['q'], safe='')}&lang={query['lang']}")
    return paths


def one_pass(port, paths, into, errors):
    for path in paths:
        status, _, ms = get(port, path)
        into.append(ms)
        if status != 200:
            errors.append((status, path))


def memory(master_pid):
    """[(RSS MB, PSS MB)] of each worker of a gunicorn master."""
    found = []
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            fields = {}
            for line in Path(f"/proc/{child}/smaps_rollup").read_text().splitlines()[1:]:
                name, value = line.split(":", 1)
                fields[name] = int(value.split()[0]) / 1024
            found.append((fields.get("Rss", 0.0), fields.get("Pss", 0.0)))
    return found


def figures(samples):
    return f"p50 {statistics.median(samples):6.1f} ms  p95 {pct(samples, 0.95):6.1f} ms  ({len(samples)} searches)"


def main():
    args = parse()
    if not all(path.is_dir() for path in args.corpus) or not QUERIES.exists():
        sys.exit(f"skipped: the corpus or {QUERIES} is missing")
    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="kb-cost-"))
    scratch.mkdir(parents=True, exist_ok=True)
    database = scratch / "kb.sqlite3"
    env = base_env(scratch, f"sqlite:///{database}", secrets.token_hex(16), "")
    env.update({"KB_INDEX_DIR": str(scratch / "index"), "KB_SEMANTIC": "1"})
    print(f"scratch {scratch}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}", flush=True)
    prepare(env, scratch, args.corpus)
    if args.embedded:
        started = time.perf_counter()
        out = manage(env, "embed_translations", timeout=3600)
        print(f"embed_translations, quiet: {out.strip()} in {time.perf_counter() - started:.0f} s", flush=True)
        # the related-articles lists too, or the indexer works them out (20-80 ms each) while phase 3 measures
        manage(env, "run_indexer", "--once", "--related", timeout=3600)
    else:
        with sqlite3.connect(database, timeout=30) as conn:  # as after a fresh import: nothing embedded
            conn.execute("DELETE FROM search_translation_embedding")
    dev = dev_queries()
    words = word_queries(database, args.words * 5 + 40, seed=27)
    warm, words = words[:40], words[40:]
    # phase 1 and 3: the development set and --words queries in words, each split in slices;
    # phase 2: the other queries in words, then the development set again (in turn, cycled).
    before_pool = {"dev": dev, "words": words[:args.words]}
    after_pool = {"dev": dev, "words": words[args.words:2 * args.words]}
    during_pool = words[2 * args.words:] + dev
    print(f"queries: {len(dev)} of the development set, {len(words)} in words "
          f"({args.words} before, {args.words} after, {len(during_pool)} while embedding)", flush=True)

    procs = Processes(scratch)
    gunicorn = str(VENV_BIN / "gunicorn")
    servers = {}
    try:
        for name, semantic in (("lexical", "0"), ("semantic", "1")):
            port = free_port()
            proc = procs.start(f"gunicorn-{name}", [gunicorn, "kb.wsgi", "--chdir", str(ROOT), "-w",
                                                    str(args.workers), "-b", f"127.0.0.1:{port}", *GUNICORN_OPTIONS],
                               {**env, "KB_SEMANTIC": semantic})
            servers[name] = (port, proc)
        for name, (port, proc) in servers.items():
            wait_until_up(port, proc, f"server {name}")
            one_pass(port, warm, [], [])  # each worker loads what it loads lazily (the model)

        errors = []

        def quiet(pool, rounds):
            """Each query of ``pool`` once to each server, in ``rounds`` slices taken in turn."""
            found = {name: {kind: [] for kind in pool} for name in servers}
            for index in range(rounds):
                for name, (port, _) in servers.items():
                    for kind, paths in pool.items():
                        one_pass(port, paths[index::rounds], found[name][kind], errors)
            return found

        translations, _ = counts(database)
        done_at, position = None, 0
        during = {name: [] for name in servers}
        if not args.embedded:
            before = quiet(before_pool, args.rounds)
            print("\n1. quiet, nothing embedded", flush=True)
            for name in servers:
                print(f"   {name:9s} {figures(before[name]['dev'] + before[name]['words'])}", flush=True)
            for name, (_, proc) in servers.items():  # no indexer yet, so no embedding process to ask
                workers = memory(proc.pid)
                print(f"   {name:9s} memory per worker before the indexer starts (largest): "
                      f"RSS {max(rss for rss, _ in workers):.0f} MB, PSS {max(pss for _, pss in workers):.0f} MB",
                      flush=True)
            print("\n2. while the indexer embeds the corpus", flush=True)
        indexer = procs.start("indexer", [sys.executable, "manage.py", "run_indexer"], env)
        started = time.monotonic()
        while not args.embedded and time.monotonic() - started < args.limit_minutes * 60:
            if indexer.poll() is not None:
                sys.exit(f"the indexer exited with {indexer.returncode} (see {scratch}/indexer.log)")
            batch = [during_pool[(position + i) % len(during_pool)] for i in range(20)]
            position += 20
            for name, (port, _) in servers.items():
                one_pass(port, batch, during[name], errors)
            _, embedded = counts(database)
            if embedded >= translations:
                done_at = time.monotonic() - started
                break
        if args.embedded:
            pass  # phases 1 and 2 not run
        elif done_at is None:
            print(f"   {embedded} of {translations} embedded after {args.limit_minutes:.0f} min: given up")
        else:
            print(f"   {translations} translations embedded in {done_at:.0f} s ({done_at / 60:.1f} min, "
                  f"{translations / done_at:.1f} translations/s)", flush=True)
        if position > len(during_pool):
            print(f"   ({position} queries from a pool of {len(during_pool)}: some came back)")
        for name in servers:
            if during[name]:
                print(f"   {name:9s} {figures(during[name])}", flush=True)

        time.sleep(6)  # each worker's vectors are refreshed within vectors.REFRESH_SECONDS
        print("\n3. quiet, everything embedded (the indexer idle)", flush=True)
        after = quiet(after_pool, args.rounds)
        rows = {}
        for name, (_, proc) in servers.items():
            workers = memory(proc.pid)
            rows[name] = (max(rss for rss, _ in workers), max(pss for _, pss in workers))
            print(f"   {name:9s} all    {figures(after[name]['dev'] + after[name]['words'])}", flush=True)
            for kind in after_pool:
                print(f"   {name:9s} {kind:6s} {figures(after[name][kind])}", flush=True)
            print(f"   {name:9s} memory per worker (largest): RSS {rows[name][0]:.0f} MB, PSS {rows[name][1]:.0f} MB",
                  flush=True)
        # The indexer's children: the server's embedding process (semantic.served), which embeds
        # the workers' queries; a process the workers share counts once per server.
        shared = memory(indexer.pid)
        if shared:
            print(f"   embedding process of the server (one, shared by the semantic workers): "
                  f"RSS {max(rss for rss, _ in shared):.0f} MB, PSS {max(pss for _, pss in shared):.0f} MB")
        for name, (_, proc) in servers.items():
            total = sum(pss for _, pss in memory(proc.pid)) + (sum(pss for _, pss in shared) if name == "semantic" else 0)
            print(f"   {name:9s} server's PSS, {args.workers} workers"
                  f"{' and the embedding process' if name == 'semantic' and shared else ''}: {total:.0f} MB")
        if errors:
            print(f"\n{len(errors)} answers were not 200, e.g. {errors[:3]}")

        quiet = {name: after[name]["dev"] + after[name]["words"] for name in servers}
        print("\ntargets of issue 27")
        line = "   {:58s} {:>10s}  target {:>6s}  {}"
        if done_at is not None:
            print(line.format("corpus embedded after a fresh import, minutes", f"{done_at / 60:.1f}",
                              f"≤ {TARGETS['minutes']:.0f}", verdict(done_at / 60 <= TARGETS["minutes"])))
        for name in servers if during["lexical"] else ():
            slowed = ratio(pct(during[name], 0.95), pct(quiet[name], 0.95))
            print(line.format(f"{name}: p95 while embedding ÷ quiet p95", f"{slowed:.2f}×",
                              f"≤ {TARGETS['during_x_quiet']}", verdict(slowed <= TARGETS["during_x_quiet"])))
        for q, label in ((0.5, "p50"), (0.95, "p95")):
            cost = ratio(pct(quiet["semantic"], q), pct(quiet["lexical"], q))
            print(line.format(f"search {label} over HTTP, semantic on ÷ lexical-only", f"{cost:.2f}×",
                              f"≤ {TARGETS['p95_x_lexical']}", verdict(cost <= TARGETS["p95_x_lexical"])))
        for index, label in ((0, "RSS"), (1, "PSS")):
            cost = ratio(rows["semantic"][index], rows["lexical"][index])
            print(line.format(f"memory per worker ({label}), semantic on ÷ lexical-only", f"{cost:.2f}×",
                              f"≤ {TARGETS['memory_x_lexical']}", verdict(cost <= TARGETS["memory_x_lexical"])))
    finally:
        procs.stop_all()


if __name__ == "__main__":
    main()
