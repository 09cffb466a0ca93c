from django.contrib.auth.models import User
import pytest

from articles.models import Translation

from articles.importing import import_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(articles_dir):
    return import_paths([articles_dir])


def test_article_page_shows_title_products_dates_and_sections(client, imported):
    html = client.get("/fr/articles/KB-100/").content.decode()
    assert "<h1>L’export de rapport expire avec RPT-504012</h1>" in html
    assert '<a class="product" href="/fr/products/contoso-reports/">Contoso Reports</a>' in html
    assert "3 février 2024" in html  # Babel, the reader's locale
    assert 'id="resolution"' in html


def test_language_switcher_names_languages_natively_and_keeps_the_article(client, imported):
    html = client.get("/en/articles/KB-100/").content.decode()
    assert '<option value="fr" lang="fr" >Français</option>' in html
    assert '<option value="en" lang="en" selected>English</option>' in html
    assert '<input type="hidden" name="next" value="/en/articles/KB-100/">' in html
    assert client.get("/", {"lang": "fr", "next": "/en/articles/KB-100/"}).url == "/fr/articles/KB-100/"
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/articles/KB-100/">' in html


def test_missing_language_falls_back_with_a_notice(client, imported):
    html = client.get("/ko/articles/KB-100/").content.decode()
    assert 'class="notice"' in html and "English" in html
    assert "<h1>Report export times out with RPT-504012</h1>" in html


def test_internal_notes_are_never_shown_to_anonymous_readers(client, imported):
    assert "Customer escalation" not in client.get("/en/articles/KB-100/").content.decode()
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    assert "Customer escalation" in client.get("/en/articles/KB-100/").content.decode()


def test_hidden_articles_are_404_for_anonymous_readers_only(client, imported):
    assert client.get("/ko/articles/KB-200/").status_code == 404
    client.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    assert client.get("/ko/articles/KB-200/").status_code == 200


@pytest.mark.parametrize("url, status", [
    ("/en/articles/KB-999/", 404), ("/xx/articles/KB-100/", 404), ("/it/", 404),
    ("/fr-FR/articles/KB-100/", 301), ("/en/articles/kb-100/", 301), ("/zh-Hans/", 301),
])
def test_unknown_and_non_canonical_urls(client, imported, url, status):
    assert client.get(url).status_code == status


def test_root_redirects_to_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert response.status_code == 302 and response.url == "/ko/"


def test_home_lists_products_and_recent_articles_in_its_language(client, imported):
    html = client.get("/fr/").content.decode()
    assert "Contoso Reports" in html and "/fr/articles/KB-100/" in html
    assert "KB-200" not in client.get("/ko/").content.decode()  # hidden


def test_every_page_names_the_sites_icon(client, imported):
    """A page without an icon link makes the browser ask for /favicon.ico, a 404 per visit."""
    from django.templatetags.static import static

    for url in ("/fr/", "/fr/articles/KB-100/", "/fr/search?q=export"):
        html = client.get(url).content.decode()
        assert f'<link rel="icon" href="{static("kb/favicon.svg")}" type="image/svg+xml">' in html


def test_stats_api_gives_staff_every_count_and_the_failures(client, imported, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "bad.md").write_text("---\ntitle: [\n---\nx\n")
    import_paths([tmp_path])
    client.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    body = client.get("/api/stats").json()
    assert body["articles"] == 2 and body["translations"] == 3
    assert body["translations_per_language"] == {"en": 1, "fr": 1, "ko": 1}
    assert body["last_import"]["failed"] == 1
    assert body["last_import"]["failures"][0]["path"].endswith("bad.md")


def test_stats_api_gives_staff_each_servers_index_position_and_lag(client, imported):
    from articles.search.sync.indexer import Indexer

    Indexer().run_once(housekeeping=True)
    client.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    index = client.get("/api/stats").json()["index"]
    assert index["journal_head"] == 3 and index["this_server"]["lag"] == 0
    assert [(s["position"], s["lag"], s["documents"]) for s in index["servers"]] == [(3, 0, 3)]
    Translation.objects.filter(language="fr").first().save()  # saved, not yet applied by an indexer
    index = client.get("/api/stats").json()["index"]
    assert index["journal_head"] == 4 and index["servers"][0]["lag"] == 1


def test_stats_api_gives_anonymous_callers_public_counts_and_no_paths(client, imported, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "bad.md").write_text("---\ntitle: [\n---\nx\n")
    import_paths([tmp_path])
    body = client.get("/api/stats").json()
    # KB-200 exists only as a hidden Korean translation: neither it nor its language is counted.
    assert body == {"articles": 1, "translations": 2, "translations_per_language": {"en": 1, "fr": 1},
                    "last_import": None}
    assert str(tmp_path) not in client.get("/api/stats").content.decode()
