"""Page benchmark: article pages and search pages as Django serves them in-process (its test
client with DEBUG off: middleware, view, queries, related articles, templates; no HTTP server),
p50/p95 per kind, for this code and, with ``--off``, this code with ``KB_SEARCH_SPEEDUPS=0`` and,
with ``--previous DIR`` (repeatable), another checkout's (``git worktree add DIR <commit>``)
side by side in one run.

The corpus (../shared/corpus: KCS and docs) is imported once into a scratch database (SQLite,
or ``--database-url postgresql://…/kb_pages``, created and dropped by the bench). Each variant
is a process of its own that builds its own index from that database; then the pages go round
the variants one at a time (the first variant changing every round), ``--rounds`` times, so
that the machine's load weighs on each alike. The pages: ``--articles`` public translations
picked at random (seeded: the same ones every run), each in its own language, and a search page
for each query of ../shared/eval/dev-queries.jsonl. The related-articles lists of the sampled
translations are worked out before timing, as a running site's indexer keeps them.

    .venv/bin/python bench/pages.py [--off] [--previous DIR] [--rounds 3] [--articles 200] [--reuse DIR]
"""
import argparse
import json
import os
from pathlib import Path
import random
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

from _setup import ROOT, SHARED, CORPUS, rebuild_index

QUERIES = SHARED / "eval" / "dev-queries.jsonl"
IMPORTED = "IMPORTED"  # marker in a scratch folder: migrated and imported


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def prepare(scratch, database_url, articles):
    """Migrate and import into the scratch database (once per folder); returns the pages to
    time as ``[(kind, url)]`` and the primary keys of the sampled translations."""
    os.environ.update({"KB_DATABASE_URL": database_url, "KB_MEDIA_ROOT": str(scratch / "media"),
                       "KB_INDEX_DIR": str(scratch / "index"), "DJANGO_SETTINGS_MODULE": "kb.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a kept folder may come from older code
    marker = scratch / IMPORTED
    if not (marker.exists() and marker.read_text() == database_url):
        from articles.importing import import_paths

        started = time.perf_counter()
        import_paths(CORPUS)
        print(f"imported the corpus in {time.perf_counter() - started:.0f} s", flush=True)
        marker.write_text(database_url)
    from articles.languages import normalize_language
    from articles.links import article_url, url
    from articles.models import Translation

    public = sorted(Translation.objects.public().values_list("pk", "language", "article__number"))
    sample = random.Random(24).sample(public, min(articles, len(public)))
    pages = [("article", article_url(language, number)) for _, language, number in sample]
    for line in open(QUERIES, encoding="utf-8"):
        query = json.loads(line)
        search = url("articles:search", lang=normalize_language(query["lang"]))
        pages.append(("search", f"{search}?{urlencode({'q': query['q']})}"))
    from django.db import connections

    connections.close_all()
    return pages, [pk for pk, _, _ in sample]


def variants(arguments):
    scratch = Path(arguments.reuse or tempfile.mkdtemp(prefix="kb-pages-"))
    scratch.mkdir(parents=True, exist_ok=True)
    database_url = arguments.database_url or f"sqlite:///{scratch / 'kb.sqlite3'}"
    if database_url.startswith("postgres") and not (scratch / IMPORTED).exists():
        from load import postgres_admin

        postgres_admin(database_url, "create")
    pages, sample = prepare(scratch, database_url, arguments.articles)
    work = scratch / "pages.json"
    work.write_text(json.dumps({"urls": [url for _, url in pages], "related": sample}))
    chosen = [("this code", ROOT, "1")] + [(f"previous ({Path(tree).name})", Path(tree).resolve(), "1")
                                           for tree in arguments.previous]
    if arguments.off:
        chosen.insert(1, ("KB_SEARCH_SPEEDUPS=0", ROOT, "0"))
    workers = []
    for number, (name, tree, speedups) in enumerate(chosen):
        env = {**os.environ, "KB_INDEX_DIR": str(scratch / f"index-{number}"), "KB_LOG_LEVEL": "WARNING",
               "KB_SEARCH_SPEEDUPS": speedups}
        process = subprocess.Popen([sys.executable, __file__, "--worker", str(tree), str(work)], env=env,
                                   text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ready = json.loads(process.stdout.readline())  # built and warmed up before the next one starts
        workers.append({"name": name, "process": process, "ms": {"article": [], "search": []}, **ready})
    order = list(range(len(pages)))
    for round_ in range(arguments.rounds):
        random.Random(round_).shuffle(order)
        for number in order:
            for worker in workers[round_ % len(workers):] + workers[:round_ % len(workers)]:
                worker["process"].stdin.write(f"{number}\n")
                worker["process"].stdin.flush()
                worker["ms"][pages[number][0]].append(float(worker["process"].stdout.readline()))
    for worker in workers:
        worker["process"].stdin.close()
        worker["process"].wait()
    print(f"{arguments.articles} article pages and {len(pages) - arguments.articles} search pages x "
          f"{arguments.rounds} rounds, each variant in turn; database {database_url.split(':')[0]}")
    for kind in ("article", "search"):
        base = percentiles(workers[0]["ms"][kind])
        for worker in workers:
            p50, p95 = percentiles(worker["ms"][kind])
            print(f"{kind:<8} {worker['name']:<30} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   "
                  f"({p50 / base[0]:.3f}x, {p95 / base[1]:.3f}x of {workers[0]['name']})")
    if database_url.startswith("postgres") and not arguments.reuse:
        from load import postgres_admin

        postgres_admin(database_url, "drop")


def worker(tree, work):
    """One variant: the code of ``tree`` on the shared database; answers each page number read
    from stdin with the milliseconds its response took."""
    sys.path.insert(0, str(tree))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = False  # no query log, as in production (static files stay as loaded)
    started = time.perf_counter()
    rebuild_index()
    build = time.perf_counter() - started
    work = json.loads(Path(work).read_text())
    work_out_related(work["related"])
    client = Client()
    for url in work["urls"]:  # warms up (renders each body once) and checks every page answers
        status = client.get(url).status_code
        if status != 200:
            sys.exit(f"{url} answered {status}")
    print(json.dumps({"build": build}), flush=True)
    for line in sys.stdin:
        url = work["urls"][int(line)]
        started = time.perf_counter()
        client.get(url)
        print((time.perf_counter() - started) * 1000, flush=True)


def work_out_related(pks):
    """Store the related-articles lists of those translations, as the indexer does (kept if there)."""
    from django.apps import apps
    from django.utils import timezone

    from articles.models import Translation
    from articles.search import get_backend
    from articles.search.related import work_out

    model = apps.get_model("search", "RelatedArticles")
    missing = list(Translation.objects.filter(pk__in=pks, related_list__isnull=True).select_related("article"))
    backend = get_backend()
    # work_out reads what the backend hands it: a view (read), or a searcher in a checkout
    # before the backend interface (search_with).
    read = backend.read if hasattr(backend, "read") else backend.search_with
    made = read(lambda index: [model(translation=t, numbers=work_out(index, t), computed_at=timezone.now())
                               for t in missing])
    model.objects.bulk_create(made, ignore_conflicts=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--previous", action="append", default=[],
                        help="a checkout of other code to compare with (repeatable)")
    parser.add_argument("--off", action="store_true", help="this code with KB_SEARCH_SPEEDUPS=0 too")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages")
    parser.add_argument("--articles", type=int, default=200, help="article pages sampled")
    parser.add_argument("--reuse", help="a scratch folder kept between runs (imported once)")
    parser.add_argument("--database-url", help="postgresql://…/kb_pages instead of SQLite in the scratch folder")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(*arguments.worker)
    elif not all(path.is_dir() for path in CORPUS) or not QUERIES.is_file():
        sys.exit(f"skipped: the corpus or the dev queries are not under {SHARED}")
    else:
        variants(arguments)
