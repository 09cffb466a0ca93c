"""Error pages without the database (issue 25): the outage page and the 404, 400, 403 and 500
pages never ask the database who the reader is, so a signed-in reader (a session cookie) gets
the 503 page while the database is unreachable, not a 500.

The database is made unreachable for real: the connection is closed and pointed at a file that
cannot be opened (SQLite) or a port nothing listens on (PostgreSQL), so every query of the
request, the session's included, fails to connect."""
from contextlib import contextmanager
import socket

from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory
from django.urls import get_resolver
import pytest

from articles.editing.permissions import role_group
from articles.importing import import_paths

pytestmark = pytest.mark.django_db(transaction=True)  # the request opens connections of its own


@pytest.fixture
def imported(articles_dir):
    import_paths([articles_dir])


@pytest.fixture
def signed_in(client):
    user = User.objects.create_user("ana", password="a long passphrase for ana")
    user.groups.add(role_group("editor"))
    client.force_login(user)  # a session row in the database, its key in the cookie
    return client


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def unreachable_database():
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-kb-folder/kb.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_a_signed_in_reader_gets_the_outage_page_and_then_the_article(signed_in, imported):
    assert "Sign out (ana)" in signed_in.get("/en/articles/KB-100/").content.decode()
    with unreachable_database():
        response = signed_in.get("/fr/articles/KB-100/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Service momentanément indisponible" in html
    assert signed_in.get("/fr/articles/KB-100/").status_code == 200  # service back by itself


def test_a_signed_in_reader_gets_json_503_from_the_api(signed_in):
    with unreachable_database():
        response = signed_in.get("/api/suggest", {"q": "ledger", "lang": "en"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


def test_a_signed_in_reader_gets_the_404_page_while_the_database_is_unreachable(signed_in):
    with unreachable_database():
        response = signed_in.get("/de/no-such-page/")
    assert response.status_code == 404 and "Seite nicht gefunden" in response.content.decode()


class Untouchable:
    """``request.user`` and ``request.session`` of an error page: reading either is a failure."""

    def __getattr__(self, name):
        raise AssertionError(f"an error page read {name!r} of the user or session")


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_error_pages_never_read_the_user_or_the_session(status):
    request = RequestFactory().get("/fr/somewhere/", HTTP_ACCEPT_LANGUAGE="fr")
    request.user = request.session = Untouchable()
    handler = get_resolver().resolve_error_handler(status)
    response = handler(request) if status == 500 else handler(request, exception=Exception("drill"))
    assert response.status_code == status


def test_the_outage_page_never_reads_the_user_or_the_session():
    from django.db import OperationalError

    from articles.middleware import DatabaseUnavailableMiddleware

    request = RequestFactory().get("/ko/articles/KB-100/")
    request.user = request.session = Untouchable()
    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, OperationalError("down"))
    assert response.status_code == 503 and '<html lang="ko">' in response.content.decode()
