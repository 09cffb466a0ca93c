"""Import benchmark: files per second and peak memory for the whole corpus, then detection
accuracy with the path rule off.

    .venv/bin/python bench/import.py                      # this checkout, in this process
    .venv/bin/python bench/import.py --previous DIR       # and another checkout, side by side
        [--rounds 2] [--database-url postgresql://postgres@127.0.0.1:5432/kb_importbench]

With ``--previous DIR`` (``git worktree add DIR <commit>``) each first import runs in a process
of its own, on a fresh scratch database, the two checkouts taking turns (previous, current,
previous, current…) so that both meet the same load on a shared machine; the summary gives
each side's median files/s, the ratio current / previous, and the load average during the
runs. Each run prints: the first import, one re-import of the unchanged corpus, the CPU per
file of the importing process and of its children (render workers; the writer process where
there is one), and the peak RSS of the importing process and of its largest child; the summary
bounds the current commit's processes together by the importing process plus three times its
largest child (two render workers and the writer). Django runs as in production (KB_DEBUG=0:
no log of the queries) unless ``--debug``. On PostgreSQL a database named after
``--database-url`` (``…_current``, ``…_previous``) is created for each run and dropped after.

Targets: issue 2, at least 200 files/s on a 2-core machine, peak RSS under 500 MB, detection
at least 99.5% right; issue 26, the first import at least 2x the previous commit's files/s.
"""
import argparse
import json
import os
from pathlib import Path
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from _setup import postgres_admin

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0
MAX_RSS_MB = 500
CHILDREN = 3  # the current commit's: two render workers and the writer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--previous", type=Path, help="another checkout (git worktree) measured in turns with this one")
    parser.add_argument("--current", type=Path, default=ROOT, help="the checkout measured as current (default: this one)")
    parser.add_argument("--rounds", type=int, default=2, help="first imports per checkout with --previous")
    parser.add_argument("--database-url", help="postgresql://…/NAME: run on PostgreSQL (NAME_current, NAME_previous)")
    parser.add_argument("--debug", action="store_true",
                        help="run with KB_DEBUG=1 (Django's query log on) rather than as in production")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # one measured run of that checkout
    args = parser.parse_args()
    if args.run:
        print(json.dumps(measure(args.run, args.database_url, args.debug)))
    elif args.previous:
        compare(args)
    else:
        alone(args)


def alone(args):
    """This checkout in this process, then detection accuracy with the path rule off."""
    result = measure(ROOT, args.database_url, args.debug)
    show("current", result)
    from articles.importing.language_rules import language_from_path
    from articles.importing.sources import find_sources, read_source

    right = total = 0
    started = time.perf_counter()
    for path, explicit, _ in find_sources(corpus()):
        total += 1
        right += read_source(path, explicit=explicit, use_path_rule=False).language == language_from_path(path)
    print(f"language detection, path rule off: {right}/{total} = {100 * right / total:.2f}% right "
          f"({time.perf_counter() - started:.1f} s)")


def compare(args):
    previous, current = args.previous.resolve(), args.current.resolve()
    for tree in (previous, current):
        if not (tree / "manage.py").is_file():
            sys.exit(f"{tree}: no manage.py there (git worktree add {tree} <commit>)")
    results = {"previous": [], "current": []}
    print(f"corpus {', '.join(map(str, corpus()))}; database "
          f"{(args.database_url or 'SQLite').split('@')[-1]}; KB_DEBUG={int(args.debug)}; {os.cpu_count()} cores; "
          f"previous {commit_of(previous)}, current {commit_of(current)}", flush=True)
    for round_ in range(args.rounds):
        for name, tree in (("previous", previous), ("current", current)):
            result = run_in_process(tree, args.database_url and f"{args.database_url}_{name}", args.debug)
            results[name].append(result)
            show(f"{name} {round_ + 1}", result)
    summarize(results)


