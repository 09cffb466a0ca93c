"""Index wear benchmark: what a minute of saves does to each server's index and to search
latency, for this code and, with ``--previous``, another checkout side by side in one run.

Each code tree gets a scratch site of its own with the corpus (``load.Site``: server A, gunicorn
with ``--workers`` workers, and server B, one worker, each with its indexer, sharing a
database).

Searches arrive on A at ``--rate`` per second (an open loop: Poisson arrivals, each latency
counted from its scheduled time), half ``/api/search``, half the search page (its address made
unique, so that no page comes from the page cache: each is a search and a render). Saving, an
editor saves a public translation every ``--edit-interval`` s with A's environment (each save
waits until A's index has it, as a web save does), and the bench asks B for each save's token
(save-to-searchable on the other server). For each site in turn:

1. **a minute of saves** (``--seconds``), searches going on, on indexes built afresh: the
   indexes before and after it, the saves and their lag on B;
2. **latency**: ``--rounds`` rounds of a quiet slice then a saving slice, ``--seconds`` of each
   in all, the sites taking turns, so that the load of the machine (other users' included)
   weighs on quiet and saving alike: search p50/p95 quiet and saving, and their ratio.

Semantic search is off (``KB_SEMANTIC=0``, unless ``--semantic``): what wears is the Whoosh
index, and embedding the whole corpus first takes an hour on a busy 2-core machine; for the same
reason the sites are prepared without the related-article lists (``run_indexer --once`` without
``--related``: they matter to article pages, which this bench does not ask for).

Printed for each site: the ``.seg`` files in each live index folder (what ``load.py`` counts:
replaced ones waiting out their grace period included), its live segments and its commits
(Whoosh generations) before and after the minute of saves; search p50/p95 quiet and saving and
their ratio; the saves and their lag on B; CPU of the indexers and of server A per request; the
load average. Then the targets of issue 26 beside them (segment files after a minute of saves <= 30, search
p95 saving <= 1.5x quiet, save-to-searchable on B <= 2 s).

    git worktree add /tmp/prev-wear <commit>
    .venv/bin/python bench/wear.py --previous /tmp/prev-wear [--reuse /tmp/kb-wear] [--corpus ../shared/corpus/kcs]
"""
import argparse
import json
import os
from pathlib import Path
import random
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time

import load
from load import LABELS, Load, Processes, Site, base_env, pct, ratio, run_load, segment_files, settle

ROOT = load.ROOT
MIX = {"api_search": 0.5, "search_page": 0.5}
VARIANTS = 20  # unique addresses per search page query: the page cache never answers
TARGETS = {"segment_files": 30, "p95_saving_x_quiet": 1.5, "lag_s": 2.0}

# Prints the live index's segments and generation, in the site's own tree and environment.
INDEX_STATE = r"""
import json, django
django.setup()
from articles.search import get_backend
backend = get_backend()
live = backend.store.open_index()
print(json.dumps({"segments": len(backend.segments()), "generation": live.latest_generation(),
                  "documents": backend.document_count()}))
"""


def index_state(site, name):
    """``{"files", "segments", "generation", "documents"}`` of a site's index (``index-a``/``-b``)."""
    env = site.env_a if name == "index-a" else site.env_b
    out = subprocess.run([sys.executable, "-c", INDEX_STATE], cwd=site.tree, env=env, capture_output=True,
                         text=True, timeout=120)
    state = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
    return {"files": segment_files(site.scratch / name), **state}


def search_paths(paths):
    """The wear bench's request paths: every API search, and each search page under ``VARIANTS``
    unique addresses (an unused parameter)."""
    pages = [f"{path}&wear={n}" for path in paths["search_page"] for n in range(VARIANTS)]
    random.Random(3).shuffle(pages)
    return {"api_search": paths["api_search"], "search_page": pages}


def _manage_without_related(env, *args, **kwargs):
    return _manage(env, *[arg for arg in args if arg != "--related"], **kwargs)


_manage = load.manage


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60,
                        help="the minute of saves; and the quiet and the saving time of the latency rounds")
    parser.add_argument("--rounds", type=int, default=6,
                        help="latency: slices of quiet then saving per site, in turn (the machine's load weighs "
                             "on both alike)")
    parser.add_argument("--rate", type=float, default=5,
                        help="search arrivals per second on server A (below what a busy machine serves: "
                             "an open loop past it measures its queue, not the index)")
    parser.add_argument("--senders", type=int, default=12, help="the open loop's senders")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of server A")
    parser.add_argument("--edit-interval", type=float, default=0.3)
    parser.add_argument("--previous", type=Path, default=None,
                        help="a checkout of other code (git worktree add DIR <commit>) measured in the same run")
    parser.add_argument("--corpus", type=lambda text: Path(text).resolve(), nargs="+", default=load.CORPUS,
                        help="folders to import (default ../shared/corpus/kcs and docs)")
    parser.add_argument("--semantic", action="store_true",
                        help="semantic search on (KB_SEMANTIC=1): every translation is embedded first")
    parser.add_argument("--reuse", type=Path, default=None,
                        help="scratch folder to prepare once and reuse across runs (kept afterwards)")
    return parser.parse_args()


