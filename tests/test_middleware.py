"""The request guards: invalid characters (404/400) and a database that goes away (503)."""
import json
import os
import subprocess
import sys
from pathlib import Path

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
    from articles.search import upkeep

    upkeep.bring_up_to_date()
    assert client.get("/en/search", {"q": "export\ttimeout\r\n"}).status_code == 200


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
