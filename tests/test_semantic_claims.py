"""Servers sharing the embedding work (``semantic.compute``'s claims): two runs at once embed
each due translation once in total, a lapsed claim or one of a process gone is taken over, one
of a live holder is left to it (and ``run_indexer --once`` waits for it), and a claim never
leaves a translation unembedded. The real model runs on articles written here."""
from datetime import timedelta
from io import StringIO
import json
import os
from pathlib import Path
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.importing import import_paths
from articles.models import Article, Translation
from articles.search.semantic import compute, model as semantic_model
from articles.search.semantic.models import EmbeddingClaim, TranslationEmbedding
from tests.helpers import kcs_article, write

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
OTHER = "another-server:4242:1"  # a holder on another machine: never judged gone, only lapsed

SUBJECTS = ["The invoice export", "The password reset mail", "The calendar sync", "The image upload",
            "The nightly backup", "The audience refresh", "The dashboard chart", "The search page"]
FAILURES = ["stops after one minute", "shows an empty page", "fails with a timeout behind the proxy",
            "repeats every entry twice", "loses the last row"]


def _write_site(folder, count):
    """``count`` articles of our own, each a subject and a failure: the first 40 all differ."""
    for n in range(count):
        subject, failure = SUBJECTS[n % len(SUBJECTS)], FAILURES[(n // len(SUBJECTS)) % len(FAILURES)]
        title = f"{subject} {failure}"
        write(folder / "en" / f"KC-{n}.md", kcs_article(
            title=title, number=f"KC-{n}", description=f"Case {n} where {title.lower()}.",
            symptoms=f"Since the last upgrade {subject.lower()} {failure} for every user of site {n}."))
    import_paths([folder])
    return Translation.objects.count()


@pytest.fixture
def site(tmp_path):
    return _write_site(tmp_path / "kb", 6)


@pytest.fixture
def large_site(tmp_path):
    """40 articles, a quarter internal (catch_up's second pass, after the public ones)."""
    count = _write_site(tmp_path / "kb", 40)
    Article.objects.filter(number__in=[f"KC-{n}" for n in range(0, 40, 4)]).update(
        audience=Article.Audience.INTERNAL)
    return count


class Counting:
    """The real model, one call at a time, keeping every text it was given; ``pause`` seconds
    after each call stand for a slower machine, so two runners overlap."""

    def __init__(self, pause=0.0, fail=False):
        self.real = semantic_model.embedder()
        self.identity, self.dim = self.real.identity, self.real.dim
        self.texts, self.pause, self.fail = [], pause, fail
        self._lock = threading.Lock()

    def embed(self, texts, kind):
        if self.fail:
            raise RuntimeError("the model failed")
        with self._lock:
            vectors = self.real.embed(texts, kind)
            self.texts.extend(texts)
        time.sleep(self.pause)
        return vectors


@pytest.fixture
def counting(monkeypatch):
    model = Counting()
    monkeypatch.setattr(compute, "embedder", lambda: model)
    return model


def _claim(translations, holder=OTHER, seconds=60):
    EmbeddingClaim.objects.bulk_create([
        EmbeddingClaim(translation_id=t.pk, holder=holder, expires_at=timezone.now() + timedelta(seconds=seconds))
        for t in translations])


def _embedded_pks():
    return set(TranslationEmbedding.objects.values_list("pk", flat=True))


# -- two runners at once ------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_catch_ups_at_once_embed_each_translation_once_between_them(large_site, counting):
    counting.pause = 0.3
    start, reports, errors = threading.Barrier(2), [], []

    def run():
        try:
            start.wait(10)
            reports.append(compute.catch_up(batch=4))
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(reports) == 2
    assert sum(report.embedded for report in reports) == large_site == 40
    assert len(counting.texts) == len(set(counting.texts)) == 40  # no text given to the model twice
    assert all(report.embedded >= 8 for report in reports), [r.embedded for r in reports]  # shared
    assert len(_embedded_pks()) == 40 and not EmbeddingClaim.objects.exists()


RUNNER = """
import json, os, time
from pathlib import Path
from articles.search.semantic import compute, model
real, given = model.embedder(), []
class Slow:
    identity, dim = real.identity, real.dim
    def embed(self, texts, kind):
        given.extend(texts)
        vectors = real.embed(texts, kind)
        time.sleep(0.2)
        return vectors
compute.embedder = lambda: Slow()
go = Path(os.environ["KB_TEST_GO"])
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.02)
report = compute.catch_up(batch=4)
print(json.dumps({"embedded": report.embedded, "texts": given}))
"""


def _database_url():
    """The test database, for processes of their own (SQLite file or PostgreSQL)."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    user = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgresql://{user}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_on_one_database_embed_each_translation_once_between_them(large_site, tmp_path):
    go = tmp_path / "go"
    env = {**os.environ, "KB_DATABASE_URL": _database_url(), "KB_TEST_GO": str(go), "KB_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "kb.settings", "OMP_NUM_THREADS": "1"}
    connection.close()  # the processes see what the fixture committed
    runners = [subprocess.Popen([sys.executable, "manage.py", "shell", "-c", RUNNER], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(3)  # both load the model, then start together
    go.touch()
    outputs = []
    for runner in runners:
        out, err = runner.communicate(timeout=180)
        assert runner.returncode == 0, err[-2000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    texts = [text for output in outputs for text in output["texts"]]
    assert sum(output["embedded"] for output in outputs) == len(texts) == len(set(texts)) == 40
    assert all(output["embedded"] >= 8 for output in outputs), [o["embedded"] for o in outputs]
    assert len(_embedded_pks()) == 40 and not EmbeddingClaim.objects.exists()


# -- claims of others -------------------------------------------------------------------------

def test_a_claim_of_a_live_holder_elsewhere_is_left_to_it(site, counting):
    held = list(Translation.objects.order_by("pk")[:2])
    _claim(held)
    report = compute.catch_up()
    assert (report.embedded, report.held) == (site - 2, 2)
    assert _embedded_pks() == set(Translation.objects.values_list("pk", flat=True)) - {t.pk for t in held}
    assert EmbeddingClaim.objects.filter(holder=OTHER).count() == 2  # still its own


def test_a_lapsed_claim_is_taken_over(site, counting):
    _claim(Translation.objects.order_by("pk")[:2], seconds=-1)
    report = compute.catch_up()
    assert (report.embedded, report.held) == (site, 0)
    assert len(_embedded_pks()) == site and not EmbeddingClaim.objects.exists()


def test_a_claim_of_a_process_of_this_machine_that_is_gone_is_taken_over_at_once(site, counting):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _claim(Translation.objects.order_by("pk")[:2], holder=f"{compute.HOST}:{int(gone.stdout)}:1", seconds=300)
    report = compute.catch_up()
    assert (report.embedded, report.held) == (site, 0)
    assert not EmbeddingClaim.objects.exists()


def test_a_batch_whose_model_call_failed_is_released_and_embedded_by_the_next_run(site, monkeypatch):
    failing = Counting(fail=True)
    monkeypatch.setattr(compute, "embedder", lambda: failing)
    with pytest.raises(RuntimeError):
        compute.catch_up(batch=4)
    assert not EmbeddingClaim.objects.exists() and not _embedded_pks()
    failing.fail = False
    assert compute.catch_up(batch=4).embedded == site


def test_a_recheck_hashes_every_translation_again_beside_the_claims(site, counting):
    compute.catch_up()
    Translation.objects.filter(pk=Translation.objects.order_by("pk")[0].pk).update(title="A title rewritten")
    out = StringIO()
    call_command("embed_translations", "--recheck", stdout=out)
    assert out.getvalue().startswith(f"1 translations embedded, {site - 1} unchanged")
    assert not EmbeddingClaim.objects.exists()


# -- run_indexer --once ------------------------------------------------------------------------

def _start_once():
    """``run_indexer --once`` in a thread of its own (its own connection) → (its output, done)."""
    out, done = StringIO(), threading.Event()

    def once():
        try:
            call_command("run_indexer", "--once", stdout=out)
        finally:
            connection.close()
            done.set()

    threading.Thread(target=once, daemon=True).start()
    return out, done


def _wait_for_embeddings(count):
    deadline = time.monotonic() + 60
    while len(_embedded_pks()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(_embedded_pks())


@pytest.mark.django_db(transaction=True)
def test_run_indexer_once_waits_for_the_batch_another_server_is_embedding(site, counting, monkeypatch):
    monkeypatch.setattr(compute, "WAIT_SECONDS", 0.1)
    _claim(Translation.objects.order_by("pk")[:2])
    main, mine = threading.current_thread(), compute.holder_name
    # This thread plays the other server: it is OTHER's holder, the command's thread is itself.
    monkeypatch.setattr(compute, "holder_name", lambda: OTHER if threading.current_thread() is main else mine())
    out, done = _start_once()
    assert _wait_for_embeddings(site - 2) == site - 2
    assert not done.wait(1.5), "--once returned while another server was still embedding"
    assert compute.catch_up().embedded == 2  # the other server writes its batch and ends its claims
    assert done.wait(30)
    assert f"{site - 2} translations embedded" in out.getvalue() and "waited" in out.getvalue()
    assert len(_embedded_pks()) == site and len(counting.texts) == len(set(counting.texts)) == site


@pytest.mark.django_db(transaction=True)
def test_run_indexer_once_embeds_a_batch_another_server_gave_up(site, counting, monkeypatch):
    monkeypatch.setattr(compute, "WAIT_SECONDS", 0.1)
    _claim(Translation.objects.order_by("pk")[:2])
    out, done = _start_once()
    assert _wait_for_embeddings(site - 2) == site - 2
    assert not done.wait(1.0)
    EmbeddingClaim.objects.filter(holder=OTHER).delete()  # its model call failed: nothing written
    assert done.wait(30)
    assert f"{site} translations embedded" in out.getvalue()
    assert len(_embedded_pks()) == site


def test_run_indexer_once_takes_over_a_claim_that_lapses_while_it_waits(site, counting, monkeypatch):
    monkeypatch.setattr(compute, "WAIT_SECONDS", 0.1)
    _claim(Translation.objects.order_by("pk")[:2], seconds=2)  # its server was stopped mid-batch
    out = StringIO()
    started = time.monotonic()
    call_command("run_indexer", "--once", stdout=out)
    assert time.monotonic() - started >= 1.5
    assert f"{site} translations embedded" in out.getvalue()
    assert len(_embedded_pks()) == site and not EmbeddingClaim.objects.exists()