def main():
    args = parse_args()
    if not all(path.is_dir() for path in args.corpus) or not load.QUERIES.is_file():
        print(f"skipped: the corpus or the eval queries are not under {load.SHARED}")
        return
    if args.previous and not (args.previous / "manage.py").is_file():
        sys.exit(f"--previous {args.previous}: no manage.py there (git worktree add {args.previous} <commit>)")
    scratch = (args.reuse or Path(tempfile.mkdtemp(prefix="kb-wear-"))).resolve()
    logs = scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50))
    sites = []
    for name, tree, folder in [("current", ROOT, scratch)] + (
            [("previous", args.previous.resolve(), scratch / "previous")] if args.previous else []):
        folder.mkdir(exist_ok=True)
        url = f"sqlite:///{folder / 'kb.sqlite3'}"
        env = {**base_env(folder, url, secret, ""), "KB_SEMANTIC": "1" if args.semantic else "0"}
        sites.append(Site(name, tree, folder, url, env, name != "current"))
    load.manage = _manage_without_related  # Site.prepare's index step (see the module)
    procs = Processes(logs)
    signal.signal(signal.SIGTERM, load._interrupt)
    print(f"scratch {scratch}; {args.rate:.0f} searches/s on A ({', '.join(LABELS[k] for k in MIX)}); "
          f"a save every {args.edit_interval} s while saving; {os.cpu_count()} cores", flush=True)
    try:
        measured = measure(args, sites, procs, scratch)
    except KeyboardInterrupt:
        print("interrupted: stopping the servers", flush=True)
        procs.stop_all()
        sys.exit(130)
    finally:
        procs.stop_all()
    report(args, sites, measured)
    found = load.tracebacks(logs)
    print(f"tracebacks in the server, indexer and editor logs: {len(found)}")
    for name, text in found[:2]:
        print(f"--- {name}\n{text[-3000:]}")
    if args.reuse is None:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"logs kept in {logs}")


def measure(args, sites, procs, scratch):
    queries = [json.loads(line) for line in open(load.QUERIES, encoding="utf-8") if line.strip()]
    with open(scratch / "logs" / "setup.log", "a") as setup_log:
        for site in sites:
            site.prepare(args.corpus, setup_log)
            for env in (site.env_a, site.env_b):  # a fresh index, whatever earlier runs left
                load.manage(env, "rebuild_index", "-v", "0", log=setup_log, timeout=3600, cwd=site.tree)
            site.read_paths(queries)
    for site in sites:
        site.start(procs, args.workers, floor=False)
    for site in sites:
        site.wait_and_warm()
        site.wear_paths = search_paths(site.paths)
    run_id = f"{random.randrange(1000, 9999)}"
    for site in sites:
        ready = site.start_editor(procs, args.edit_interval, run_id)
        print(f"{site.name}: editor on {ready} public translations", flush=True)
    results = {site.name: {"quiet": Load("quiet"), "saving": Load("saving")} for site in sites}
    for site in sites:  # 1. the minute of saves
        settle(site, procs)
        mine = results[site.name]
        mine["before"] = {name: index_state(site, name) for name in ("index-a", "index-b")}
        print(f"{site.name}: a minute of saves ({args.seconds:.0f} s) ...", flush=True)
        site.resume()
        mine["minute"] = run_load(Load("minute"), procs, search_spec(args, site, args.seconds), args.senders, 1)
        site.pause()
        mine["after"] = {name: index_state(site, name) for name in ("index-a", "index-b")}
    print(f"latency: {args.rounds} rounds of {args.seconds / args.rounds:.0f} s quiet then "
          f"{args.seconds / args.rounds:.0f} s saving, for each site in turn ...", flush=True)
    for round_ in range(args.rounds):  # 2. quiet and saving slices in turn
        for site in sites[round_ % len(sites):] + sites[:round_ % len(sites)]:
            for mode in ("quiet", "saving"):
                settle(site, procs)
                if mode == "saving":
                    site.resume()
                run_load(results[site.name][mode], procs, search_spec(args, site, args.seconds / args.rounds),
                         args.senders, 1)
                site.pause()
    for site in sites:
        site.probe.accepting = False
        site.probe.finish()
    return results


