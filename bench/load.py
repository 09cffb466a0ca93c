"""Load benchmark: two production-like servers on loopback sharing one database, HTTP load on
one of them while an editor saves, and how long a save takes to become searchable on the other;
measured closed loop (throughput), open loop at fixed arrival rates (latency), against a floor,
and optionally through the project's nginx and against a previous commit, in one run.

    server A  gunicorn kb.wsgi -w 2  + its run_indexer   (KB_INDEX_DIR=<scratch>/index-a)
    server B  gunicorn kb.wsgi -w 1  + its run_indexer   (KB_INDEX_DIR=<scratch>/index-b)

The requests are of five kinds (``MIX``): an article page (a plain GET), an article page
revalidated (If-None-Match with the ETag of this client's last answer for one of ``POPULAR``
pages: 304 when it still holds), the search page, the API search (queries from
../shared/eval/dev-queries.jsonl, each in its own language) and ``/api/stats``. The run, in order:

1. **one request at a time** on A, ``--single`` of each kind (and of the units below): p50;
2. **units** on A, before any save, ``--clients`` closed-loop clients for ``--unit-seconds``
   each, in ``UNIT_ROUNDS`` slices taken in turn: the **floor** (``articles/benchfloor.py``: a view answering two bytes through the same
   gunicorn and middleware; A runs with ``KB_BENCH_FLOOR=1``), an article page **from the
   page cache** (``X-KB-Page-Cache: hit``) and a **304**: CPU per request of A, and its ratio
   to the floor's;
3. **closed loop**: ``--clients`` (50) clients over ``--processes`` (2) client processes send
   the mix for ``--seconds`` (60) while an editor with A's environment saves a public
   translation every ``--edit-interval`` (0.3) s with a unique token in its title, and the bench
   asks B's ``/api/search`` for the oldest token not yet found every 50 ms (each up to 10 s):
   throughput, p50/p95/p99, errors and answers per kind, CPU per request of A,
   save-to-searchable lag on B. With
   ``--via-nginx`` the same load also goes through ``deploy/nginx.conf`` (proxy_cache) in front
   of A, and with ``--previous DIR`` to another checkout's servers (``git worktree add DIR
   <commit>``; its own scratch site and database under <scratch>/previous, its own editor):
   the closed loop then runs in ``--rounds`` slices per target, in turn, so that the machine's
   load weighs on each alike; only the site under load saves;
4. **open loop** on A at 25 %, 50 % and 75 % of the closed loop's throughput, ``--seconds``
   each: requests arrive as a Poisson process and are sent at their scheduled times whatever
   the earlier ones did, their latency counted from the scheduled time (no coordinated
   omission); the editor saves as in 3.

Prints each phase's figures, then the targets of issue 26 beside them. Everything runs in a
scratch folder (``--reuse DIR`` keeps a prepared one between runs); the corpus is read from
../shared/corpus at run time (``--corpus`` for part of it).

    .venv/bin/python bench/load.py [--seconds 60] [--reuse /tmp/kb-load] [--via-nginx] [--previous DIR]
    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/kb_load
"""
import argparse
import collections
from collections import Counter
import http.client
import json
import multiprocessing
import os
from pathlib import Path
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote

from _setup import postgres_admin

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = [SHARED / "corpus" / "kcs", SHARED / "corpus" / "docs"]
QUERIES = SHARED / "eval" / "dev-queries.jsonl"
VENV_BIN = Path(sys.executable).parent
PREPARED = "PREPARED"  # marker in a scratch folder: migrated, imported, collected (its content says what)
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
NGINX_CONFIG = ROOT / "deploy" / "nginx.conf"
FLOOR_PATH = "/_bench/floor"  # articles.benchfloor.FLOOR_PATH

# kind -> share of the requests
MIX = {"article": 0.30, "article_304": 0.15, "search_page": 0.20, "api_search": 0.25, "api_stats": 0.10}
UNITS = ("floor", "cached", "not_modified")
LABELS = {"article": "article (GET)", "article_304": "article (If-None-Match)", "search_page": "search page",
          "api_search": "API search", "api_stats": "/api/stats", "floor": "floor (minimal view)",
          "cached": "article, page cache", "not_modified": "article, 304"}
CONDITIONAL = {"article_304", "not_modified"}  # kinds sent with If-None-Match when an ETag is known
ARTICLE_KINDS = {"article", "article_304", "cached", "not_modified"}
POPULAR = 200  # article pages the article_304 kind revalidates
UNIT_PAGES = 50  # article pages of the page-cache and 304 units
UNIT_ROUNDS = 3  # slices of each unit, in turn: the machine's load weighs on each alike
OPEN_SHARES = (0.25, 0.50, 0.75)  # open-loop arrival rates, as shares of the closed loop's throughput
TARGETS = {"cached_x_floor": 2.0, "not_modified_x_floor": 1.5, "throughput_x_previous": 2.0,
           "open_p95_x_single_p50": 4.0, "errors": 0, "lag_s": 2.0}
POLL_INTERVAL = 0.05
POLL_LIMIT = 10.0
REQUEST_TIMEOUT = 15.0
GUNICORN_OPTIONS = ["--no-control-socket"]  # gunicorn >= 24 opens ~/.gunicorn/gunicorn.ctl otherwise

# Saves a random public translation every interval while the pause file is absent.
EDITOR = r"""
import json, os, random, re, sys, time
import django
django.setup()
from django.db import close_old_connections
from articles.models import Translation
ids = list(Translation.objects.public().values_list("id", flat=True))
interval, run, pause_file = float(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random()
counter = 0
print(json.dumps({"ready": len(ids)}), flush=True)
next_at = time.monotonic()
while True:
    if os.path.exists(pause_file):
        time.sleep(0.05)
        next_at = time.monotonic()
        continue
    counter += 1
    token = f"zqx{run}{counter:05d}"
    translation = Translation.objects.get(pk=rng.choice(ids))
    translation.title = re.sub(r"\s*zqx\d+", "", translation.title)[:400] + " " + token
    started = time.time()
    try:
        translation.save()  # autocommit: committed (and journalled) when save() returns
    except Exception as exc:  # reported by the bench, the loop goes on
        print(json.dumps({"error": repr(exc), "at": time.time()}), flush=True)
        close_old_connections()
    else:
        print(json.dumps({"token": token, "id": translation.id, "lang": translation.language, "saved": time.time(),
                          "save_ms": (time.time() - started) * 1000}), flush=True)
    next_at += interval
    time.sleep(max(0.0, next_at - time.monotonic()))
"""


