"""HTTP hardening: the Content-Security-Policy and templates it can hold, the language menu
without inline script, and sign-in rate limiting (django-axes)."""
from pathlib import Path
import re

from django.conf import settings
from django.contrib.auth.models import User
import pytest

from articles.importing import import_paths

pytestmark = pytest.mark.django_db
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "articles" / "templates"]
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "script body": re.compile(r"<script\b[^>]*>\s*[^<\s]", re.I),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}
PAGES = ["/en/", "/fr/articles/KB-100/", "/en/search?q=export+timeout", "/en/codes/RPT-504012/",
         "/en/codes/", "/de/articles/", "/ja/products/contoso-reports/", "/api/suggest?q=rpt&lang=en",
         "/en/articles/KB-999/", "/admin/login/", "/api/stats", "/api/search?q=RPT-504012", "/"]


def inline_code(html):
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


@pytest.fixture
def imported(articles_dir):
    return import_paths([articles_dir])


# Templates of e-mails, never served (no Content-Security-Policy applies; mail clients drop style sheets).
MAIL_TEMPLATES = {"notifications/mail.html"}


@pytest.mark.parametrize("template", sorted(
    str(p) for d in TEMPLATE_DIRS if d.is_dir() for p in d.rglob("*.html")
    if p.relative_to(d).as_posix() not in MAIL_TEMPLATES))
def test_templates_hold_no_inline_script_handler_or_style(template):
    assert inline_code(Path(template).read_text()) == []


@pytest.mark.parametrize("url", PAGES)
def test_every_response_carries_the_strict_policy(client, imported, url):
    response = client.get(url)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
        "img-src": "'self' data: https:", "object-src": "'none'", "base-uri": "'self'",
        "frame-ancestors": "'none'", "form-action": "'self'",
    }


@pytest.mark.parametrize("url", [u for u in PAGES if not u.startswith(("/api/", "/admin/")) and u != "/"])
def test_rendered_pages_hold_no_inline_code(client, imported, url):
    assert inline_code(client.get(url).content.decode()) == []


def test_language_menu_works_without_javascript(client):
    html = client.get("/en/").content.decode()
    assert '<form class="language-form" action="/" method="get">' in html and '<select id="site-language" name="lang">' in html
    assert '<script src="/static/kb/kb.js" defer></script>' in html
    assert client.get("/?lang=ko").url == "/ko/"
    assert client.get("/?lang=zh-Hans").url == "/zh-hans/"
    client.cookies.clear()  # the choices above were remembered; without one the browser's language counts
    assert client.get("/?lang=xx", HTTP_ACCEPT_LANGUAGE="fr").url == "/fr/"


def admin_login(client, password, ip="10.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password},
                       REMOTE_ADDR=ip)


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client):
    User.objects.create_superuser("admin", password="right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "wrong")
    response = admin_login(client, "right-password-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client):
    User.objects.create_superuser("admin", password="right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "wrong")
    response = admin_login(client, "right-password-123", ip="10.0.0.2")
    assert response.status_code == 302 and response.url == "/admin/"


def test_fewer_failures_than_the_limit_do_not_lock(client):
    User.objects.create_superuser("admin", password="right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong").status_code == 200
    assert admin_login(client, "right-password-123").status_code == 302


def test_force_login_is_not_rate_limited(client):
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_sign_in_with_a_user_name_longer_than_any_column_is_refused_not_a_500(client, url):
    from axes.models import AccessAttempt

    name = "x" * 5000
    response = client.post(url, {"username": name, "password": "wrong"})
    assert response.status_code == 200  # the form again, with its error
    assert AccessAttempt.objects.get().username == name[:255]
