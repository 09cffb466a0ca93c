"""Production settings, each in a fresh interpreter: settings are read from KB_* at load time."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("KB_") or k == "KB_DATABASE_URL"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "KB_SECRET_KEY": secrets.token_urlsafe(48)[:50], **env})


def test_check_deploy_passes_with_https_debug_off_and_a_real_key():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
               KB_DEBUG="0", KB_HTTPS="1", KB_ALLOWED_HOSTS="kb.example.com",
               KB_CACHE_URL="redis://127.0.0.1:6379/0")  # read by the check, never connected to
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_https_check_deploy_names_what_kb_https_turns_on():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], KB_DEBUG="0")
    assert done.returncode == 1
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr


SHOW_SETTINGS = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS")}))
"""


def test_kb_https_turns_on_secure_cookies_hsts_redirect_and_the_proxy_header():
    done = run(["-c", SHOW_SETTINGS], KB_DEBUG="0", KB_HTTPS="1", KB_ALLOWED_HOSTS="kb.example.com,.example.org")
    assert json.loads(done.stdout) == {
        "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://kb.example.com", "https://*.example.org"],
    }


FETCH_STATIC = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
django.setup()
from django.templatetags.static import static
from django.test import Client
answers = {}
for url in ("/static/kb/kb.css", static("kb/kb.css"), static("kb/kb.js"), static("kb/favicon.svg")):
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    answers[url] = [response.status_code, response["Content-Type"], response.get("Cache-Control", ""),
                    response.get("Content-Encoding", "")]
print(json.dumps(answers))
"""


def test_with_debug_off_collected_static_files_are_served_hashed_and_compressed(tmp_path):
    env = {"KB_DEBUG": "0", "KB_STATIC_ROOT": str(tmp_path / "static")}
    collected = run(["manage.py", "collectstatic", "--no-input", "-v", "0"], **env)
    assert collected.returncode == 0, collected.stderr
    fetched = run(["-c", FETCH_STATIC], **env)
    answers = json.loads(fetched.stdout)
    assert "plain name" not in fetched.stderr  # every file collected: nothing to say
    plain, hashed_css, hashed_js, icon = answers
    assert answers[plain][0] == 200 and answers[plain][1].startswith("text/css")
    assert hashed_css.startswith("/static/kb/kb.") and hashed_css != plain
    assert answers[hashed_css][0] == 200 and "immutable" in answers[hashed_css][2]
    assert answers[hashed_css][3] == "gzip"
    assert answers[hashed_js][0] == 200 and "javascript" in answers[hashed_js][1]
    # The icon every page links to (a browser asks for /favicon.ico otherwise, a 404 per visit).
    assert answers[icon][0] == 200 and answers[icon][1].startswith("image/svg+xml") and "immutable" in answers[icon][2]


LINK_STATIC = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
django.setup()
from django.templatetags.static import static
print(json.dumps([static("kb/kb.css"), static("kb/favicon.svg"), static("kb/favicon.svg")]))
try:
    static("kb/no-such-file.css")
except ValueError:
    print("a name no finder knows still fails")
"""


def test_a_static_file_collectstatic_has_not_seen_is_linked_plain_not_a_500(tmp_path):
    """Code deployed without ``make setup`` again: a file added since collectstatic ran has no
    manifest entry. Pages still render, linking it by its plain name, and the log says why."""
    env = {"KB_DEBUG": "0", "KB_STATIC_ROOT": str(tmp_path / "static")}
    assert run(["manage.py", "collectstatic", "--no-input", "-v", "0"], **env).returncode == 0
    manifest_file = tmp_path / "static" / "staticfiles.json"
    manifest = json.loads(manifest_file.read_text())
    del manifest["paths"]["kb/favicon.svg"]
    manifest_file.write_text(json.dumps(manifest))
    done = run(["-c", LINK_STATIC], **env)
    assert done.returncode == 0, done.stderr
    listed, failed = done.stdout.splitlines()
    css, icon, again = json.loads(listed)
    assert failed == "a name no finder knows still fails"
    assert css.startswith("/static/kb/kb.") and css != "/static/kb/kb.css"  # the others stay hashed
    assert icon == again == "/static/kb/favicon.svg"
    assert done.stderr.count("kb/favicon.svg is linked by its plain name") == 1 and "collectstatic" in done.stderr
    # Never collected at all: every file by its plain name, no exception.
    done = run(["-c", LINK_STATIC], KB_DEBUG="0", KB_STATIC_ROOT=str(tmp_path / "never"))
    assert json.loads(done.stdout.splitlines()[0]) == ["/static/kb/kb.css", "/static/kb/favicon.svg",
                                                       "/static/kb/favicon.svg"]
