"""Log triage benchmark: pastes built from the corpus at run time — 2–4 consecutive log lines of
an English article (a code block's lines from the first that reads like a log: an error code, an
exception, ERROR/WARN, "failed", an HTTP error) buried in 1,000–9,000 lines of generated log noise
— ranked by ``articles.triage``; prints how often the article is first and in the top 3, how often
the first is it or another article quoting the same lines, and the p50/p95 time of a 1 MB paste.

The noise is what a real log holds: INFO/DEBUG lines with UUIDs, hosts and ids, 2xx access-log
lines, and, among them, the distractions that look like signals — ERROR and WARN lines with
common Java exceptions and their stack frames, request ids (``q-ab77988``), ticket numbers
(``ABC-1234``), cipher names (``AES-256``), a word glued to an exception
(``abortedjavax.jcr.RepositoryException``), 404 and 500 access-log lines — each repeated
throughout the paste as a live log repeats them.

    .venv/bin/python bench/triage.py [--pastes 200] [--timings 10] [--seed 13] [--previous DIR] [--plain]

``--plain``: noise without the distractions (INFO/DEBUG lines, 2xx access lines, heartbeats).

``--previous DIR`` also runs another checkout's code (``git worktree add DIR <commit>``) on the
same pastes in one run: the corpus is imported once; each variant is a process of its own with a
copy of the database whose error codes it derives with its own code, and its own index.

Targets (issue 23): the article first in at least 95 % of pastes; a 1 MB paste in under 2 s.
"""
import argparse
import json
import os
from pathlib import Path
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

from _setup import CORPUS, ROOT, django_with_scratch_database, rebuild_index

FENCE_RE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
# A line that reads like a log line with a problem in it (a code, a qualified exception, a level,
# an HTTP error), not like source code; the bench's own test, independent of the extraction measured.
LOG_LINE_RE = re.compile(r"\b[A-Z]{2,6}-\d{3,7}\b|\b(?:[a-z]\w*\.)+[A-Z]\w*(?:Exception|Error)\b"
                         r"|\b(?:ERROR|SEVERE|FATAL|WARN)\b|\*(?:ERROR|WARN)\*|\bHTTP/1\.[01]\"? [45]\d\d\b|Caused by:")
SOURCE_CODE_RE = re.compile(r"[{};]\s*$|\bfunction\s*\(|^\s*(?:catch|try|if|return|throw)\b")
MAX_LINE = 1500
NOISE_LINES = (1000, 9000)
EXCERPT_LINES = (2, 4)
DISTRACTING_EXCEPTIONS = [
    ("java.net.SocketTimeoutException", "Read timed out"),
    ("java.io.IOException", "Broken pipe"),
    ("java.lang.NullPointerException", "null"),
    ("java.lang.IllegalStateException", "Response already committed"),
    ("javax.jcr.RepositoryException", "Unable to access the repository"),
    ("org.eclipse.jetty.io.EofException", "Early EOF"),
]


PLAIN = False  # --plain: only the first kinds of line (INFO, 2xx access, DEBUG)


def noise_line(rng, n):
    """One line of log noise, or a few (an exception with its frames), as a list."""
    kind = rng.random() * (0.78 if PLAIN else 1.0)
    return _noise_line(rng, n, kind)


def _noise_line(rng, n, kind):
    uuid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                            rng.getrandbits(12), rng.getrandbits(48))
    clock = f"{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}"
    stamp = f"2026-05-19 {clock},{rng.randrange(1000):03d}"
    host = f"app{rng.randrange(40)}.prod.example.com"
    if kind < 0.33:
        return [f"{stamp} INFO [worker-{rng.randrange(16)}] com.example.jobs.Scheduler "
                f"Job {uuid} finished in {rng.randrange(5000)} ms on {host}"]
    if kind < 0.58:
        return [f'10.{rng.randrange(255)}.{rng.randrange(255)}.{rng.randrange(255)} - - [19/May/2026:{clock} +0000] '
                f'"GET /content/site/page-{rng.randrange(900)}.html HTTP/1.1" 200 {rng.randrange(99999)}']
    if kind < 0.78:
        return [f"{stamp} DEBUG [qtp{rng.randrange(99)}] request q-{rng.getrandbits(24):x}{rng.randrange(10)} "
                f"user u{rng.randrange(9999)} session 0x{rng.getrandbits(40):x}"]
    if kind < 0.86:
        return [f"{stamp} INFO heartbeat from {host} ok, queue depth {rng.randrange(50)}, "
                f"cipher {rng.choice(['AES-128', 'AES-256', 'SHA-256', 'ECDHE-RSA-AES256-GCM-SHA384'])}"]
    if kind < 0.91:
        return [rng.choice([
            f"{stamp} WARN [pool-3] connection pool {rng.randrange(60, 95)}% used on {host}",
            f"{stamp} WARN slow request /content/site/page-{rng.randrange(900)}.html took {rng.randrange(2000, 9000)} ms",
            f"{stamp} WARN ticket ABC-{rng.randrange(1000, 9999)} escalated for tenant t{rng.randrange(99)}",
        ])]
    if kind < 0.95:
        return [f'10.{rng.randrange(255)}.{rng.randrange(255)}.{rng.randrange(255)} - - [19/May/2026:{clock} +0000] '
                f'"GET /content/site/missing-{rng.randrange(90)}.html HTTP/1.1" {rng.choice([404, 404, 500])} 312']
    name, message = rng.choice(DISTRACTING_EXCEPTIONS)
    glue = rng.choice(["", "", "aborted"])
    return [f"{stamp} ERROR [qtp{rng.randrange(99)}] com.example.web.RequestHandler Request "
            f"{uuid} failed: {glue}{name}: {message}",
            f"\tat com.example.web.RequestHandler.handle(RequestHandler.java:{rng.randrange(40, 400)})",
            f"\tat org.eclipse.jetty.server.handler.HandlerWrapper.handle(HandlerWrapper.java:{rng.randrange(90, 140)})"]


