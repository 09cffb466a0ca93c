"""Faults across processes: killed imports and indexers, and two servers sharing one database.

Each test runs the real commands and servers in subprocesses against a scratch database of
its own (a SQLite file, or a fresh PostgreSQL database when the suite runs on PostgreSQL), so
what is checked is what happens on a machine, not inside one test transaction.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
import urllib.request
import uuid

from django.conf import settings
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")]

ARTICLE = """---
article-number: KF-{n}
title: Fault drill {n} {word}
description: Drill article {n}.
---
# Fault drill {n}

The nightly job stops with code FLT-{n:06d} when {word} runs out.
"""


@pytest.fixture
def site(tmp_path):
    """Environment for subprocesses: a migrated scratch database, media and index folders."""
    engine = settings.DATABASES["default"]["ENGINE"]
    dropped = None
    if "postgresql" in engine:
        import psycopg

        conf = settings.DATABASES["default"]
        name = f"kb_faults_{uuid.uuid4().hex[:8]}"
        admin = dict(host=conf.get("HOST") or "127.0.0.1", port=conf.get("PORT") or 5432,
                     user=conf.get("USER") or "postgres", dbname="postgres", autocommit=True)
        with psycopg.connect(**admin) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql://{admin['user']}@{admin['host']}:{admin['port']}/{name}"
        dropped = (admin, name)
    else:
        url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    env = {**os.environ, "KB_DATABASE_URL": url, "KB_MEDIA_ROOT": str(tmp_path / "media"),
           "KB_INDEX_DIR": str(tmp_path / "index-a"), "KB_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "kb.settings"}
    env.pop("KB_DEBUG", None)
    manage(env, "migrate", "--no-input", "-v", "0")
    yield env
    if dropped:
        import psycopg

        admin, name = dropped
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args, check=True, timeout=300):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, timeout=timeout,
                          capture_output=True, text=True)


def write_articles(folder, count, word="gasket"):
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"KF-{n}.md").write_text(ARTICLE.format(n=n, word=word), encoding="utf-8")
    return folder


def index_check(env, word):
    """(documents in the index, translations in the database, the first result for ``word``)
    seen by a fresh process with ``env``."""
    script = ("import json; from articles.search import get_backend; from articles.models import Translation;"
              "from articles.search.service import search;"
              "b = get_backend();\nwith b.searcher() as s: n = s.doc_count()\n"
              f"r = search({word!r}, 'en').results\n"
              "print(json.dumps([n, Translation.objects.count(), r[0].article_number if r else None]))")
    out = manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1]
    return tuple(json.loads(out))


def test_an_import_killed_mid_way_is_finished_by_the_next_run(site, tmp_path):
    source = write_articles(tmp_path / "articles", 400)
    process = subprocess.Popen([PYTHON, "manage.py", "import_articles", str(source)], cwd=ROOT, env=site,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (Path(site["KB_DATABASE_URL"].removeprefix("sqlite:///")).exists() or "postgresql" in site["KB_DATABASE_URL"]):
            count = _count_translations(site)
            if count >= 40:
                break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    # The re-run finds most files unchanged, and still leaves every one of them searchable.
    rerun = manage(site, "import_articles", str(source))
    assert "unchanged" in rerun.stdout
    documents, translations, hits = index_check(site, "FLT-000399")
    assert documents == translations == 400 and hits == "KF-399"


def _count_translations(env):
    script = "from articles.models import Translation; print(Translation.objects.count())"
    result = manage(env, "shell", "-c", script, check=False, timeout=60)
    try:
        return int(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def test_a_rebuild_killed_mid_way_leaves_no_process_and_is_tidied(site, tmp_path):
    write_articles(tmp_path / "articles", 300)
    manage(site, "import_articles", str(tmp_path / "articles"))
    process = subprocess.Popen([PYTHON, "manage.py", "rebuild_index"], cwd=ROOT, env=site,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    children = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(1.0)
    assert not [pid for pid in children if _alive(pid)], "build processes outlived their parent"
    manage(site, "run_indexer", "--once")
    index_root = Path(site["KB_INDEX_DIR"])
    live = (index_root / "CURRENT").read_text()
    folders = [p.name for p in index_root.glob("index-*") if not (p / "SUPERSEDED").exists()]
    assert folders == [live]
    assert index_check(site, "FLT-000299") == (300, 300, "KF-299")


def _children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(url, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except Exception:  # noqa: BLE001 — not up yet
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def _search(base, text):
    url = f"{base}/api/search?" + urllib.parse.urlencode({"q": text, "lang": "en"})
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_a_save_on_one_server_is_found_through_the_other_within_two_seconds(site, tmp_path):
    import urllib.parse  # noqa: F401 — used by _search

    write_articles(tmp_path / "articles", 20)
    manage(site, "import_articles", str(tmp_path / "articles"))
    servers, processes = [], []
    try:
        for name in ("a", "b"):
            env = {**site, "KB_INDEX_DIR": str(tmp_path / f"index-{name}"), "KB_DEBUG": "0",
                   "KB_SECRET_KEY": "multi-server-test-key-" + "x" * 40}
            manage(env, "run_indexer", "--once")
            port = _free_port()
            processes.append(subprocess.Popen(
                [str(GUNICORN), "kb.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "30"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            processes.append(subprocess.Popen([PYTHON, "manage.py", "run_indexer", "--poll", "0.1"], cwd=ROOT,
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            servers.append((env, f"http://127.0.0.1:{port}"))
        for _, base in servers:
            _wait_http(f"{base}/api/search?q=gasket", time.monotonic() + 30)
        (env_a, _), (_, base_b) = servers
        assert _search(base_b, "gasket")["total"] == 20
        # The save is made by a process of server A (as its admin or editor would).
        manage(env_a, "shell", "-c",
               "from articles.models import Translation\n"
               "t = Translation.objects.get(article__number='KF-7')\n"
               "t.title = 'Fault drill seven: the flywheel cracked'\nt.save()")
        saved = time.monotonic()
        while time.monotonic() - saved < 2.0:
            # Only KF-7 holds the word: it comes first (semantic search may add neighbours after it).
            results = _search(base_b, "flywheel")["results"]
            if results and results[0]["article_number"] == "KF-7":
                break
            time.sleep(0.05)
        assert results and results[0]["article_number"] == "KF-7", "server B did not find the change within 2 s"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


CONSISTENCY = """
import json
from articles.models import Translation
from articles.search import get_backend
with get_backend().searcher() as s:
    indexed = {int(f["id"]): f["title"] for f in s.all_stored_fields()}