# -- scratch sites ---------------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(scratch, database_url, secret, cache_url):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "KB_DEBUG": "0",
        "KB_SECRET_KEY": secret,
        "KB_DATABASE_URL": database_url,
        "KB_MEDIA_ROOT": str(scratch / "media"),
        "KB_STATIC_ROOT": str(scratch / "static"),
        "KB_INDEX_DIR": str(scratch / "index-a"),
        "KB_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    if cache_url:
        env["KB_CACHE_URL"] = cache_url
    return env


def manage(env, *args, log=None, timeout=900, cwd=ROOT):
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True)
    if log is not None:
        log.write(f"$ {' '.join(args)}  (in {cwd})\n{result.stdout}{result.stderr}\n")
        log.flush()
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} in {cwd} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout



def tree_commit(tree):
    result = subprocess.run(["git", "-C", str(tree), "rev-parse", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() or None


class Site:
    """One code tree on a scratch site of its own: server A (under load), server B (followed for
    the lag), an indexer beside each, and an editor saving with A's environment."""

    def __init__(self, name, tree, scratch, database_url, env, compare_commit):
        self.name, self.tree, self.scratch, self.database_url = name, tree, scratch, database_url
        self.env_a = {**env, "KB_INDEX_DIR": str(scratch / "index-a")}
        self.env_b = {**env, "KB_INDEX_DIR": str(scratch / "index-b")}
        self.marker = {"database": database_url, "commit": tree_commit(tree) if compare_commit else None}
        self.pause_file = scratch / "editor-paused"
        self.editor = self.probe = self.server_a = None
        self.paths = {}

    def label(self, process):
        return process if self.name == "current" else f"{self.name}-{process}"

    def prepare(self, corpus, log):
        """Migrate, import the corpus, collect static files, build both indexes (a prepared folder
        for the same database, corpus and commit is reused: migrated, its indexes caught up)."""
        marker, wanted = self.scratch / PREPARED, json.dumps({**self.marker, "corpus": list(map(str, corpus))})
        if marker.exists() and marker.read_text() == wanted:
            print(f"{self.name}: reusing the prepared site in {self.scratch}", flush=True)
            manage(self.env_a, "migrate", "--no-input", "-v", "0", log=log, cwd=self.tree)
        else:
            marker.unlink(missing_ok=True)
            for stale in ("index-a", "index-b", "media", "static"):
                shutil.rmtree(self.scratch / stale, ignore_errors=True)
            for stale in self.scratch.glob("kb.sqlite3*"):
                stale.unlink()
            if self.database_url.startswith("postgres"):
                postgres_admin(self.database_url, "create")
            started = time.perf_counter()
            print(f"{self.name}: preparing in {self.scratch}: migrate, import the corpus (about 2 min "
                  "for all of it), collectstatic ...", flush=True)
            manage(self.env_a, "migrate", "--no-input", "-v", "0", log=log, cwd=self.tree)
            out = manage(self.env_a, "import_articles", *map(str, corpus), log=log, timeout=3600, cwd=self.tree)
            print(out.strip().splitlines()[-1], flush=True)
            manage(self.env_a, "collectstatic", "--no-input", "-v", "0", log=log, cwd=self.tree)
            marker.write_text(wanted)
            print(f"{self.name}: prepared in {time.perf_counter() - started:.0f} s", flush=True)
        for name, env in (("index-a", self.env_a), ("index-b", self.env_b)):
            started = time.perf_counter()
            # The related-articles lists (in the shared database) are part of a running site's steady
            # state, kept by its indexers in idle moments: worked out once here, by A's indexer.
            extra = ["--related"] if name == "index-a" else []
            out = manage(env, "run_indexer", "--once", *extra, log=log, timeout=3600, cwd=self.tree)
            print(f"{self.name} {name}: {'; '.join(out.strip().splitlines())} "
                  f"({time.perf_counter() - started:.1f} s)", flush=True)

    def read_paths(self, queries):
        """The request paths of each kind: article pages and the languages of the corpus are read
        from the database (a child process, so this process keeps no Django state)."""
        code = ("import json, django; django.setup()\n"
                "from articles.models import Translation\n"
                "rows = list(Translation.objects.public().values_list('article__number', 'language'))\n"
                "print(json.dumps(rows))\n")
        out = subprocess.run([sys.executable, "-c", code], cwd=self.tree, env=self.env_a, capture_output=True,
                             text=True, timeout=120, check=True).stdout
        rows = sorted(tuple(row) for row in json.loads(out))
        self.paths = build_paths(rows, queries)

    def start(self, procs, workers, floor):
        gunicorn = str(VENV_BIN / "gunicorn")
        self.port_a, self.port_b = free_port(), free_port()
        env_a = {**self.env_a, "KB_BENCH_FLOOR": "1"} if floor else self.env_a
        self.server_a = procs.start(self.label("gunicorn-a"), [
            gunicorn, "kb.wsgi", "--chdir", str(self.tree), "-w", str(workers), "-b", f"127.0.0.1:{self.port_a}",
            "--backlog", "2048", *GUNICORN_OPTIONS], env_a, cwd=self.tree)
        self.server_b = procs.start(self.label("gunicorn-b"), [
            gunicorn, "kb.wsgi", "--chdir", str(self.tree), "-w", "1", "-b", f"127.0.0.1:{self.port_b}",
            *GUNICORN_OPTIONS], self.env_b, cwd=self.tree)
        procs.start(self.label("indexer-a"), [sys.executable, "manage.py", "run_indexer"], self.env_a, cwd=self.tree)
        procs.start(self.label("indexer-b"), [sys.executable, "manage.py", "run_indexer"], self.env_b, cwd=self.tree)

    def wait_and_warm(self):
        wait_until_up(self.port_a, self.server_a, f"{self.name} server A")
        wait_until_up(self.port_b, self.server_b, f"{self.name} server B")
        # each worker imports lazily on first use
        for port in (self.port_a, self.port_b):
            for path in self.paths["api_search"][:10] + self.paths["article"][:10] + self.paths["search_page"][:5]:
                get(port, path)
        # the popular pages are pages, not redirections (a documentation page's /articles/ address)
        popular = [path for path in self.paths["article_304"] if get(self.port_a, path)[0] == 200]
        self.paths.update({"article_304": popular, "cached": popular[:UNIT_PAGES],
                           "not_modified": popular[:UNIT_PAGES]})

    def start_editor(self, procs, interval, run_id):
        """The editor starts paused; ``resume()`` lets it save."""
        self.pause_file.touch()
        self.editor = procs.start(self.label("editor"), [
            sys.executable, "-c", EDITOR, str(interval), run_id, str(self.pause_file)], self.env_a,
            stdout=subprocess.PIPE, text=True, cwd=self.tree)
        ready = json.loads(self.editor.stdout.readline() or "{}")
        if "ready" not in ready:
            sys.exit(f"the {self.name} editor did not start (see logs/{self.label('editor')}.log)")
        self.probe = LagProbe(self.port_b)
        threading.Thread(target=self.probe.follow, args=(self.editor.stdout,), daemon=True).start()
        return ready["ready"]

    def resume(self):
        if self.editor:
            self.pause_file.unlink(missing_ok=True)

    def pause(self):
        if self.editor:
            self.pause_file.touch()


def settle(site, procs, limit=20.0):
    """Pauses the site's editor, then waits (up to ``limit`` s) until every save it made is
    polled and its indexers are quiet, so that a load's work behind the scenes (the journal
    applied, embeddings) does not run on into the next load, another site's."""
    site.pause()
    pids = [pid for name, pid in procs.pids().items() if name in (site.label("indexer-a"), site.label("indexer-b"))]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = sum(map(cpu_seconds, pids))
        time.sleep(0.5)
        if (sum(map(cpu_seconds, pids)) - before) / 0.5 < 0.15 and not (site.probe and site.probe.pending):
            return


class Target:
    """Where a load goes: a site's server A, directly or through the edge."""

    def __init__(self, name, site, port, edge=None):
        self.name, self.site, self.port, self.edge = name, site, port, edge
        self.etags = {}

    def remember_etags(self):
        """The ETag of each popular page as this target answers it now (none from code without them)."""
        for path in self.site.paths["article_304"]:
            etag = get(self.port, path)[1].get("etag")
            if etag:
                self.etags[path] = etag


# -- processes -------------------------------------------------------------------------------
class Processes:
    """Children each in a process group of its own, so each can be stopped with what it started;
    in this session, as `make serve` runs a server and its indexer: Linux schedules each session
    (autogroup) as one, so in sessions of their own each indexer would get a share equal to all
    of server A's workers, its embedding thread's lower priority counting only inside it."""

    def __init__(self, logs):
        self.logs = logs
        self.children = []

    def start(self, name, command, env, cwd=ROOT, **kwargs):
        log = open(self.logs / f"{name}.log", "w")
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=kwargs.pop("stdout", log), stderr=log,
                                process_group=0, **kwargs)
        self.children.append((name, proc))
        return proc

    def pids(self):
        return {name: proc.pid for name, proc in self.children}

    def stop_all(self, grace=10.0):
        for name, proc in reversed(self.children):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for name, proc in self.children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop within {grace:.0f} s: killed", flush=True)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)
            # its group may still hold a worker whose master died first
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def get(port, path, headers=None):
    """One GET on a new connection: (status, headers with lower-case names, ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, (time.perf_counter() - started) * 1000


def wait_until_up(port, proc, name, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{name} exited with {proc.returncode} while starting (see its log)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/stats")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{name} did not answer /api/stats within {timeout:.0f} s")


def start_edge(procs, scratch, upstream_port):
    """deploy/nginx.conf, its @…@ words filled in, in front of ``upstream_port``; returns its port."""
    folder = scratch / "nginx"
    shutil.rmtree(folder, ignore_errors=True)  # no page kept from an earlier run
    (folder / "logs").mkdir(parents=True)
    port = free_port()
    text = NGINX_CONFIG.read_text()
    for word, value in {"@LISTEN@": f"127.0.0.1:{port}", "@UPSTREAM@": f"127.0.0.1:{upstream_port}",
                        "@CACHE_DIR@": folder / "cache", "@TEMP_DIR@": folder,
                        "@PID_FILE@": folder / "nginx.pid"}.items():
        text = text.replace(word, str(value))
    if left := re.findall(r"@[A-Z_]+@", text):
        sys.exit(f"{NGINX_CONFIG} has words this bench does not fill in: {sorted(set(left))}")
    (folder / "nginx.conf").write_text(text)
    # Its workers run as the user running the bench (as root, nginx would switch them to nobody).
    main = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    proc = procs.start("nginx", [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", main],
                       dict(os.environ))
    wait_until_up(port, proc, "nginx")
    return port


def cpu_seconds(pid):
    """User+system CPU seconds of a process and its children alive now (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    seen = set()
    while pids:
        current = pids.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            pass
    return total


# -- load clients ----------------------------------------------------------------------------
def new_tally(kinds):
    """Per kind: latencies (ms), errors (5xx, connection errors, requests never sent; with a few
    samples), 4xx, the answers (status codes, page-cache hits, the edge's X-Cache-Status), and how
    many were answered before the load's end (the throughput's count: not the last ones in flight)."""
    return {k: {"lat": [], "errors": 0, "client_errors": 0, "samples": [], "answers": Counter(), "in_time": 0}
            for k in kinds}


def exchange(conn, port, kind, path, etags, tally, since):
    """Sends one request on ``conn`` (a new one when None) and records it in ``tally``, its
    latency counted from ``since`` (perf_counter); returns the connection to use next."""
    entry = tally[kind]
    headers = {"Accept-Encoding": "gzip"}
    if kind in CONDITIONAL and path in etags:
        headers["If-None-Match"] = etags[path]
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        status, response, problem = None, None, repr(exc)
    entry["lat"].append((time.perf_counter() - since) * 1000)
    if status is None or status >= 500:
        entry["errors"] += 1
        if len(entry["samples"]) < 5:
            entry["samples"].append(f"{path} -> {status or problem}")
    elif status >= 400:
        entry["client_errors"] += 1
    entry["answers"][str(status) if status else "no answer"] += 1
    if response is None or response.getheader("Connection", "").lower() == "close":
        conn.close()
        conn = None
    if response is not None:
        if response.getheader("X-KB-Page-Cache") == "hit":
            entry["answers"]["page cache"] += 1
        if edge := response.getheader("X-Cache-Status"):
            entry["answers"][f"edge {edge}"] += 1
        if kind in ARTICLE_KINDS and (etag := response.getheader("ETag")):
            etags[path] = etag
    return conn


def merge_tally(into, tally):
    for kind, entry in tally.items():
        mine = into.setdefault(kind, new_tally([kind])[kind])
        for field in ("lat", "samples"):
            mine[field].extend(entry[field])
        for field in ("errors", "client_errors", "in_time"):
            mine[field] += entry[field]
        mine["answers"].update(entry["answers"])


def client_process(spec, threads, seed, out_queue):
    """One client process: ``threads`` closed-loop clients, or with ``spec["rate"]`` an open
    loop of that many arrivals per second served by ``threads`` senders. Puts (tally, CPU
    seconds, start delays in ms) on ``out_queue``."""
    rng = random.Random(seed)
    kinds, weights = list(spec["mix"]), list(spec["mix"].values())
    tally, delays, lock = new_tally(kinds), [], threading.Lock()
    etags = dict(spec["etags"])  # shared by this process's threads, as one browser cache per process
    stop_at = time.perf_counter() + spec["seconds"]
    port, paths = spec["port"], spec["paths"]

    def closed(thread_seed):
        local, mine, conn = random.Random(thread_seed), new_tally(kinds), None
        while time.perf_counter() < stop_at:
            kind = local.choices(kinds, weights)[0]
            conn = exchange(conn, port, kind, local.choice(paths[kind]), etags, mine, time.perf_counter())
            mine[kind]["in_time"] += time.perf_counter() <= stop_at
        if conn:
            conn.close()
        with lock:
            merge_tally(tally, mine)

    schedule = queue.Queue()

    def arrivals():
        at = time.perf_counter()
        while True:
            at += rng.expovariate(spec["rate"])
            if at >= stop_at:
                break
            kind = rng.choices(kinds, weights)[0]
            time.sleep(max(0.0, at - time.perf_counter()))
            schedule.put((at, kind, rng.choice(paths[kind])))
        for _ in range(threads):
            schedule.put(None)

    def sender(_seed):
        mine, conn, late = new_tally(kinds), None, []
        give_up = stop_at + REQUEST_TIMEOUT
        while (item := schedule.get()) is not None:
            at, kind, path = item
            now = time.perf_counter()
            if now > give_up:  # every sender busy since long before the end: counted, never sent
                mine[kind]["errors"] += 1
                mine[kind]["answers"]["not sent"] += 1
                continue
            late.append((now - at) * 1000)
            conn = exchange(conn, port, kind, path, etags, mine, at)
            mine[kind]["in_time"] += time.perf_counter() <= stop_at
        if conn:
            conn.close()
        with lock:
            merge_tally(tally, mine)
            delays.extend(late)

    cpu_before = os.times()
    if spec.get("rate"):
        workers = [threading.Thread(target=arrivals, daemon=True)]
        workers += [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(threads)]
    else:
        workers = [threading.Thread(target=closed, args=(rng.random(),), daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(spec["seconds"] + 2 * REQUEST_TIMEOUT + 5)
    cpu_after = os.times()
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    out_queue.put((tally, cpu, delays))


class Load:
    """What a load measured, over one slice or several: per-kind tallies, its seconds (as asked,
    and on the wall until the last answer), CPU seconds of each bench child over the wall time,
    the clients' CPU, the open loop's start delays, and the time windows it ran in (for the
    saves made meanwhile). Throughput counts the answers received within the seconds asked."""

    def __init__(self, name):
        self.name = name
        self.tally, self.cpu, self.delays, self.windows = {}, Counter(), [], []
        self.seconds = self.wall = self.client_cpu = 0.0
        self.loadavg = []
        self.rate = None  # arrivals per second of an open loop

    @property
    def requests(self):
        return sum(len(entry["lat"]) for entry in self.tally.values())

    @property
    def throughput(self):
        answered = sum(entry["in_time"] for entry in self.tally.values())
        return answered / self.seconds if self.seconds else float("nan")

    @property
    def errors(self):
        return sum(entry["errors"] for entry in self.tally.values())

    def lat(self, kind=None):
        if kind:
            return self.tally.get(kind, {"lat": []})["lat"]
        return [x for entry in self.tally.values() for x in entry["lat"]]

    def cpu_ms(self, process):
        return self.cpu[process] * 1000 / max(self.requests, 1)


def run_load(load, procs, spec, clients, processes):
    """Runs ``spec`` once over ``processes`` client processes sharing ``clients`` threads, adding
    what it measured to ``load``."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    rate = spec.get("rate")
    pids = procs.pids()
    load.loadavg.append(os.getloadavg()[0])
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    window_start, started = time.time(), time.perf_counter()
    children = [ctx.Process(target=client_process, args=(
        {**spec, "rate": rate / processes if rate else None}, n, random.randrange(1 << 30), out))
        for n in per]
    for child in children:
        child.start()
    outcomes = [out.get(timeout=spec["seconds"] + 3 * REQUEST_TIMEOUT + 30) for _ in children]
    load.wall += time.perf_counter() - started
    load.seconds += spec["seconds"]
    load.windows.append((window_start, time.time()))
    for name, pid in pids.items():
        load.cpu[name] += cpu_seconds(pid) - cpu_before[name]
    load.loadavg.append(os.getloadavg()[0])
    for child in children:
        child.join(10)
    for tally, cpu, delays in outcomes:
        merge_tally(load.tally, tally)
        load.client_cpu += cpu
        load.delays.extend(delays)
    return load


def served_language(tag, served):
    """The site's code for a query's language tag (``fr-FR`` → ``fr``, ``zh-Hans`` → ``zh-hans``),
    as a reader of that language searches from their own pages; ``en`` when the site has none."""
    tag = tag.lower()
    primary = tag.split("-")[0]
    return tag if tag in served else primary if primary in served else next(
        (code for code in sorted(served) if code.split("-")[0] == primary), "en")


def build_paths(rows, queries):
    articles = [f"/{lang}/articles/{quote(number)}/" for number, lang in rows]
    popular = random.Random(7).sample(articles, min(POPULAR, len(articles)))
    served = {lang for _, lang in rows}
    searches, api = [], []
    for query in queries:
        lang = served_language(query["lang"], served)
        q = quote(query["q"], safe="")
        searches.append(f"/{lang}/search?q={q}")
        api.append(f"/api/search?q={q}&lang={lang}")
    return {"article": articles, "article_304": popular, "search_page": searches, "api_search": api,
            "api_stats": ["/api/stats"], "floor": [FLOOR_PATH], "cached": popular[:UNIT_PAGES],
            "not_modified": popular[:UNIT_PAGES]}


# -- save-to-searchable lag ------------------------------------------------------------------
class LagProbe:
    """Reads the editor's saves and asks server B for each token in turn, the oldest first, every
    ``POLL_INTERVAL`` s: a server applies the journal in order, so no later save is searchable
    before an earlier one, and B answers one poll at a time however far it falls behind (a
    token found makes the next one asked at once; a lag is exact to one poll's time). A token
    saved again by a later save is superseded, not missing. Every figure is kept with the time
    of its save, so that each load takes the saves made while it ran."""

    def __init__(self, port):
        self.port = port
        self.lags, self.missing, self.save_errors, self.save_ms, self.poll_errors = [], [], [], [], []
        self.pending = collections.deque()
        self.lock = threading.Lock()
        self.accepting, self.done = True, False
        self.poller = threading.Thread(target=self.poll, daemon=True)
        self.poller.start()

    def follow(self, stream):
        for line in stream:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                if "error" in event:
                    self.save_errors.append((event["at"], event["error"]))
                elif "token" in event and self.accepting:
                    self.save_ms.append((event["saved"], event["save_ms"]))
                    self.pending.append(event)

    def poll(self):
        while not self.done or self.pending:
            with self.lock:
                event = self.pending[0] if self.pending else None
                superseded = event and any(later["id"] == event["id"] for later in list(self.pending)[1:])
            if event is None:
                time.sleep(POLL_INTERVAL)
                continue
            found = not superseded and self.searchable(event)
            with self.lock:
                if found:
                    self.lags.append((event["saved"], time.time() - event["saved"]))
                elif not superseded and time.time() > event["saved"] + POLL_LIMIT:
                    self.missing.append((event["saved"], event["token"]))
                elif not superseded:
                    event = None
                if event:
                    self.pending.popleft()
            if event is None:
                time.sleep(POLL_INTERVAL)

    def searchable(self, event):
        """Whether B's /api/search finds the token now; a failed poll is counted (5xx, connection)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", f"/api/search?q={event['token']}&lang={event['lang']}")
            response = conn.getresponse()
            body = response.read()
            if response.status >= 500:
                raise http.client.HTTPException(f"status {response.status}")
            return response.status == 200 and any(
                event["token"] in r.get("title", "") for r in json.loads(body).get("results", []))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            with self.lock:
                self.poll_errors.append((event["saved"], repr(exc)))
            return False
        finally:
            conn.close()

    def finish(self):
        self.accepting, self.done = False, True
        self.poller.join(POLL_LIMIT + 6)

    def within(self, windows):
        """The figures of the saves made within ``windows``: a dict of lists of values."""
        def inside(rows):
            return [value for at, value in rows if any(start <= at < end for start, end in windows)]
        with self.lock:
            return {"lags": inside(self.lags), "missing": inside(self.missing), "save_ms": inside(self.save_ms),
                    "save_errors": inside(self.save_errors), "poll_errors": inside(self.poll_errors)}


# -- report ----------------------------------------------------------------------------------
def pct(samples, q):
    if not samples:
        return float("nan")
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(q * len(samples)))]


def verdict(ok):
    return "PASS" if ok else "MISS"


def ratio(a, b):
    return a / b if b and b == b and a == a else float("nan")


def segment_files(index_dir):
    """Segment files in the live index folder (one per Whoosh segment, plus superseded ones
    waiting out their grace period)."""
    try:
        live = index_dir / (index_dir / "CURRENT").read_text().strip()
        return sum(1 for f in live.iterdir() if f.suffix == ".seg")
    except OSError:
        return -1


def tracebacks(logs):
    found = []
    for log in sorted(logs.glob("*.log")):
        text = log.read_text(errors="replace")
        for match in re.finditer(r"Traceback \(most recent call last\):.*?(?=\n\S|\Z)(\n\S[^\n]*)?", text, re.S):
            found.append((log.name, match.group(0)))
    return found


def answers_text(entry):
    """The answers other than 200, as shares: '304 93%, page cache 4%'."""
    total = len(entry["lat"]) or 1
    return ", ".join(f"{name} {count * 100 / total:.0f}%" for name, count in entry["answers"].most_common()
                     if name != "200") or "-"


def print_load(load, title):
    print(f"\n{title}: {load.throughput:.0f} requests/s ({load.requests} requests, {load.wall:.1f} s to the "
          f"last answer of {load.seconds:.0f} s of load)")
    print(f"  {'kind':<24} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'5xx/conn':>8} {'4xx':>5}  answers other than 200")
    for kind, entry in load.tally.items():
        lat, rate = entry["lat"], entry["in_time"] / load.seconds
        print(f"  {LABELS.get(kind, kind):<24} {len(lat):>7} {rate:>7.1f} {pct(lat, .50):>8.1f} {pct(lat, .95):>8.1f} "
              f"{pct(lat, .99):>8.1f} {max(lat, default=float('nan')):>8.1f} "
              f"{entry['errors']:>8} {entry['client_errors']:>5}  {answers_text(entry)}")
    every = load.lat()
    if len(load.tally) > 1:
        print(f"  {'all':<24} {len(every):>7} {load.throughput:>7.1f} {pct(every, .50):>8.1f} {pct(every, .95):>8.1f} "
              f"{pct(every, .99):>8.1f} {max(every, default=float('nan')):>8.1f} {load.errors:>8} "
              f"{sum(e['client_errors'] for e in load.tally.values()):>5}")
    for kind, entry in load.tally.items():
        for sample in entry["samples"][:3]:
            print(f"  error sample ({kind}): {sample}")


def print_cpu(load, site, edge):
    server = site.label("gunicorn-a")
    others = ", ".join(f"{name} {used / load.wall:.2f}" for name, used in load.cpu.items()
                       if name != server and used > 0.005 * load.wall)
    print(f"  CPU ({os.cpu_count()} cores): server A {load.cpu[server] / load.wall:.2f} cores = "
          f"{load.cpu_ms(server):.2f} ms per request"
          + (f"; nginx {load.cpu_ms('nginx'):.2f} ms per request" if edge else "")
          + f"; load clients {load.client_cpu / load.wall:.2f} cores; {others or 'others idle'}; "
          f"machine load average {min(load.loadavg):.1f}-{max(load.loadavg):.1f} (other users included)")


def print_saves(load, site):
    if not site.probe:
        print("  saves: none (--no-editor)")
        return None
    saves = site.probe.within(load.windows)
    lags = saves["lags"]
    print(f"  editor: {len(saves['save_ms'])} saves (save() p50 {pct(saves['save_ms'], .5):.0f} ms, "
          f"p95 {pct(saves['save_ms'], .95):.0f} ms), {len(saves['save_errors'])} failed; "
          f"save-to-searchable on B: {len(lags)} found, p50 {pct(lags, .5):.2f} s, p95 {pct(lags, .95):.2f} s, "
          f"max {max(lags, default=float('nan')):.2f} s; {len(saves['missing'])} not found within "
          f"{POLL_LIMIT:.0f} s; {len(saves['poll_errors'])} failed polls")
    for problem in saves["save_errors"][:3]:
        print(f"  failed save: {problem}")
    for problem in saves["poll_errors"][:2]:
        print(f"  failed poll: {problem}")
    return saves


def single_requests(port, paths, kinds, count, seed):
    """One request at a time, each on a new connection (a lone reader): a tally per kind. A
    conditional kind first asks for the page once, untimed, for its ETag."""
    rng, tally = random.Random(seed), new_tally(kinds)
    for kind in kinds:
        for _ in range(count):
            path = rng.choice(paths[kind])
            etag = get(port, path)[1].get("etag") if kind in CONDITIONAL else None
            exchange(None, port, kind, path, {path: etag} if etag else {}, tally, time.perf_counter())
    return tally


def print_singles(singles):
    """singles: {site name: tally}."""
    names = list(singles)
    print("\none request at a time on server A (p50 ms; answers other than 200):")
    kinds = [k for k in [*MIX, *UNITS] if any(k in t for t in singles.values())]
    for kind in kinds:
        cells = []
        for name in names:
            entry = singles[name].get(kind)
            if entry:
                cells.append(f"{name} {pct(entry['lat'], .5):6.1f} ({answers_text(entry)})")
        print(f"  {LABELS[kind]:<24} " + "   ".join(cells))


def _interrupt(*_):
    raise KeyboardInterrupt


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="each load: the closed loop and every open loop")
    parser.add_argument("--unit-seconds", type=float, default=10, help="each unit: floor, page cache, 304")
    parser.add_argument("--single", type=int, default=40, help="requests of each kind one at a time")
    parser.add_argument("--clients", type=int, default=50, help="closed-loop clients; the open loop's senders")
    parser.add_argument("--processes", type=int, default=2, help="client processes sharing the clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of server A")
    parser.add_argument("--edit-interval", type=float, default=0.3)
    parser.add_argument("--no-editor", action="store_true", help="load only: no saves, no lag (diagnosis)")
    parser.add_argument("--no-open", action="store_true", help="closed loop only (diagnosis)")
    parser.add_argument("--via-nginx", action="store_true",
                        help="also drive the closed loop through deploy/nginx.conf in front of server A")
    parser.add_argument("--previous", type=Path, default=None,
                        help="a checkout of other code (git worktree add DIR <commit>) measured in the same run")
    parser.add_argument("--rounds", type=int, default=None,
                        help="closed-loop slices per target, in turn (default 3 with several targets, else 1)")
    parser.add_argument("--corpus", type=lambda text: Path(text).resolve(), nargs="+", default=CORPUS,
                        help="folders to import (default ../shared/corpus/kcs and docs; part of it for a smoke run)")
    parser.add_argument("--cache-url", default="",
                        help="KB_CACHE_URL of the servers (redis://127.0.0.1:6379/0: the page cache shared by "
                             "the workers); default each worker's memory")
    parser.add_argument("--database-url", default=None,
                        help="postgresql://…/kb_load (created and dropped here; --previous uses …_previous); "
                             "default a SQLite file")
    parser.add_argument("--reuse", type=Path, default=None,
                        help="scratch folder to prepare once and reuse across runs (kept afterwards)")
    return parser.parse_args()


def main():
    args = parse_args()
    if not all(path.is_dir() for path in args.corpus) or not QUERIES.is_file():
        print(f"skipped: the corpus or the eval queries are not under {SHARED}")
        return
    if not (VENV_BIN / "gunicorn").exists():
        sys.exit(f"gunicorn is not installed beside {sys.executable}")
    if args.via_nginx and NGINX is None:
        sys.exit("--via-nginx: nginx is not installed (apt-get install nginx-light)")
    if args.previous and not (args.previous / "manage.py").is_file():
        sys.exit(f"--previous {args.previous}: no manage.py there (git worktree add {args.previous} <commit>)")

    scratch = (args.reuse or Path(tempfile.mkdtemp(prefix="kb-load-"))).resolve()
    logs = scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    secret = "".join(secrets.choice(string.ascii_letters + string.digits + "-_!@#%^&*") for _ in range(50))
    sites = []
    for name, tree, folder in [("current", ROOT, scratch)] + (
            [("previous", args.previous.resolve(), scratch / "previous")] if args.previous else []):
        folder.mkdir(exist_ok=True)
        url = (f"{args.database_url}{'_previous' if name == 'previous' else ''}" if args.database_url
               else f"sqlite:///{folder / 'kb.sqlite3'}")
        sites.append(Site(name, tree, folder, url, base_env(folder, url, secret, args.cache_url), name != "current"))
    current = sites[0]
    procs = Processes(logs)
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"scratch {scratch}; database {current.database_url.split('@')[-1]}; {args.clients} clients in "
          f"{args.processes} processes; mix " + ", ".join(f"{LABELS[k]} {v:.0%}" for k, v in MIX.items()), flush=True)
    try:
        measured = measure(args, sites, procs, scratch)
    except KeyboardInterrupt:
        print("interrupted: stopping the servers", flush=True)
        procs.stop_all()
        sys.exit(130)
    finally:
        procs.stop_all()
        if args.database_url and args.reuse is None and args.database_url.startswith("postgres"):
            for site in sites:
                try:
                    postgres_admin(site.database_url, "drop")
                except Exception as exc:  # reported, not fatal
                    print(f"could not drop the database: {exc!r}")
    report(args, sites, logs, **measured)
    if args.reuse is None:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"logs kept in {logs}")


