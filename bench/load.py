"""Load benchmark: two production-like servers on loopback sharing one database, HTTP load on
one of them while an editor saves, and how long a save takes to become searchable on the other.

    server A  gunicorn kb.wsgi -w 2  + its run_indexer   (KB_INDEX_DIR=<scratch>/index-a)
    server B  gunicorn kb.wsgi -w 1  + its run_indexer   (KB_INDEX_DIR=<scratch>/index-b)

``--clients`` (50) closed-loop clients, spread over ``--processes`` (2) client processes with
keep-alive ``http.client`` connections, send requests to A for ``--seconds`` (60), each picked
at random: article pages, search pages, API searches (queries from
../shared/eval/dev-queries.jsonl) and ``/api/stats``. Meanwhile an editor process with A's
environment saves a public translation every ``--edit-interval`` (0.3) s with a unique token in
its title, and the bench polls B's ``/api/search`` for that token every 50 ms (up to 10 s).
Prints throughput, p50/p95/p99 and errors per kind (5xx and connection errors; 4xx apart),
the save-to-searchable lag on B, client and server CPU, and the targets (issue) beside the
figures. Everything runs in a scratch folder (``--reuse DIR`` keeps a prepared one between
runs); the corpus is read from ../shared/corpus at run time.

    .venv/bin/python bench/load.py [--seconds 60] [--reuse /tmp/kb-load]
    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/kb_load
"""
import argparse
import http.client
import json
import multiprocessing
import os
from pathlib import Path
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
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = [SHARED / "corpus" / "kcs", SHARED / "corpus" / "docs"]
QUERIES = SHARED / "eval" / "dev-queries.jsonl"
VENV_BIN = Path(sys.executable).parent
PREPARED = "PREPARED"  # marker in a scratch folder: migrated, imported, collected

# kind -> share of the requests
MIX = {"article": 0.45, "search_page": 0.20, "api_search": 0.25, "api_stats": 0.10}
TARGETS = {"errors": 0, "throughput": 300.0, "article_p95_ms": 100.0, "search_p95_ms": 150.0, "lag_s": 2.0}
POLL_INTERVAL = 0.05
POLL_LIMIT = 10.0
REQUEST_TIMEOUT = 15.0
GUNICORN_OPTIONS = ["--no-control-socket"]  # gunicorn >= 24 opens ~/.gunicorn/gunicorn.ctl otherwise

EDITOR = r"""
import json, random, re, sys, time
import django
django.setup()
from django.db import close_old_connections
from articles.models import Translation
from articles.languages import bcp47
ids = list(Translation.objects.public().values_list("id", flat=True))
interval, run = float(sys.argv[1]), sys.argv[2]
rng = random.Random()
counter = 0
print(json.dumps({"ready": len(ids)}), flush=True)
next_at = time.monotonic()
while True:
    counter += 1
    token = f"zqx{run}{counter:05d}"
    translation = Translation.objects.get(pk=rng.choice(ids))
    translation.title = re.sub(r"\s*zqx\d+", "", translation.title)[:400] + " " + token
    started = time.time()
    try:
        translation.save()  # autocommit: committed (and journalled) when save() returns
    except Exception as exc:  # reported by the bench, the loop goes on
        print(json.dumps({"error": repr(exc)}), flush=True)
        close_old_connections()
    else:
        print(json.dumps({"token": token, "lang": translation.language, "saved": time.time(),
                          "save_ms": (time.time() - started) * 1000}), flush=True)
    next_at += interval
    time.sleep(max(0.0, next_at - time.monotonic()))
"""


# -- scratch site ----------------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(scratch, database_url, secret):
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
    return env