def search_spec(args, site, seconds):
    return {"port": site.port_a, "seconds": seconds, "mix": MIX, "paths": site.wear_paths, "etags": {},
            "rate": args.rate}


def report(args, sites, results):
    print(f"\nsearch on server A, {args.rate:.0f} arrivals/s, {args.seconds:.0f} s quiet and {args.seconds:.0f} s "
          f"saving in {args.rounds} rounds (ms from the scheduled time):")
    print(f"  {'site':<9} {'kind':<14} {'quiet p50':>9} {'p95':>7} {'saving p50':>10} {'p95':>7} {'p95 ratio':>9} "
          f"{'errors':>7}  load average quiet / saving")
    for site in sites:
        quiet, saving = results[site.name]["quiet"], results[site.name]["saving"]
        for kind in [*MIX, None]:
            q, s = quiet.lat(kind), saving.lat(kind)
            print(f"  {site.name:<9} {(LABELS[kind] if kind else 'all'):<14} {pct(q, .5):>9.1f} {pct(q, .95):>7.1f} "
                  f"{pct(s, .5):>10.1f} {pct(s, .95):>7.1f} {ratio(pct(s, .95), pct(q, .95)):>8.2f}x "
                  f"{quiet.errors + saving.errors:>7}"
                  + (f"  {_loadavg(quiet)} / {_loadavg(saving)}" if kind is None else ""))
    print("\nthe indexes over the saving minute (before -> after):")
    for site in sites:
        mine = results[site.name]
        for name in ("index-a", "index-b"):
            before, after = mine["before"][name], mine["after"][name]
            print(f"  {site.name:<9} {name}: segment files {before['files']} -> {after['files']}, live segments "
                  f"{before.get('segments')} -> {after.get('segments')}, commits "
                  f"{after.get('generation', 0) - before.get('generation', 0)}, documents {after.get('documents')}")
        minute = mine["minute"]
        print(f"  {site.name:<9} search during the minute of saves: p50 {pct(minute.lat(), .5):.1f} ms, p95 "
              f"{pct(minute.lat(), .95):.1f} ms, load average {_loadavg(minute)}")
        saving = mine["saving"]
        cpu = ", ".join(f"{process} {saving.cpu[site.label(process)] / saving.wall:.2f}"
                        for process in ("gunicorn-a", "indexer-a", "gunicorn-b", "indexer-b", "editor"))
        print(f"  {site.name:<9} CPU while saving (cores): {cpu}; server A per request: quiet "
              f"{mine['quiet'].cpu_ms(site.label('gunicorn-a')):.1f} ms, saving "
              f"{saving.cpu_ms(site.label('gunicorn-a')):.1f} ms")
        load.print_saves(minute, site)
    summary(sites, results)


def _loadavg(one):
    return f"{min(one.loadavg):.1f}-{max(one.loadavg):.1f}"


def summary(sites, results):
    print("\nsummary (issue 26)                                     " + "   ".join(f"{s.name:<22}" for s in sites)
          + " target")

    def line(what, cells, target):
        print(f"  {what:<52} " + "   ".join(f"{cell:<22}" for cell in cells) + f" {target}")

    files = [max(results[s.name]["after"][n]["files"] for n in ("index-a", "index-b")) for s in sites]
    line("segment files after a minute of saves (A, B: most)",
         [f"{f} {load.verdict(f <= TARGETS['segment_files'])}" for f in files], f"<= {TARGETS['segment_files']}")
    segments = [max(results[s.name]["after"][n].get("segments", -1) for n in ("index-a", "index-b")) for s in sites]
    line("live segments after it (most)", [str(n) for n in segments], "")
    ratios = []
    for site in sites:
        q, s = pct(results[site.name]["quiet"].lat(), .95), pct(results[site.name]["saving"].lat(), .95)
        ratios.append(f"{s:.0f}/{q:.0f} ms = {ratio(s, q):.2f}x {load.verdict(ratio(s, q) <= TARGETS['p95_saving_x_quiet'])}")
    line("search p95 saving / quiet", ratios, f"<= {TARGETS['p95_saving_x_quiet']}x")
    lags = []
    for site in sites:
        saves = site.probe.within(results[site.name]["minute"].windows)
        lag = max(saves["lags"], default=float("inf")) if not saves["missing"] else float("inf")
        lags.append(f"{lag:.2f} s {load.verdict(lag <= TARGETS['lag_s'])}")
    line("save-to-searchable on B (max)", lags, f"<= {TARGETS['lag_s']:.0f} s")


if __name__ == "__main__":
    main()