def measure(args, sites, procs, scratch):
    """Every phase of the module docstring; returns what ``report`` prints."""
    current = sites[0]
    queries = [json.loads(line) for line in open(QUERIES, encoding="utf-8") if line.strip()]
    with open(scratch / "logs" / "setup.log", "a") as setup_log:
        for site in sites:
            site.prepare(args.corpus, setup_log)
            site.read_paths(queries)
    segments_before = {name: segment_files(scratch / name) for name in ("index-a", "index-b")}
    for site in sites:
        site.start(procs, args.workers, floor=site is current)
    for site in sites:
        site.wait_and_warm()
    targets = [Target("direct", current, current.port_a)]
    if args.via_nginx:
        targets.append(Target("nginx", current, start_edge(procs, scratch, current.port_a), edge=True))
    targets += [Target(site.name, site, site.port_a) for site in sites[1:]]

    # 1. one request at a time; the unit pages are asked for until every worker holds them
    for _ in range(3 * args.workers):
        for path in current.paths["cached"]:
            get(current.port_a, path)
    singles = {site.name: single_requests(site.port_a, site.paths, [*MIX, *(UNITS if site is current else ())],
                                          args.single, 1) for site in sites}
    print_singles(singles)

    # 2. units, before any save
    settle(current, procs)
    units = {kind: Load(kind) for kind in UNITS}
    etags = {path: get(current.port_a, path)[1].get("etag") for path in current.paths["not_modified"]}
    etags = {path: etag for path, etag in etags.items() if etag}
    print(f"units: {args.unit_seconds:.0f} s for each of {', '.join(LABELS[k] for k in UNITS)}, in "
          f"{UNIT_ROUNDS} slices each ...", flush=True)
    for round_ in range(UNIT_ROUNDS):
        for kind in UNITS[round_ % len(UNITS):] + UNITS[:round_ % len(UNITS)]:
            spec = {"port": current.port_a, "seconds": args.unit_seconds / UNIT_ROUNDS, "mix": {kind: 1.0},
                    "paths": current.paths, "etags": etags}
            run_load(units[kind], procs, spec, args.clients, args.processes)

    # 3. closed loop, each target in turn
    run_id = f"{random.randrange(1000, 9999)}"
    if not args.no_editor:
        for site in sites:
            ready = site.start_editor(procs, args.edit_interval, run_id)
            print(f"{site.name}: editor on {ready} public translations", flush=True)
    for target in targets:
        target.remember_etags()
    rounds = args.rounds or (3 if len(targets) > 1 else 1)
    closed = {target.name: Load(target.name) for target in targets}
    print(f"closed loop: {args.seconds:.0f} s for each of {', '.join(closed)}, in {rounds} slice(s) each ...",
          flush=True)
    for round_ in range(rounds):
        for target in targets[round_ % len(targets):] + targets[:round_ % len(targets)]:
            target.site.resume()
            spec = {"port": target.port, "seconds": args.seconds / rounds, "mix": MIX, "paths": target.site.paths,
                    "etags": target.etags}
            run_load(closed[target.name], procs, spec, args.clients, args.processes)
            settle(target.site, procs)

    # 4. open loop on A at shares of the direct closed loop's throughput
    opened = {}
    if not args.no_open:
        current.resume()
        for share in OPEN_SHARES:
            rate = share * closed["direct"].throughput
            print(f"open loop at {share:.0%}: {rate:.0f} arrivals/s for {args.seconds:.0f} s ...", flush=True)
            spec = {"port": current.port_a, "seconds": args.seconds, "mix": MIX, "paths": current.paths,
                    "etags": targets[0].etags, "rate": rate}
            opened[share] = Load(f"open {share:.0%}")
            opened[share].rate = rate
            run_load(opened[share], procs, spec, args.clients, args.processes)
    for site in sites:
        site.pause()
        if site.probe:
            site.probe.accepting = False
    for site in sites:
        if site.probe:
            site.probe.finish()
    return {"singles": singles, "units": units, "targets": targets, "closed": closed, "opened": opened,
            "segments_before": segments_before}


