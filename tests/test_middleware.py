"""The request guards: invalid characters (404/400) and a database that goes away (503)."""
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.db import OperationalError, connection
import pytest

from articles.importing import import_paths

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def imported(articles_dir):
    return import_paths([articles_dir])


@pytest.mark.parametrize("url", [
    "/en/articles/%00/", "/en/articles/KB%01-100/", "/en/codes/%7F/", "/en%0A/", "/api/stats%00",
])
def test_control_characters_in_the_path_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", [
    {"q": "export\x00timeout"}, {"q\x00": "x"}, {"q": "a\x1bb"}, {"q": "x", "product": "\x00"},
])
def test_control_characters_in_parameters_are_400(client, query):
    assert client.get("/en/search", query).status_code == 400


def test_control_characters_in_api_parameters_are_a_json_400(client):
    response = client.get("/api/search", {"q": "RPT-504012\x00"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"


def test_control_characters_in_posted_fields_are_400(client):
    assert client.post("/admin/login/", {"username": "a\x00", "password": "x"}).status_code == 400


def test_line_breaks_and_tabs_in_values_are_allowed(client, imported):
    from articles.search import sync

    sync.bring_up_to_date()
    assert client.get("/en/search", {"q": "export\ttimeout\r\n"}).status_code == 200


@pytest.fixture
def server_log():
    """Every record the server logs while the test runs, from every logger (Django's own do not
    pass theirs on to the root, where ``caplog`` listens)."""
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("", "django", "django.request", "django.security")]
    for logger in loggers:
        logger.addHandler(handler)
    yield records
    for logger in loggers:
        logger.removeHandler(handler)


def assert_quiet(records):
    """Nothing above debug level and no traceback: a refused request cannot flood the logs."""
    loud = [(r.name, r.levelname, r.getMessage()[:100]) for r in records
            if r.levelno > logging.DEBUG or r.exc_info]
    assert not loud


# Every character the text gate refuses, in a URL as a client sends it (percent-encoded UTF-8),
# and invalid UTF-8 (a lone surrogate as a client encodes it, a stray byte).
REFUSED_IN_QUERY = {
    "NUL": "%00", "U+FFFE": "%EF%BF%BE", "U+FFFF": "%EF%BF%BF", "U+FDD0": "%EF%B7%90", "U+FDEF": "%EF%B7%AF",
    "U+1FFFE": "%F0%9F%BF%BE", "U+10FFFF": "%F4%8F%BF%BF", "lone surrogate": "%ED%A0%80",
    "stray byte": "%FF", "truncated sequence": "%E6%97", "escape": "%1B",
}


@pytest.mark.parametrize("encoded", REFUSED_IN_QUERY.values(), ids=REFUSED_IN_QUERY.keys())
def test_a_refused_character_in_a_query_is_a_400_page_naming_the_parameter(client, encoded, server_log):
    response = client.get(f"/en/search?q=ledger&product=a{encoded}b")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Bad request</h1>" in html and "Parameter &#39;product&#39;" in html, html[-800:]
    assert_quiet(server_log)


@pytest.mark.parametrize("encoded", REFUSED_IN_QUERY.values(), ids=REFUSED_IN_QUERY.keys())
def test_a_refused_character_in_an_api_query_is_a_json_400_naming_the_parameter(client, encoded, server_log):
    response = client.get(f"/api/suggest?lang=en&q=a{encoded}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_characters" and error["field"] == "q" and "'q'" in error["message"]
    assert_quiet(server_log)


def test_a_refused_character_in_a_parameter_name_is_named_printably(client):
    error = client.get("/api/suggest?q%EF%BF%BF=x").json()["error"]
    assert error["code"] == "invalid_characters" and error["field"] == "q?"


def test_a_raw_byte_that_is_not_utf8_in_the_query_is_refused(client):
    response = client.get("/api/search", QUERY_STRING="q=caf\xe9")  # as a server hands Latin-1 bytes on
    assert response.status_code == 400 and response.json()["error"]["field"] == "q"


@pytest.mark.parametrize("value", ["tab\\there", "line\\r\\nbreaks", "replacement \\ufffd as such", "emoji \\U0001f600",
                                   "private use \\ue000", "bom \\ufeff"])
def test_characters_the_gate_lets_through_are_answered(client, value):
    assert client.get("/api/suggest", {"q": value.encode().decode("unicode_escape")}).status_code == 200


def test_the_400_page_is_in_the_readers_language(client):
    response = client.get("/fr/search?q=%EF%BF%BF")
    html = response.content.decode()
    assert response.status_code == 400 and '<html lang="fr">' in html
    assert "Requête incorrecte" in html and "Le paramètre « q » contient un caractère non autorisé (U+FFFF)" in html


def test_the_400_page_never_reads_the_database_or_the_session(client, django_assert_num_queries):
    client.force_login(User.objects.create_user("ana", password="a long passphrase for ana"))
    with django_assert_num_queries(0):
        response = client.get("/de/search?q=%00")
    assert response.status_code == 400 and "Ungültige Anfrage" in response.content.decode()


@pytest.mark.parametrize("encoded", ["%00", "%EF%BF%BF", "%ED%A0%80", "%F4%8F%BF%BE"])
def test_a_refused_character_in_a_posted_form_field_is_a_400_naming_it(client, encoded, server_log):
    response = client.post("/accounts/login/", data=f"username=ana{encoded}&password=x".encode(),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "Parameter &#39;username&#39;" in response.content.decode()
    assert_quiet(server_log)


@pytest.mark.parametrize("value", ["ana\x00", "ana\uffff", "ana\ufdd0", "ana\U0010fffe", "ana\x1b"])
def test_a_refused_character_in_a_multipart_field_is_a_400_naming_it(client, value, server_log):
    response = client.post("/accounts/login/", {"username": value, "password": "x"})  # multipart/form-data
    assert response.status_code == 400 and "Parameter &#39;username&#39;" in response.content.decode()
    assert_quiet(server_log)


def test_a_refused_character_in_a_form_posted_to_the_api_is_a_json_400(client):
    response = client.post("/api/triage", data=b"text=%EF%BF%BE", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "invalid_characters", "field": "text",
                                        "message": "Parameter 'text' holds a character that is not allowed (U+FFFE)."}


TOO_MANY = "&".join(f"a{i}=1" for i in range(1200))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000


def test_too_many_query_parameters_are_a_quiet_400(client, server_log):
    page = client.get(f"/en/search?{TOO_MANY}", HTTP_ACCEPT_LANGUAGE="es")
    api = client.get(f"/api/suggest?{TOO_MANY}")
    assert page.status_code == 400 and "1000" in page.content.decode()
    assert api.status_code == 400 and api.json()["error"]["code"] == "too_many_parameters"
    assert_quiet(server_log)


def test_too_many_form_fields_are_a_quiet_400(client, server_log):
    response = client.post("/accounts/login/", data=TOO_MANY.encode(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "<h1>Bad request</h1>" in response.content.decode()
    assert_quiet(server_log)


def test_a_form_beyond_the_upload_limit_is_a_quiet_413(client, settings, server_log):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b"username=" + b"x" * 2000
    page = client.post("/accounts/login/", data=body, content_type="application/x-www-form-urlencoded")
    api = client.post("/api/triage", data=body, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 413 and "<h1>Request too large</h1>" in page.content.decode()
    assert api.status_code == 413 and api.json()["error"]["code"] == "request_too_large"
    assert_quiet(server_log)


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=\x00"])
def test_an_unreadable_multipart_body_is_a_quiet_400(client, content_type, server_log):
    page = client.post("/accounts/login/", data=b"--x\r\n", content_type=content_type)
    api = client.post("/api/triage", data=b"--x\r\n", content_type=content_type)
    assert page.status_code == 400 and "<h1>Bad request</h1>" in page.content.decode()
    assert api.status_code == 400 and api.json()["error"]["code"] == "unreadable_form"
    assert_quiet(server_log)


def test_a_form_body_the_client_cuts_off_is_a_quiet_400(server_log):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from articles.middleware import RejectInvalidCharactersMiddleware

    class GoneAway(io.RawIOBase):
        def read(self, *args):
            raise OSError("connection reset by peer")

    request = RequestFactory().post("/accounts/login/", data=b"username=ana",
                                    content_type="application/x-www-form-urlencoded")
    request._stream = GoneAway()
    response = RejectInvalidCharactersMiddleware(lambda r: HttpResponse("a view"))(request)
    assert response.status_code == 400 and "<h1>Bad request</h1>" in response.content.decode()
    assert_quiet(server_log)


def test_a_host_header_django_refuses_is_still_a_400_page(client):
    response = client.get("/fr/", HTTP_HOST="evil.example")  # Django's own 400, through 400.html
    assert response.status_code == 400 and "<h1>" in response.content.decode()


def test_a_refused_parameter_with_a_refused_host_is_a_400(client):
    assert client.get("/fr/search?q=%00", HTTP_HOST="evil.example").status_code == 400


def fail_every_query(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_database_failure_is_a_translated_503_page_and_recovers(client, imported, caplog):
    with connection.execute_wrapper(fail_every_query):
        response = client.get("/fr/articles/KB-100/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Service momentanément indisponible" in html
    assert "GET /fr/articles/KB-100/" in caplog.text and "server closed the connection" in caplog.text
    assert client.get("/fr/articles/KB-100/").status_code == 200  # nothing remembered the failure


def test_database_failure_is_a_json_503_in_the_api(client, imported):
    with connection.execute_wrapper(fail_every_query):
        response = client.get("/api/stats")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response.json()["error"]["code"] == "database_unavailable"
    assert client.get("/api/stats").status_code == 200


@pytest.mark.skipif(not (os.environ.get("KB_DATABASE_URL") or "").startswith("postgres"),
                    reason="needs PostgreSQL (KB_DATABASE_URL=postgresql://…)")
def test_postgresql_going_away_gives_fast_503s_then_service_returns_by_itself():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    run = subprocess.run([sys.executable, "tests/scripts/db_outage.py"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "KB_OUTAGE_DATABASE_URL": url})
    steps = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(s["step"], s["status"]) for s in steps] == [
        # "restarted": CONN_HEALTH_CHECKS replaces the dropped persistent connection unnoticed
        ("up", 200), ("restarted", 200), ("down", 503), ("down", 503), ("back", 200)], run.stderr[-2000:]
    assert json.loads(steps[2]["body"])["error"]["code"] == "database_unavailable"
    assert steps[2]["retry_after"] == "10" and "<h1>Temporarily unavailable</h1>" in steps[3]["body"]
    assert max(s["seconds"] for s in steps[2:4]) < 4  # connect_timeout is 3 s
    assert "database unavailable: GET /api/suggest" in run.stderr
