"""The project's nginx configuration in front of a live server: what anonymous readers see is
served from the edge's cache; staff and readers with a message waiting go past it."""
import os
from pathlib import Path
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = [pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"),
              pytest.mark.django_db(transaction=True)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def edge(live_server, tmp_path):
    port = free_port()
    upstream = live_server.url.removeprefix("http://")
    text = CONFIG.read_text()
    for word, value in {"@LISTEN@": f"127.0.0.1:{port}", "@UPSTREAM@": upstream, "@CACHE_DIR@": tmp_path / "cache",
                        "@TEMP_DIR@": tmp_path, "@PID_FILE@": tmp_path / "nginx.pid"}.items():
        text = text.replace(word, str(value))
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    # Its workers run as the user running the test (as root, nginx would switch them to nobody).
    main = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path), "-g", main],
                               stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def fetch_until_stored(url, seconds=3.0):
    """The next fetch of a page the edge has just passed on: nginx files it in its cache once the
    upstream answer is complete, which on a loaded machine can come a moment after the reader
    has the page; the first answer that is not a MISS, or the last one."""
    deadline = time.monotonic() + seconds
    while True:
        headers, body = fetch(url)
        if headers["X-Cache-Status"] != "MISS" or time.monotonic() > deadline:
            return headers, body
        time.sleep(0.1)


def test_readers_pages_come_from_the_edge_and_staff_pages_never_do(edge, browse_dir, settings):
    from articles.importing import import_paths

    settings.ALLOWED_HOSTS = ["*"]
    import_paths([browse_dir])
    page = f"{edge}/en/articles/CMP-1/"
    first, body = fetch(page)
    assert first["X-Cache-Status"] == "MISS" and b"Delivery ledger import fails" in body
    second, again = fetch_until_stored(page)
    assert second["X-Cache-Status"] == "HIT" and again == body
    staff, _ = fetch(page, Cookie="sessionid=abc")
    assert staff["X-Cache-Status"] == "BYPASS" and "no-store" in staff["Cache-Control"]
    # A page no one stored yet is rendered once, then served by the edge.
    assert fetch(f"{edge}/fr/articles/")[0]["X-Cache-Status"] == "MISS"
    assert fetch_until_stored(f"{edge}/fr/articles/")[0]["X-Cache-Status"] == "HIT"


def test_every_search_through_the_edge_reaches_the_server_and_is_logged(edge, browse_dir, settings):
    """Search pages (``public, no-cache``) go past nginx's cache: a browser's revalidation reaches
    kb, which answers from its page cache or with a 304, after logging the search."""
    from articles.analytics.models import SearchEvent
    from articles.analytics.recorder import recorder
    from articles.importing import import_paths

    from articles.search import sync

    settings.ALLOWED_HOSTS = ["*"]
    import_paths([browse_dir])
    assert sync.bring_up_to_date() is None
    recorder.discard()
    page = f"{edge}/en/search?q=ledger"
    first, body = fetch(page)
    assert first["X-Cache-Status"] != "HIT" and b"/en/articles/CMP-1/" in body
    second, again = fetch(page)
    assert second["X-Cache-Status"] != "HIT" and second["X-KB-Page-Cache"] == "hit" and again == body
    try:
        fetch(page, **{"If-None-Match": first["ETag"]})
        raise AssertionError("a revalidation with the page's ETag is answered 304")
    except urllib.error.HTTPError as error:
        assert error.code == 304
    recorder.flush()
    assert SearchEvent.objects.filter(query="ledger", source="page").count() == 3


def test_monitoring_polls_through_the_edge_do_not_wait_for_each_other(edge, settings, monkeypatch):
    """``/api/stats`` is never stored at the edge; requests for it must not queue on the cache's
    lock, one at a time, behind each other."""
    from concurrent.futures import ThreadPoolExecutor

    from articles.api import search as api_search

    settings.ALLOWED_HOSTS = ["*"]
    pause = 0.4

    class SlowCache:  # the counts take ``pause`` to make (a large knowledge base under load)
        def get(self, key, default=None):
            time.sleep(pause)
            return {"articles": 0, "translations": 0, "languages": {}, "last_import": None}

        def set(self, *args, **kwargs):
            pass

    monkeypatch.setattr(api_search, "cache", SlowCache())
    assert "X-Cache-Status" not in fetch(f"{edge}/api/stats")[0]  # not through the cache
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: fetch(f"{edge}/api/stats"), range(8)))
    took = time.monotonic() - started
    assert len(answers) == 8
    assert took < 8 * pause * 0.6, f"8 concurrent polls took {took:.1f} s: they waited for each other"