def report(args, sites, logs, singles, units, targets, closed, opened, segments_before):
    current = sites[0]
    server = current.label("gunicorn-a")
    floor = units["floor"].cpu_ms(server)
    print("\nunits on server A, before any save (closed loop, one kind each):")
    for kind, load in units.items():
        lat, cpu = load.lat(kind), load.cpu_ms(server)
        print(f"  {LABELS[kind]:<24} {cpu:6.2f} ms CPU per request = {ratio(cpu, floor):4.2f}x floor; "
              f"p50 alone {pct(singles['current'][kind]['lat'], .5):5.1f} ms, under load p50 "
              f"{pct(lat, .5):.1f} ms p95 {pct(lat, .95):.1f} ms; {load.throughput:.0f}/s; "
              f"{load.errors} errors; answers: {answers_text(load.tally[kind])}")
    saves = {}
    for target in targets:
        load = closed[target.name]
        print_load(load, f"closed loop, {target.name} ({target.site.name} code"
                         f"{', through nginx' if target.edge else ''}), {args.clients} clients")
        print_cpu(load, target.site, target.edge)
        saves[target.name] = print_saves(load, target.site)
        print(f"  (Little's law: {args.clients} clients / {load.throughput:.0f} req/s = "
              f"{args.clients / load.throughput * 1000:.0f} ms mean latency per request at this throughput)")
    for share, load in opened.items():
        print_load(load, f"open loop at {share:.0%} of the direct closed loop: {load.rate:.0f} arrivals/s "
                         f"scheduled, {len(load.delays)} sent; late starts p95 {pct(load.delays, .95):.1f} ms, "
                         f"max {max(load.delays, default=float('nan')):.0f} ms")
        print_cpu(load, current, False)
        saves[share] = print_saves(load, current)
    print("\nindex segment files before -> after the run: " + ", ".join(
        f"{name} {before} -> {segment_files(current.scratch / name)}" for name, before in segments_before.items()))
    found = tracebacks(logs)
    print(f"tracebacks in the server, indexer and editor logs: {len(found)}")
    for name, text in found[:2]:
        print(f"--- {name}\n{text[-3000:]}")
    summary(args, singles, units, closed, opened, saves, floor, server)


