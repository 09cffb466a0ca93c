"""Errors in the reader's language: the API's parameter messages, Django's own 400s (a Host header
it refuses) and CSRF failures. None of them reads the database."""
from django.utils import translation
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query, name", [("page=x", "page"), ("page=0", "page"), ("limit=99", "limit")])
def test_a_search_number_parameter_error_is_translated(client, query, name):
    with translation.override("fr"):
        response = client.get(f"/api/search?q=ledger&{query}")
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid_parameter"
    assert error["message"].startswith(f"Le paramètre « {name} »"), error


def test_a_refused_host_is_a_400_that_logs_nothing():
    import unittest

    from django.test import Client

    case = unittest.TestCase()
    with case.assertNoLogs("django.security", "DEBUG"), case.assertNoLogs("django.request", "DEBUG"):
        response = Client().get("/fr/", HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.parametrize("path, headers, lang, words", [
    ("/fr/", {}, "fr", "Requête incorrecte"),
    ("/", {"HTTP_ACCEPT_LANGUAGE": "de-AT,de;q=0.9"}, "de", "Ungültige Anfrage"),
    ("/accounts/login/", {"HTTP_COOKIE": "django_language=ja"}, "ja", "不正なリクエスト"),
    ("/", {}, "en", "Bad request"),
])
def test_a_refused_host_is_a_400_page_in_the_readers_language(client, django_assert_num_queries, path, headers,
                                                               lang, words):
    with django_assert_num_queries(0):
        response = client.get(path, HTTP_HOST="evil.example", **headers)
    html = response.content.decode()
    assert response.status_code == 400 and f'<html lang="{lang}">' in html and f"<h1>{words}</h1>" in html, html


@pytest.mark.parametrize("path, headers, lang, words", [
    ("/accounts/login/", {"HTTP_ACCEPT_LANGUAGE": "es"}, "es", "El formulario ha caducado"),
    ("/ko/analytics/searches/write", {}, "ko", "양식이 만료되었습니다"),
    ("/accounts/login/", {"HTTP_COOKIE": "django_language=zh-hans"}, "zh-Hans", "表单已过期"),
    ("/accounts/login/", {}, "en", "The form has expired"),
])
def test_a_csrf_failure_is_a_403_page_in_the_readers_language(django_assert_num_queries, path, headers, lang, words):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        response = client.post(path, {"username": "ana", "password": "x"}, **headers)
    html = response.content.decode()
    assert response.status_code == 403 and f'<html lang="{lang}">' in html and f"<h1>{words}</h1>" in html, html
    assert "CSRF" not in html