def noise(rng, count, start):
    lines = []
    while len(lines) < count:
        lines.extend(noise_line(rng, start + len(lines)))
    return lines[:count]


def candidate_excerpts(limit, rng):
    """``[(article number, [log lines])]``: English public articles with a code block holding a
    log line; the excerpt is 2–4 consecutive lines of that block around its first log line."""
    from articles.models import Translation

    found = []
    for t in Translation.objects.public().filter(language="en").select_related("article").order_by("pk"):
        for block in FENCE_RE.findall(t.body):
            lines = [line[:MAX_LINE] for line in block.splitlines() if line.strip()]
            marked = [i for i, line in enumerate(lines) if LOG_LINE_RE.search(line) and not SOURCE_CODE_RE.search(line)]
            if marked and len(lines) >= EXCERPT_LINES[0]:
                size = min(len(lines), rng.randint(*EXCERPT_LINES))
                start = max(0, min(marked[0], len(lines) - size))
                found.append((t.article.number, lines[start:start + size]))
                break
    rng.shuffle(found)
    return found[:limit]


def paste_specs(excerpts, seed):
    """Each paste as the numbers that make it again: noise lines, the noise's seed, where the
    excerpt goes."""
    rng = random.Random(seed)
    specs = []
    for number, excerpt in excerpts:
        count = rng.randint(*NOISE_LINES)
        specs.append({"number": number, "excerpt": excerpt, "noise": count, "seed": rng.randrange(2 ** 32),
                      "at": rng.randrange(count + 1), "start": rng.randrange(86400)})
    return specs


def make_paste(spec):
    lines = noise(random.Random(spec["seed"]), spec["noise"], spec["start"])
    return "\n".join(lines[:spec["at"]] + spec["excerpt"] + lines[spec["at"]:])


def megabyte_paste(excerpt, seed):
    rng, lines, size = random.Random(seed), [], 0
    while size < 1024 * 1024 - 4096:
        for line in noise_line(rng, len(lines)):
            lines.append(line)
            size += len(line) + 1
    at = rng.randrange(len(lines))
    return "\n".join(lines[:at] + excerpt + lines[at:])[:1024 * 1024]


def rank_pastes(specs, timings):
    """``{"rows": [[rank or None, first number, seconds]], "megabyte": [seconds]}`` with the code
    this process imported."""
    from articles.triage.ranking import triage

    triage("warm up XSV-350176", "en")
    rows = []
    for spec in specs:
        paste = make_paste(spec)
        started = time.perf_counter()
        numbers = [r.article_number for r in triage(paste, "en").results]
        elapsed = time.perf_counter() - started
        rank = numbers.index(spec["number"]) + 1 if spec["number"] in numbers else None
        rows.append([rank, numbers[0] if numbers else None, elapsed])
    megabyte = []
    for index, spec in enumerate(specs[:timings]):
        paste = megabyte_paste(spec["excerpt"], index)
        started = time.perf_counter()
        triage(paste, "en")
        megabyte.append(time.perf_counter() - started)
    return {"rows": rows, "megabyte": megabyte}


def quoting(specs):
    """For each paste, the articles whose English text holds every line of its excerpt."""
    from articles.models import Translation

    bodies = dict(Translation.objects.public().filter(language="en").values_list("article__number", "body"))
    return [{n for n, body in bodies.items() if all(line.strip() in body for line in spec["excerpt"])}
            for spec in specs]