def summary(args, singles, units, closed, opened, saves, floor, server):
    direct = closed["direct"]
    print("\nsummary (issue 26)                                   measured                        target")

    def line(what, measured, target, ok):
        print(f"  {what:<50} {measured:<31} {target:<15} {verdict(ok) if ok is not None else ''}")

    for kind, key in (("cached", "cached_x_floor"), ("not_modified", "not_modified_x_floor")):
        cpu = units[kind].cpu_ms(server)
        line(f"{LABELS[kind]}: CPU per request", f"{cpu:.2f} ms = {ratio(cpu, floor):.2f}x floor",
             f"<= {TARGETS[key]}x floor", ratio(cpu, floor) <= TARGETS[key])
    line("floor: CPU per request, p50 alone", f"{floor:.2f} ms, {pct(singles['current']['floor']['lat'], .5):.1f} ms",
         "", None)
    if "previous" in closed:
        before = closed["previous"]
        times = ratio(direct.throughput, before.throughput)
        line("mixed closed-loop throughput vs previous",
             f"{direct.throughput:.0f}/s = {times:.2f}x {before.throughput:.0f}/s",
             f">= {TARGETS['throughput_x_previous']}x", times >= TARGETS["throughput_x_previous"])
        for kind in [None, *MIX]:
            line(f"  p95 {LABELS[kind] if kind else 'all kinds'}, current / previous",
                 f"{pct(direct.lat(kind), .95):.0f} / {pct(before.lat(kind), .95):.0f} ms = "
                 f"{ratio(pct(direct.lat(kind), .95), pct(before.lat(kind), .95)):.2f}x", "", None)
    else:
        line("mixed closed-loop throughput vs previous", f"{direct.throughput:.0f}/s (no --previous)",
             f">= {TARGETS['throughput_x_previous']}x", None)
    if "nginx" in closed:
        edge = closed["nginx"]
        line("through nginx: mixed throughput", f"{edge.throughput:.0f}/s (direct {direct.throughput:.0f}/s)",
             "printed", None)
        line("through nginx: p95 all kinds", f"{pct(edge.lat(), .95):.0f} ms (direct {pct(direct.lat(), .95):.0f} ms)",
             "printed", None)
    top = opened.get(OPEN_SHARES[-1])
    if top is None:
        line("open loop at 75%", "not measured (--no-open)", "", None)
        return
    for kind in ("article", "search_page", "api_search"):
        p95, p50 = pct(top.lat(kind), .95), pct(singles["current"][kind]["lat"], .5)
        line(f"open loop at 75% ({top.rate:.0f}/s): {LABELS[kind]} p95",
             f"{p95:.0f} ms = {ratio(p95, p50):.1f}x p50 alone {p50:.0f} ms",
             f"<= {TARGETS['open_p95_x_single_p50']}x", ratio(p95, p50) <= TARGETS["open_p95_x_single_p50"])
    found = saves[OPEN_SHARES[-1]]
    errors = top.errors + (len(found["save_errors"]) + len(found["poll_errors"]) if found else 0)
    line("open loop at 75%: errors (5xx, conn, saves, polls)", f"{errors}", f"{TARGETS['errors']}",
         errors <= TARGETS["errors"])
    if found:
        lag = max(found["lags"], default=float("inf")) if not found["missing"] else float("inf")
        line("open loop at 75%: save-to-searchable on B (max)", f"{lag:.2f} s ({len(found['lags'])} saves)",
             f"<= {TARGETS['lag_s']:.0f} s", lag <= TARGETS["lag_s"])
    else:
        line("open loop at 75%: save-to-searchable on B (max)", "not measured (--no-editor)", "", None)


if __name__ == "__main__":
    main()
