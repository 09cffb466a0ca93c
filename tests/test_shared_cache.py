"""Limits shared by every worker and server (issue 25): counters in the ``shared`` cache (Redis
with KB_CACHE_URL), counted atomically, keyed by a hash of the address; the search log's budget
per address; a Redis outage degrading to per-process counting, never failing a reader's page;
and the deploy check that asks for KB_CACHE_URL."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.core import checks
import pytest

from articles import sharedcache
from articles.analytics import limits
from articles.analytics.models import Feedback, SearchEvent
from articles.analytics.recorder import recorder
from articles.importing import import_paths
from articles.search import sync

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by these tests
ADDRESS = "203.0.113.7"


def redis_or_skip():
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    return client


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def imported(articles_dir):
    import_paths([articles_dir])
    sync.bring_up_to_date()


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Every count of a test in one window: a minute that ended mid-test would start afresh."""
    monkeypatch.setattr(limits, "_now", lambda: 1_800_000_000.0)


@pytest.fixture(autouse=True)
def empty_queue():
    recorder.discard()
    yield
    recorder.discard()


COUNT_VOTES = """
import json
from articles.analytics.feedback import allow_vote
print(json.dumps([allow_vote({address!r}) for _ in range({times})]))
"""


def votes_in_a_process(times):
    env = {**os.environ, "KB_CACHE_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "kb.settings", "KB_LOG_LEVEL": "ERROR"}
    script = COUNT_VOTES.format(address=ADDRESS, times=times)
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_processes_share_one_vote_count_and_store_only_a_hash_of_the_address():
    client = redis_or_skip()
    client.flushdb()
    if time.time() % 60 > 50:  # both processes count in one minute
        time.sleep(61 - time.time() % 60)
    first, second = votes_in_a_process(6), votes_in_a_process(6)
    assert first == [True] * 6
    assert second == [True] * 4 + [False] * 2  # 10 a minute in all, not 10 per process
    keys = [key.decode() for key in client.keys("*")]
    assert keys and not any(ADDRESS in key for key in keys)
    client.flushdb()


def test_counting_is_atomic_under_threads(settings):
    """add + incr: no two callers read the same count (a get/set pair lets both through)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: limits.within_budget("drill", ADDRESS, 50, 60), range(80)))
    assert answers.count(True) == 50


@pytest.mark.django_db
def test_searches_past_the_budget_still_answer_but_are_not_logged(client, imported, monkeypatch):
    monkeypatch.setattr(limits, "SEARCHES_LOGGED_PER_HOUR", 3)
    for n in range(5):
        response = client.get("/api/search", {"q": f"export timeout {n}"}, REMOTE_ADDR=ADDRESS)
        assert response.status_code == 200 and response.json()["results"]
    assert client.get("/en/search", {"q": "export"}, REMOTE_ADDR="198.51.100.1").status_code == 200
    recorder.flush()
    assert SearchEvent.objects.filter(source="api").count() == 3
    assert SearchEvent.objects.filter(source="page").count() == 1  # another address has its own budget


@pytest.mark.django_db(transaction=True)  # the failed write must not break a test transaction
def test_a_batch_retried_after_a_database_error_is_not_counted_twice(client, imported, monkeypatch):
    from django.db import OperationalError, connection

    monkeypatch.setattr(limits, "SEARCHES_LOGGED_PER_HOUR", 2)
    for n in range(2):
        client.get("/api/search", {"q": f"export {n}"}, REMOTE_ADDR=ADDRESS)

    def fail(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(fail):
        assert recorder.flush() == 0  # counted, then put back
    assert recorder.flush() == 2
    client.get("/api/search", {"q": "export 3"}, REMOTE_ADDR=ADDRESS)
    assert recorder.flush() == 0 and recorder.over_budget == 1


@pytest.mark.django_db
def test_a_redis_outage_fails_no_readers_page_and_votes_are_still_limited(client, imported, settings, caplog,
                                                                          monkeypatch):
    monkeypatch.setattr(sharedcache, "_down_until", 0.0)  # restored afterwards: Redis tried again
    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}}}
    for url in ("/en/", "/en/articles/KB-100/", "/en/articles/", "/api/stats"):
        assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 200, url
    assert client.get("/en/search", {"q": "export"}, REMOTE_ADDR=ADDRESS).status_code == 200
    answers = [client.post("/en/articles/KB-100/feedback", {"helpful": "yes", "language": "en"},
                           REMOTE_ADDR=ADDRESS).status_code for _ in range(12)]
    assert answers == [302] * 10 + [429] * 2  # counted in this process meanwhile
    assert Feedback.objects.count() == 1 and recorder.flush() == 1
    assert "shared cache unavailable" in caplog.text


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "198.51.100.4", "10.0.0.2"),  # no proxy: the header is anyone's to write
    (1, "198.51.100.4", "198.51.100.4"),
    (1, "forged, 198.51.100.4", "198.51.100.4"),  # the proxy appends what it saw
    (2, "forged, 198.51.100.4, 10.0.0.9", "198.51.100.4"),
    (2, "198.51.100.4", "10.0.0.2"),  # fewer entries than proxies: not to be trusted
])
def test_the_client_address_behind_proxies(settings, proxies, forwarded, expected):
    from django.test import RequestFactory

    settings.KB_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert limits.client_address(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_vote_budget(client, imported, settings):
    settings.KB_PROXY_COUNT = 1

    def vote(forwarded):
        return client.post("/en/articles/KB-100/feedback", {"helpful": "yes", "language": "en"},
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [vote(f"forged-{n}, {ADDRESS}") for n in range(11)] == [302] * 10 + [429]
    assert vote("198.51.100.4") == 302


def deploy_warnings():
    return [m.id for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("kb.")]


def test_check_deploy_warns_when_limits_are_counted_per_process(settings):
    assert deploy_warnings() == ["kb.W001"]
    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    assert deploy_warnings() == []


@pytest.mark.django_db
def test_behind_a_proxy_the_sign_in_lock_is_per_forwarded_client(client, settings):
    from django.contrib.auth.models import User

    settings.KB_PROXY_COUNT = 1
    settings.AXES_CLIENT_IP_CALLABLE = "articles.analytics.limits.client_address"  # as KB_PROXY_COUNT sets
    User.objects.create_superuser("admin", password="right-password-123")

    def sign_in(password, forwarded):
        return client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password},
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).status_code

    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong", f"forged-{n}, {ADDRESS}")
    assert sign_in("right-password-123", ADDRESS) == 429
    assert sign_in("right-password-123", "198.51.100.4") == 302  # another reader behind the same proxy
