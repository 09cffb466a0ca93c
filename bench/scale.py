"""Scale benchmark: the corpus grown N-fold, served by gunicorn as in production.

For each factor (default 1 and 12) the corpus (../shared/corpus kcs and docs) is copied N - 1
times into a temp folder, each copy renumbered (``article-number: KA-23014`` → ``KA-23014-c3``,
``exl-id`` likewise; a file named for its article gets the suffix in its name) so that every
copy is a distinct article; the originals count as copy 0. Then, printed:

- import rate: files/s of ``import_paths`` into a scratch SQLite database (the originals first,
  which creates the products, then the copies split among ``--jobs`` processes);
- build time of ``rebuild_index`` (``sync.rebuild()``);
- search latency p50/p95 over HTTP: ``gunicorn kb.wsgi -w 2`` on a free loopback port, the dev
  queries (../shared/eval/dev-queries.jsonl) against ``/api/search``, one pass to warm up, then
  measured passes; success@1 (a renumbered copy of an expected article counts as it);
- memory of each worker after the queries: RSS, PSS and USS from /proc/<pid>/smaps_rollup.

Run: ``.venv/bin/python bench/scale.py [--factor 12] [--factor 1] [--keep DIR] [--reuse DIR]``.
``--keep DIR`` leaves the database and index of each factor in ``DIR/x<N>``; ``--reuse DIR``
skips import (and with ``--no-build`` the build too) and serves ``DIR/x<N>`` instead, for
experiments on one grown corpus. Never writes into the project. Targets at 12× (the scale
issue): search p95 ≤ 20 ms, ≤ 300 MB per worker, build ≤ 90 s.
"""
import argparse
from concurrent.futures import ProcessPoolExecutor
import json
import multiprocessing
import os
from pathlib import Path
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from _setup import CORPUS, ROOT, SHARED, configure

GUNICORN = Path(sys.executable).with_name("gunicorn")
NUMBER_KEY_RE = re.compile(r"^(article-number|exl-id):[ \t]*(['\"]?)([^'\"\n]+?)\2[ \t]*$", re.MULTILINE)
COPY_SUFFIX_RE = re.compile(r"-c\d+$")
# A video page numbered by its file name and ``kt`` field (``importing.grouping.video_number``).
VIDEO_STEM_RE = re.compile(r"^KT-\d+$", re.IGNORECASE)
TEXT_SUFFIXES = {".md", ".markdown", ".txt"}


def grow_corpus(factor, folder):
    """Copies 1 … factor - 1 of the corpus under ``folder/c<i>/``; returns the folders to
    import, originals first."""
    copies = []
    for i in range(1, factor):
        copy = folder / f"c{i}"
        for source in CORPUS:
            for path in source.rglob("*"):
                if path.is_file():
                    _copy_renumbered(path, copy / source.name / path.relative_to(source), f"-c{i}")
        copies.append(copy)
    return copies


def _copy_renumbered(path, target, suffix):
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix not in TEXT_SUFFIXES:
        shutil.copyfile(path, target)
        return
    text = path.read_text(encoding="utf-8")
    front = text[:text.find("\n---", 3) + 1] if text.startswith("---") else ""
    renumbered, found = NUMBER_KEY_RE.subn(lambda m: f"{m[1]}: {m[2]}{m[3]}{suffix}{m[2]}", front)
    named_by_file = VIDEO_STEM_RE.match(path.name.partition(".")[0]) and "article-number:" not in front
    if not found or named_by_file:  # the article is named by its file: guide.fr-FR.md → guide-c3.fr-FR.md
        head, dot, tail = target.name.partition(".")
        target = target.with_name(head + suffix + dot + tail)
    target.write_text(renumbered + text[len(front):], encoding="utf-8")


def _import_child(scratch, paths):
    configure(Path(scratch))
    from articles.importing import import_paths

    report = import_paths(paths)
    return len(report.saved_translation_ids), len(report.failures)


def import_corpus(scratch, copies, jobs):
    """Imports the originals, then the copies with ``jobs`` processes; returns (files, seconds)."""
    from django.core.management import call_command
    from django.db import connections

    from articles.importing import import_paths

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = import_paths(CORPUS)
    saved, failed = len(report.saved_translation_ids), len(report.failures)
    connections.close_all()
    if copies:
        shares = [[str(c) for c in copies[j::jobs]] for j in range(jobs)]
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            for child_saved, child_failed in pool.map(_import_child, [str(scratch)] * jobs, shares):
                saved += child_saved
                failed += child_failed
    seconds = time.perf_counter() - started
    if failed:
        print(f"  {failed} file(s) failed to import")
    return saved, seconds