def report(name, measured, specs, quoted):
    rows, count = measured["rows"], max(1, len(specs))
    first = sum(1 for rank, _, _ in rows if rank == 1)
    top3 = sum(1 for rank, _, _ in rows if rank and rank <= 3)
    same = sum(1 for (rank, top, _), q in zip(rows, quoted) if rank == 1 or top in q)
    megabyte = sorted(measured["megabyte"]) or [0.0]
    p95 = megabyte[min(len(megabyte) - 1, int(0.95 * len(megabyte)))]
    print(f"{name:<28} first {first / count:.3f}  top3 {top3 / count:.3f}  first or quoting the lines "
          f"{same / count:.3f}  mean {1000 * statistics.mean(r[2] for r in rows):.0f} ms  "
          f"1 MB p50 {1000 * statistics.median(megabyte):.0f} ms p95 {1000 * p95:.0f} ms")
    return [(spec["number"], top, spec["excerpt"][0][:90]) for (rank, top, _), spec, q in zip(rows, specs, quoted)
            if rank != 1 and top not in q]


def rederive_codes():
    """Every translation's error codes as this process's code reads them, as an import would."""
    from articles.models import Translation
    from articles.search.codes import extract_error_codes

    changed = []
    for t in Translation.objects.only("id", "title", "description", "keywords", "body", "error_codes").iterator(
            chunk_size=500):
        codes = [list(c) for c in extract_error_codes("\n".join([t.title, t.description, " ".join(t.keywords),
                                                                  t.body]))]
        if codes != t.error_codes:
            t.error_codes = codes
            changed.append(t)
    Translation.objects.bulk_update(changed, ["error_codes"], batch_size=500)


def worker(tree, specs_path, timings):
    """One variant: ``tree``'s code on the database and index named in the environment."""
    sys.path.insert(0, str(tree))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()
    rederive_codes()
    rebuild_index()
    specs = json.loads(Path(specs_path).read_text())
    print(json.dumps(rank_pastes(specs, timings)), flush=True)


def variants(scratch, previous, specs, timings):
    """See the module docstring: ``{name: measured}`` for this tree and ``previous``."""
    from django.db import connections

    connections.close_all()
    specs_path = scratch / "pastes.json"
    specs_path.write_text(json.dumps(specs))
    database = Path(os.environ["KB_DATABASE_URL"].removeprefix("sqlite:///"))
    measured = {}
    for number, (name, tree) in enumerate([("this tree", ROOT), (f"previous ({Path(previous).name})",
                                                                    Path(previous).resolve())]):
        copy = scratch / f"variant-{number}.sqlite3"
        shutil.copyfile(database, copy)
        env = {**os.environ, "KB_DATABASE_URL": f"sqlite:///{copy}", "KB_INDEX_DIR": str(scratch / f"index-{number}"),
               "KB_LOG_LEVEL": "WARNING", "PYTHONPATH": str(tree)}
        output = subprocess.run([sys.executable, __file__, "--worker", str(tree), "--specs", str(specs_path),
                                 "--timings", str(timings)] + (["--plain"] if PLAIN else []), env=env, cwd=tree, text=True, check=True,
                                stdout=subprocess.PIPE).stdout
        measured[name] = json.loads(output.strip().splitlines()[-1])
    return measured


def reuse(folder):
    """Point kb at the database and index of an earlier run's scratch folder."""
    from _setup import configure

    configure(Path(folder))
    return Path(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pastes", type=int, default=200)
    parser.add_argument("--timings", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--reuse", help="a scratch folder of an earlier run (printed by it): no import")
    parser.add_argument("--previous", help="a checkout of other code to compare with, on the same pastes")
    parser.add_argument("--plain", action="store_true", help="noise without distractions")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--specs", help=argparse.SUPPRESS)
    options = parser.parse_args()
    global PLAIN
    PLAIN = options.plain
    if options.worker:
        return worker(options.worker, options.specs, options.timings)
    scratch = reuse(options.reuse) if options.reuse else django_with_scratch_database()
    if not options.reuse:
        from articles.importing import import_paths
        from articles.search import sync

        started = time.perf_counter()
        import_paths(CORPUS)
        sync.bring_up_to_date()
        print(f"corpus imported and indexed in {time.perf_counter() - started:.0f} s (reuse: --reuse {scratch})")
    specs = paste_specs(candidate_excerpts(options.pastes, random.Random(options.seed)), options.seed)
    quoted = quoting(specs)
    print(f"{len(specs)} pastes: {EXCERPT_LINES[0]}-{EXCERPT_LINES[1]} lines of an article in "
          f"{NOISE_LINES[0]:,}-{NOISE_LINES[1]:,} lines of {'plain ' if PLAIN else ''}noise (seed {options.seed})")
    if options.previous:
        measured = variants(scratch, options.previous, specs, options.timings)
    else:
        measured = {"this tree": rank_pastes(specs, options.timings)}
    for name, result in measured.items():
        misses = report(name, result, specs, quoted)
        for number, top, line in misses[:12]:
            print(f"    miss {number}: first was {top}; {line!r}")


if __name__ == "__main__":
    main()