def manage(env, *args, log=None, timeout=900):
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, capture_output=True, text=True)
    if log is not None:
        log.write(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        log.flush()
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def postgres_admin(url, action):
    """Create or drop the database named in ``url`` (through the ``postgres`` database)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if action == "create":
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(scratch, env, database_url, log):
    """Migrate, import the corpus, collect static files, build both indexes."""
    marker = scratch / PREPARED
    if marker.exists() and marker.read_text() == database_url:
        print(f"reusing the prepared site in {scratch}", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0", log=log)  # a scratch folder from older code
    else:
        if database_url.startswith("postgres"):
            postgres_admin(database_url, "create")
        started = time.perf_counter()
        print("preparing: migrate, import the corpus (about 2 min), collectstatic ...", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0", log=log)
        print(manage(env, "import_articles", *map(str, CORPUS), log=log).strip().splitlines()[-1], flush=True)
        manage(env, "collectstatic", "--no-input", "-v", "0", log=log)
        marker.write_text(database_url)
        print(f"prepared in {time.perf_counter() - started:.0f} s", flush=True)
    for name in ("index-a", "index-b"):
        started = time.perf_counter()
        # The related-articles lists (in the shared database) are part of a running site's steady
        # state, kept by its indexers in idle moments: worked out once here, by A's indexer.
        extra = ["--related"] if name == "index-a" else []
        out = manage({**env, "KB_INDEX_DIR": str(scratch / name)}, "run_indexer", "--once", *extra, log=log,
                     timeout=3600)
        print(f"{name}: {'; '.join(out.strip().splitlines())} ({time.perf_counter() - started:.1f} s)", flush=True)


def read_targets(env):
    """Article pages and the languages of the corpus, read from the database (a child process,
    so this process keeps no Django state)."""
    code = ("import json, django; django.setup()\n"
            "from articles.models import Translation\n"
            "rows = list(Translation.objects.public().values_list('article__number', 'language'))\n"
            "print(json.dumps(rows))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return [tuple(row) for row in json.loads(out)]


# -- processes -------------------------------------------------------------------------------
class Processes:
    """Children in their own session, so each can be stopped with what it started."""

    def __init__(self, logs):
        self.logs = logs
        self.children = []

    def start(self, name, command, env, **kwargs):
        log = open(self.logs / f"{name}.log", "w")
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=kwargs.pop("stdout", log), stderr=log,
                                start_new_session=True, **kwargs)
        self.children.append((name, proc))
        return proc

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


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


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
def client_process(port, threads, seconds, paths, seed, out_queue):
    rng = random.Random(seed)
    stop_at = time.monotonic() + seconds
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    results = {k: {"lat": [], "errors": 0, "client_errors": 0, "samples": []} for k in kinds}
    lock = threading.Lock()

    def run(thread_seed):
        local = random.Random(thread_seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine = {k: ([], [0], [0], []) for k in kinds}
        while time.monotonic() < stop_at:
            kind = local.choices(kinds, weights)[0]
            path = local.choice(paths[kind])
            lat, err, cerr, samples = mine[kind]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status = None
                conn.close()
                problem = repr(exc)
            elapsed = (time.perf_counter() - started) * 1000
            lat.append(elapsed)
            if status is None or status >= 500:
                err[0] += 1
                if len(samples) < 5:
                    samples.append(f"{path} -> {status or problem}")
            elif status >= 400:
                cerr[0] += 1
        conn.close()
        with lock:
            for k, (lat, err, cerr, samples) in mine.items():
                results[k]["lat"].extend(lat)
                results[k]["errors"] += err[0]
                results[k]["client_errors"] += cerr[0]
                results[k]["samples"].extend(samples)

    cpu_before = os.times()
    workers = [threading.Thread(target=run, args=(rng.random(),), daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + REQUEST_TIMEOUT + 5)
    cpu_after = os.times()
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    out_queue.put((results, cpu))


def build_paths(rows, queries):
    articles = [f"/{lang}/articles/{quote(number)}/" for number, lang in rows]
    served = {lang for _, lang in rows}
    searches, api = [], []
    for query in queries:
        lang = query["lang"] if query["lang"] in served else "en"
        q = quote(query["q"], safe="")
        searches.append(f"/{lang}/search?q={q}")
        api.append(f"/api/search?q={q}&lang={lang}")
    return {"article": articles, "search_page": searches, "api_search": api, "api_stats": ["/api/stats"]}


# -- save-to-searchable lag ------------------------------------------------------------------
class LagProbe:
    """Reads the editor's saves and polls server B for each token."""

    def __init__(self, port):
        self.port = port
        self.lags, self.missing, self.save_errors, self.save_ms = [], [], [], []
        self.poll_errors = 0
        self.threads = []
        self.lock = threading.Lock()
        self.accepting = True

    def follow(self, stream):
        for line in stream:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "error" in event:
                with self.lock:
                    self.save_errors.append(event["error"])
            elif "token" in event and self.accepting:
                self.save_ms.append(event["save_ms"])
                thread = threading.Thread(target=self.poll, args=(event,), daemon=True)
                thread.start()
                self.threads.append(thread)

    def poll(self, event):
        path = f"/api/search?q={event['token']}&lang={event['lang']}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        give_up = event["saved"] + POLL_LIMIT
        while time.time() < give_up:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                if response.status == 200 and any(
                        event["token"] in r.get("title", "") for r in json.loads(body).get("results", [])):
                    with self.lock:
                        self.lags.append(time.time() - event["saved"])
                    conn.close()
                    return
                if response.status >= 500:
                    with self.lock:
                        self.poll_errors += 1
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                with self.lock:
                    self.poll_errors += 1
            time.sleep(POLL_INTERVAL)
        with self.lock:
            self.missing.append(event["token"])
        conn.close()

    def finish(self):
        self.accepting = False
        for thread in self.threads:
            thread.join(POLL_LIMIT + 6)


# -- report ----------------------------------------------------------------------------------
def pct(samples, q):
    if not samples:
        return float("nan")
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(q * len(samples)))]