def _cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(scratch, port):
    env = dict(os.environ, KB_DEBUG="0", KB_SECRET_KEY="bench-only-not-secret",
               KB_ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen([str(GUNICORN), "kb.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "600",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get(port, "ready", "en")
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited at start")
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 120 s")


def get(port, q, lang):
    query = urllib.parse.urlencode({"q": q, "lang": lang})
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?{query}", timeout=120) as response:
        return json.load(response)


def measure_queries(port, queries, passes):
    """Warm both workers up (concurrent requests), then time ``passes`` sequential passes."""
    with ProcessPoolExecutor(2) as pool:  # two at once reach both workers
        list(pool.map(get, [port] * len(queries), [q["q"] for q in queries], [q["lang"] for q in queries]))
    times, hits = [], 0
    for _ in range(passes):
        for q in queries:
            started = time.perf_counter()
            found = get(port, q["q"], q["lang"])["results"]
            times.append((time.perf_counter() - started) * 1000)
            top = COPY_SUFFIX_RE.sub("", found[0]["article_number"]) if found else None
            hits += top in q["expect"]
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return statistics.median(times), p95, hits / (passes * len(queries))


def worker_memory(server):
    """``[(pid, rss, pss, uss)]`` in MB for each worker of the gunicorn master ``server``."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    found = []
    for pid in children:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0]) / 1024
        found.append((int(pid), fields["Rss"], fields["Pss"], fields["Private_Clean"] + fields["Private_Dirty"]))
    return found


def run(factor, scratch, reuse, build, jobs, passes):
    print(f"== {factor}x  ({scratch})", flush=True)
    configure(scratch)
    if not reuse:
        copies = grow_corpus(factor, scratch / "corpus")
        files, seconds = import_corpus(scratch, copies, jobs)
        shutil.rmtree(scratch / "corpus", ignore_errors=True)
        print(f"import: {files} translations in {seconds:.0f} s = {files / seconds:.0f} files/s ({jobs} processes)",
              flush=True)
    if build or not reuse:
        from articles.search import sync

        started, cpu = time.perf_counter(), _cpu_seconds()
        count = sync.rebuild()
        parent, children = (after - before for after, before in zip(_cpu_seconds(), cpu))
        # CPU seconds as well: on a shared machine wall time says as much about the neighbours.
        print(f"build: {count} translations in {time.perf_counter() - started:.1f} s "
              f"(CPU: this process {parent:.0f} s, its children {children:.0f} s)", flush=True)
        # The build's children hold their postings in memory (postings.TermPool): the largest
        # process this one has waited for (an earlier import's processes too, without --reuse).
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"build: largest child process peak RSS {peak:.0f} MB", flush=True)
    queries = [json.loads(line) for line in open(SHARED / "eval" / "dev-queries.jsonl", encoding="utf-8")]
    port = free_port()
    server = start_server(scratch, port)
    try:
        p50, p95, success = measure_queries(port, queries, passes)
        print(f"search over HTTP: p50 {p50:.1f} ms  p95 {p95:.1f} ms  success@1 {success:.3f} "
              f"({passes} x {len(queries)} queries)")
        for pid, rss, pss, uss in worker_memory(server):
            print(f"worker {pid}: RSS {rss:.0f} MB  PSS {pss:.0f} MB  USS {uss:.0f} MB")
    finally:
        server.terminate()
        server.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, action="append", help="corpus copies (repeatable; default 1 and 12)")
    parser.add_argument("--keep", type=Path, help="build into DIR/x<N> and leave it there")
    parser.add_argument("--reuse", type=Path, help="serve DIR/x<N> as built by --keep (no import)")
    parser.add_argument("--no-build", action="store_true", help="with --reuse: keep its index")
    parser.add_argument("--jobs", type=int, default=2, help="import processes for the copies")
    parser.add_argument("--passes", type=int, default=2, help="measured passes over the dev queries")
    args = parser.parse_args()
    if not all(path.is_dir() for path in CORPUS):
        sys.exit(f"skipped: the corpus is not at {SHARED / 'corpus'}")
    for factor in args.factor or [1, 12]:
        # Each factor in a process of its own: Django is configured once per process.
        if len(args.factor or [1, 12]) > 1:
            command = [sys.executable, __file__, "--factor", str(factor), "--jobs", str(args.jobs),
                       "--passes", str(args.passes)]
            for option in ("keep", "reuse"):
                if getattr(args, option):
                    command += [f"--{option}", str(getattr(args, option))]
            command += ["--no-build"] if args.no_build else []
            subprocess.run(command, check=True)
            continue
        base = args.reuse or args.keep
        scratch = base / f"x{factor}" if base else Path(tempfile.mkdtemp(prefix=f"kb-scale-x{factor}-"))
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            run(factor, scratch, reuse=bool(args.reuse), build=not args.no_build, jobs=args.jobs,
                passes=args.passes)
        finally:
            if not base:
                shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