stored = dict(Translation.objects.values_list("pk", "title"))
print(json.dumps([len(stored), sorted(pk for pk in stored if indexed.get(pk) != stored[pk]),
                  sorted(pk for pk in indexed if pk not in stored)]))
"""


def consistency(env):
    """(translations, those whose indexed title differs from the database, indexed ones gone)."""
    out = manage(env, "shell", "-c", CONSISTENCY).stdout.strip().splitlines()[-1]
    return tuple(json.loads(out))


SAVER = """
import sys, time
from articles.models import Translation
end = time.monotonic() + float(sys.argv[1])
n = 0
while time.monotonic() < end:
    for t in Translation.objects.filter(article__number__in=["KF-1", "KF-2", "KF-3"]):
        t.title = f"Saved while importing {n}"
        t.save()
        n += 1
    time.sleep(0.05)
print(n)
"""


def test_an_import_and_saves_at_the_same_time_lose_nothing(site, tmp_path):
    write_articles(tmp_path / "first", 10)
    manage(site, "import_articles", str(tmp_path / "first"))
    write_articles(tmp_path / "second", 300, word="bellows")  # KF-0..299: updates and new ones
    (tmp_path / "saver.py").write_text(SAVER)
    saver = subprocess.Popen([PYTHON, "manage.py", "shell", "-c",
                              f"import sys; sys.argv = ['x', '6']; exec(open({str(tmp_path / 'saver.py')!r}).read())"],
                             cwd=ROOT, env=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    importer = manage(site, "import_articles", str(tmp_path / "second"), check=False)
    out, err = saver.communicate(timeout=120)
    assert importer.returncode == 0, importer.stderr
    assert saver.returncode == 0 and int(out.strip().splitlines()[-1]) > 0, err
    manage(site, "run_indexer", "--once")
    translations, differing, gone = consistency(site)
    assert (translations, differing, gone) == (300, [], [])


def test_an_indexer_killed_while_applying_is_finished_by_the_next_one(site, tmp_path):
    write_articles(tmp_path / "articles", 300)
    manage(site, "import_articles", str(tmp_path / "articles"))
    manage(site, "shell", "-c", "from articles.models import Translation\n"
                                "from django.db import transaction\n"
                                "for t in Translation.objects.all():\n"
                                "    t.title = 'Renamed ' + t.title\n"
                                "    t.save()\n")
    # The saves above caught up on commit; make the index stale again without indexing.
    manage(site, "shell", "-c", "from articles.models import Translation\n"
                                "from articles.search import sync\n"
                                "from django.db.models.functions import Concat\n"
                                "from django.db.models import Value\n"
                                "Translation.objects.update(title=Concat(Value('Stale '), 'title'))\n"
                                "with sync.deferred():  # recorded, not applied\n"
                                "    sync.record_change(Translation.objects.values_list('pk', flat=True), sync.SAVE)\n")
    process = subprocess.Popen([PYTHON, "manage.py", "run_indexer", "--once"], cwd=ROOT, env=site,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    manage(site, "run_indexer", "--once")
    assert consistency(site) == (300, [], [])


WEAR_SCRIPT = """
import json
from articles.search import get_backend
b = get_backend()
segments = b.segments()
print(json.dumps([len(segments), sum(s.doc_count_all() - s.doc_count() for s in segments), b.worn()]))
"""


def _wear(env):
    """(segments, deleted copies, worn) of the live index, seen by a fresh process."""
    return tuple(json.loads(manage(env, "shell", "-c", WEAR_SCRIPT).stdout.strip().splitlines()[-1]))


def test_a_worn_index_is_replaced_by_a_fresh_build_while_the_indexer_runs(site, tmp_path):
    manage(site, "import_articles", str(write_articles(tmp_path / "articles", 40)))
    manage(site, "shell", "-c", "from articles.models import Translation\n"
                                "for t in Translation.objects.order_by('pk')[:6]:\n"
                                "    t.title += ' refurbished'; t.save()")
    manage(site, "run_indexer", "--once")
    segments, deleted, worn = _wear(site)
    assert deleted == 6 and worn  # 6 old copies of 46 documents
    index_root = Path(site["KB_INDEX_DIR"])
    before = (index_root / "CURRENT").read_text()
    # Rebuilt in any moment here (by default only after a minute without saves, on a quiet machine).
    quiet = {**site, "KB_INDEX_RENEW_QUIET_SECONDS": "0.001", "KB_INDEX_RENEW_MAX_LOAD": "1000"}
    indexer = subprocess.Popen([PYTHON, "manage.py", "run_indexer", "--poll", "0.1"], cwd=ROOT, env=quiet,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while (index_root / "CURRENT").read_text() == before and time.monotonic() < deadline:
            assert indexer.poll() is None, indexer.stderr.read()
            time.sleep(0.2)
        assert (index_root / "CURRENT").read_text() != before, "the worn index was not replaced"
        # A save made after the swap reaches the fresh index through the running indexer.
        manage(site, "shell", "-c", "from articles.models import Translation\n"
                                    "t = Translation.objects.get(article__number='KF-39')\n"
                                    "t.title += ' overhauled'; t.save()")
        deadline = time.monotonic() + 30
        while index_check(site, "overhauled")[2] != "KF-39" and time.monotonic() < deadline:
            time.sleep(0.3)
        assert index_check(site, "overhauled") == (40, 40, "KF-39")
        assert index_check(site, "refurbished")[2] is not None
        segments, deleted, worn = _wear(site)
        assert deleted <= 1 and not worn
    finally:
        children = _children(indexer.pid)
        indexer.send_signal(signal.SIGTERM)
        indexer.wait(timeout=30)
    assert not [pid for pid in children if _alive(pid)], "a build outlived the indexer"