def verdict(ok):
    return "PASS" if ok else "MISS"


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


def _interrupt(*_):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2, help="client processes sharing the clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of server A")
    parser.add_argument("--edit-interval", type=float, default=0.3)
    parser.add_argument("--no-editor", action="store_true", help="load only: no saves, no lag (diagnosis)")
    parser.add_argument("--database-url", default=None,
                        help="postgresql://…/kb_load (created and dropped here); default a SQLite file")
    parser.add_argument("--reuse", type=Path, default=None,
                        help="scratch folder to prepare once and reuse across runs (kept afterwards)")
    args = parser.parse_args()

    if not all(path.is_dir() for path in CORPUS) or not QUERIES.is_file():
        print(f"skipped: the corpus or the eval queries are not under {SHARED}")
        return
    if not (VENV_BIN / "gunicorn").exists():
        sys.exit(f"gunicorn is not installed beside {sys.executable}")

    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="kb-load-"))
    scratch = scratch.resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    logs = scratch / "logs"
    logs.mkdir(exist_ok=True)
    database_url = args.database_url or f"sqlite:///{scratch / 'kb.sqlite3'}"
    secret = "".join(secrets.choice(string.ascii_letters + string.digits + "-_!@#%^&*") for _ in range(50))
    env = base_env(scratch, database_url, secret)
    procs = Processes(logs)
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"scratch {scratch}; database {database_url.split('@')[-1]}; load {args.clients} clients in "
          f"{args.processes} processes for {args.seconds:.0f} s; mix {MIX}", flush=True)
    try:
        with open(logs / "setup.log", "a") as setup_log:
            prepare(scratch, env, database_url, setup_log)
        rows = read_targets(env)
        segments_before = {name: segment_files(scratch / name) for name in ("index-a", "index-b")}
        queries = [json.loads(line) for line in open(QUERIES, encoding="utf-8") if line.strip()]
        paths = build_paths(rows, queries)

        port_a, port_b = free_port(), free_port()
        env_a = env
        env_b = {**env, "KB_INDEX_DIR": str(scratch / "index-b")}
        gunicorn = str(VENV_BIN / "gunicorn")
        server_a = procs.start("gunicorn-a", [gunicorn, "kb.wsgi", "-w", str(args.workers), "-b",
                                              f"127.0.0.1:{port_a}", "--backlog", "2048", *GUNICORN_OPTIONS], env_a)
        server_b = procs.start("gunicorn-b", [gunicorn, "kb.wsgi", "-w", "1", "-b", f"127.0.0.1:{port_b}",
                                              *GUNICORN_OPTIONS], env_b)
        procs.start("indexer-a", [sys.executable, "manage.py", "run_indexer"], env_a)
        procs.start("indexer-b", [sys.executable, "manage.py", "run_indexer"], env_b)
        wait_until_up(port_a, server_a, "server A")
        wait_until_up(port_b, server_b, "server B")
        # warm both servers (each worker imports lazily on first use), then time single requests
        for port in (port_a, port_b):
            for path in paths["api_search"][:10] + paths["article"][:10] + paths["search_page"][:5]:
                get(port, path)
        rng = random.Random(1)
        single = {kind: [get(port_a, rng.choice(paths[kind]))[1] for _ in range(12)] for kind in MIX}
        print("one request at a time on A, before the load (p50 ms): "
              + ", ".join(f"{kind} {pct(lat, .5):.0f}" for kind, lat in single.items()), flush=True)

        run_id = f"{random.randrange(1000, 9999)}"
        editor = procs.start("editor", [sys.executable, "-c", EDITOR, str(args.edit_interval), run_id], env_a,
                             stdout=subprocess.PIPE, text=True) if not args.no_editor else None
        ready = json.loads(editor.stdout.readline() or "{}") if editor else {"ready": 0}
        if "ready" not in ready:
            sys.exit("the editor did not start (see logs/editor.log)")
        probe = LagProbe(port_b)
        if editor:
            threading.Thread(target=probe.follow, args=(editor.stdout,), daemon=True).start()

        print(f"servers up (A :{port_a} x{args.workers} workers, B :{port_b}); editor on {ready['ready']} "
              f"public translations; load for {args.seconds:.0f} s ...", flush=True)
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        per = [args.clients // args.processes + (1 if i < args.clients % args.processes else 0)
               for i in range(args.processes)]
        load_before = os.getloadavg()[0]
        cpu_before = {name: cpu_seconds(proc.pid) for name, proc in procs.children}
        started = time.perf_counter()
        clients = [ctx.Process(target=client_process, args=(port_a, n, args.seconds, paths, i, queue))
                   for i, n in enumerate(per)]
        for client in clients:
            client.start()
        outcomes = [queue.get(timeout=args.seconds + REQUEST_TIMEOUT + 30) for _ in clients]
        wall = time.perf_counter() - started
        cpu_used = {name: cpu_seconds(proc.pid) - cpu_before[name] for name, proc in procs.children}
        server_cpu = cpu_used["gunicorn-a"]
        load_after = os.getloadavg()[0]
        for client in clients:
            client.join(10)
        probe.accepting = False
        if editor:
            os.killpg(editor.pid, signal.SIGTERM)
        probe.finish()
    except KeyboardInterrupt:
        print("interrupted: stopping the servers", flush=True)
        procs.stop_all()
        sys.exit(130)
    finally:
        procs.stop_all()
        if args.database_url and args.reuse is None and args.database_url.startswith("postgres"):
            try:
                postgres_admin(args.database_url, "drop")
            except Exception as exc:  # reported, not fatal
                print(f"could not drop the database: {exc!r}")

    # -- figures --
    merged = {k: {"lat": [], "errors": 0, "client_errors": 0, "samples": []} for k in MIX}
    client_cpu = 0.0
    for results, cpu in outcomes:
        client_cpu += cpu
        for k, r in results.items():
            for field in ("lat", "samples"):
                merged[k][field].extend(r[field])
            merged[k]["errors"] += r["errors"]
            merged[k]["client_errors"] += r["client_errors"]
    total = sum(len(r["lat"]) for r in merged.values())
    errors = sum(r["errors"] for r in merged.values())
    throughput = total / wall
    print()
    print(f"load on server A: {total} requests in {wall:.1f} s = {throughput:.0f} requests/s "
          f"({args.clients} clients, gunicorn -w {args.workers})")
    print(f"{'kind':<12} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'5xx/conn':>8} {'4xx':>5}")
    for k, r in merged.items():
        lat = r["lat"]
        print(f"{k:<12} {len(lat):>7} {len(lat) / wall:>7.1f} {pct(lat, .50):>8.1f} {pct(lat, .95):>8.1f} "
              f"{pct(lat, .99):>8.1f} {max(lat, default=float('nan')):>8.1f} {r['errors']:>8} {r['client_errors']:>5}")
    all_lat = [x for r in merged.values() for x in r["lat"]]
    print(f"{'all':<12} {total:>7} {throughput:>7.1f} {pct(all_lat, .50):>8.1f} {pct(all_lat, .95):>8.1f} "
          f"{pct(all_lat, .99):>8.1f} {max(all_lat, default=float('nan')):>8.1f} {errors:>8} "
          f"{sum(r['client_errors'] for r in merged.values()):>5}")
    for k, r in merged.items():
        for sample in r["samples"][:3]:
            print(f"  error sample ({k}): {sample}")
    cores = os.cpu_count() or 1
    print(f"CPU during the load ({cores} cores): server A (gunicorn) {server_cpu / wall:.2f} cores = "
          f"{server_cpu * 1000 / max(total, 1):.0f} ms per request; load clients {client_cpu / wall:.2f} cores; "
          + ", ".join(f"{name} {used / wall:.2f}" for name, used in cpu_used.items() if name != "gunicorn-a")
          + f"; machine load average {load_before:.1f} before, {load_after:.1f} after (other users included)")

    lags = probe.lags
    print(f"editor: {len(probe.save_ms)} saves (save() p50 {pct(probe.save_ms, .5):.0f} ms, "
          f"p95 {pct(probe.save_ms, .95):.0f} ms), {len(probe.save_errors)} failed saves")
    for problem in probe.save_errors[:3]:
        print(f"  failed save: {problem}")
    print(f"save-to-searchable on server B: {len(lags)} found, p50 {pct(lags, .5):.2f} s, "
          f"p95 {pct(lags, .95):.2f} s, max {max(lags, default=float('nan')):.2f} s; "
          f"{len(probe.missing)} not found within {POLL_LIMIT:.0f} s; {probe.poll_errors} failed polls")
    print("index segment files before -> after the run: " + ", ".join(
        f"{name} {before} -> {segment_files(scratch / name)}" for name, before in segments_before.items()))
    found = tracebacks(logs)
    print(f"tracebacks in the server, indexer and editor logs: {len(found)}")
    for name, text in found[:2]:
        print(f"--- {name}\n{text[-3000:]}")

    article_p95 = pct(merged["article"]["lat"], .95)
    search_p95 = max(pct(merged["search_page"]["lat"], .95), pct(merged["api_search"]["lat"], .95))
    lag_max = max(lags, default=float("inf")) if not probe.missing else float("inf")
    all_errors = errors + len(probe.save_errors) + probe.poll_errors
    print()
    print("summary                         measured        target")
    print(f"  errors (5xx, conn, saves)     {all_errors:>10}        {TARGETS['errors']:>4}      "
          f"{verdict(all_errors <= TARGETS['errors'])}")
    print(f"  mixed throughput              {throughput:>8.0f}/s      >= {TARGETS['throughput']:.0f}/s   "
          f"{verdict(throughput >= TARGETS['throughput'])}")
    print(f"  article pages p95             {article_p95:>8.1f} ms    <= {TARGETS['article_p95_ms']:.0f} ms  "
          f"{verdict(article_p95 <= TARGETS['article_p95_ms'])}")
    print(f"  searches p95 (page, API)      {search_p95:>8.1f} ms    <= {TARGETS['search_p95_ms']:.0f} ms  "
          f"{verdict(search_p95 <= TARGETS['search_p95_ms'])}")
    print(f"  save-to-searchable lag (max)  {lag_max:>8.2f} s     <= {TARGETS['lag_s']:.0f} s    "
          f"{verdict(lag_max <= TARGETS['lag_s']) if not args.no_editor else 'not measured (--no-editor)'}")
    print(f"  (Little's law: {args.clients} clients / {throughput:.0f} req/s = {args.clients / throughput * 1000:.0f} ms "
          f"mean latency per request at this throughput)")
    if args.reuse is None:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"logs kept in {logs}")


if __name__ == "__main__":
    main()