def summarize(results):
    rate = {name: statistics.median(r["files_per_s"] for r in runs) for name, runs in results.items()}
    pairs = [c["files_per_s"] / p["files_per_s"] for p, c in zip(results["previous"], results["current"])]
    ratio = rate["current"] / rate["previous"]
    loads = [load for runs in results.values() for r in runs for load in (r["load_before"], r["load_after"])]
    rss = max(r["rss_main_mb"] + CHILDREN * r["rss_worker_mb"] for r in results["current"])
    print(f"first import, median files/s: previous {rate['previous']:.0f}, current {rate['current']:.0f}; "
          f"ratio {ratio:.2f} (each round: {', '.join(f'{p:.2f}' for p in pairs)}; target >= {TARGET_RATIO}: "
          f"{'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    print(f"peak RSS, current, importing process + {CHILDREN} x its largest child: {rss:.0f} MB (target <= {MAX_RSS_MB}: "
          f"{'met' if rss <= MAX_RSS_MB else 'NOT met'}); load average (1 min) during the runs "
          f"{min(loads):.2f}-{max(loads):.2f} on {os.cpu_count()} cores")


def show(name, r):
    print(f"{name}: first import {r['files']} files in {r['seconds']:.1f} s = {r['files_per_s']:.0f} files/s "
          f"{r['counts']}; CPU/file: importing process {r['cpu_main_ms']:.2f} ms, its children "
          f"{r['cpu_workers_ms']:.2f} ms; re-import (unchanged) {r['rerun_files_per_s']:.0f} files/s; peak RSS "
          f"{r['rss_main_mb']:.0f} MB, largest child {r['rss_worker_mb']:.0f} MB; load {r['load_before']:.2f} -> "
          f"{r['load_after']:.2f}",
          flush=True)


def run_in_process(tree, database_url, debug):
    """One ``measure`` of ``tree`` in a process of its own (this file's code, that tree's kb)."""
    output = subprocess.run([sys.executable, __file__, "--run", str(tree)]
                            + (["--database-url", database_url] if database_url else [])
                            + (["--debug"] if debug else []),
                            cwd=tree, capture_output=True, text=True, check=False)
    if output.returncode:
        sys.exit(f"the run of {tree} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure(tree, database_url=None, debug=False):
    """Set ``tree``'s kb up on a scratch database, import the corpus, import it again."""
    scratch = Path(tempfile.mkdtemp(prefix="kb-bench-import-"))
    if database_url:
        postgres_admin(database_url, "create")
    try:
        setup_django(tree, scratch, database_url, debug)
        from articles.importing import import_paths

        load_before = os.getloadavg()[0]
        cpu, started = os.times(), time.perf_counter()
        report = import_paths(corpus())
        elapsed, after = time.perf_counter() - started, os.times()
        load_after = os.getloadavg()[0]
        # Before the re-import, whose workers are forked from a process grown by the first one.
        rss_main, rss_worker = (resource.getrusage(who).ru_maxrss / 1024
                                for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        started = time.perf_counter()
        again = import_paths(corpus())
        rerun = time.perf_counter() - started
        files = len(report.outcomes)
        return {
            "files": files, "seconds": elapsed, "files_per_s": files / elapsed, "counts": report.counts,
            "rerun_files_per_s": files / rerun, "rerun_counts": again.counts,
            "cpu_main_ms": 1000 * (after.user + after.system - cpu.user - cpu.system) / files,
            "cpu_workers_ms": 1000 * (after.children_user + after.children_system
                                      - cpu.children_user - cpu.children_system) / files,
            "rss_main_mb": rss_main, "rss_worker_mb": rss_worker,
            "load_before": load_before, "load_after": load_after,
        }
    finally:
        if database_url:
            from django.db import connections

            connections.close_all()
            postgres_admin(database_url, "drop")


def setup_django(tree, scratch, database_url, debug):
    """``tree``'s kb on a scratch database, media and index; with ``debug`` off as in production
    (Django then keeps no log of the queries)."""
    os.environ["KB_DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("KB_SECRET_KEY", "bench-import-" + os.urandom(16).hex())
    os.environ["KB_DATABASE_URL"] = database_url or f"sqlite:///{scratch / 'kb.sqlite3'}"
    os.environ["KB_MEDIA_ROOT"] = str(scratch / "media")
    os.environ["KB_INDEX_DIR"] = str(scratch / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    sys.path.insert(0, str(tree))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def corpus():
    shared = ROOT.parent / "shared"
    paths = [shared / "corpus" / "kcs", shared / "corpus" / "docs"]
    if not all(path.is_dir() for path in paths):
        sys.exit(f"skipped: the corpus is not at {shared / 'corpus'}")
    return paths



def commit_of(tree):
    found = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return found.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


if __name__ == "__main__":
    main()
