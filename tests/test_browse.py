"""Browsing: product pages, all articles, the code directory, the language that sticks, the
switcher, search-page behaviour, help-centre basics (sitemaps, robots.txt, canonical, hreflang)."""
import re

import pytest

from articles.importing import import_paths
from articles.products import group_products, product_key
from articles.search import sync
from articles.switching import pager_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def browse(browse_dir, articles_dir):
    import_paths([browse_dir, articles_dir])
    sync.bring_up_to_date()
    return browse_dir


@pytest.mark.parametrize("name, key", [
    ("Campaign", "campaign"), ("campaign", "campaign"), ("Campaign  Classic", "campaign classic"),
    ("Campaign v8", "campaign"), ("Campaign Classic v7", "campaign classic"),
    ("Northwind Server 4.x", "northwind server"), ("Analytics 2023.1", "analytics"),
    ("Experience Manager 6.5 SP2", "experience manager"), ("3D", "3d"),
])
def test_product_key_folds_case_spaces_and_versions(name, key):
    assert product_key(name) == key


def test_product_groups_count_each_article_once_and_use_the_common_spelling():
    groups = group_products({"Campaign": {"a", "b", "c"}, "campaign": {"c", "d"}, "Campaign v8": {"a"},
                             "Target": {"x"}})
    assert [(g.label, g.slug, g.count) for g in groups] == [("Campaign", "campaign", 4), ("Target", "target", 1)]


@pytest.mark.parametrize("current, count, window", [
    (1, 1, []), (1, 3, [1, 2, 3]), (5, 12, [1, None, 3, 4, 5, 6, 7, None, 12]), (12, 12, [1, None, 10, 11, 12]),
])
def test_pager_window(current, count, window):
    assert pager_window(current, count) == window


def test_home_links_normalised_products_with_counts_and_all_articles(client, browse):
    html = client.get("/en/").content.decode()
    assert '<a href="/en/products/campaign/">Campaign</a> <span class="count">3</span>' in html
    assert '<a href="/en/products/northwind-server/">Northwind Server</a> <span class="count">23</span>' in html
    assert ">campaign<" not in html and "Northwind Server 4.x" not in html
    assert '<a href="/en/articles/">All 27 articles</a>' in html


def test_product_page_lists_its_articles_paged_and_sorted(client, browse):
    html = client.get("/de/products/northwind-server/?sort=title").content.decode()
    titles = re.findall(r"Northwind server notice (\d\d)", html)
    assert titles == [f"{n:02d}" for n in range(1, 21)]
    assert "23 Artikel" in html and 'rel="next" href="?sort=title&amp;page=2"' in html
    page_two = client.get("/de/products/northwind-server/?sort=title&page=2").content.decode()
    assert re.findall(r"Northwind server notice (\d\d)", page_two) == ["21", "22", "23"]
    # English articles listed for a German reader link to the German address (the interface stays German).
    assert 'href="/de/articles/NW-21/"' in page_two


def test_product_page_by_date_puts_the_newest_first(client, browse):
    html = client.get("/en/products/campaign/?sort=date").content.decode()
    assert re.findall(r'href="/en/articles/(CMP-\d)/"', html) == ["CMP-1", "CMP-2", "CMP-3"]


def test_unknown_product_is_404(client, browse):
    assert client.get("/en/products/no-such-thing/").status_code == 404


def test_code_directory_lists_codes_with_counts_and_filters(client, browse):
    html = client.get("/fr/codes/").content.decode()
    assert '<a class="code" href="/fr/codes/CMP-400123/">CMP-400123</a>' in html
    assert re.search(r"CMP-400123</a> <span class=\"count\">1 article</span>", html)
    filtered = client.get("/fr/codes/?q=rpt 504").content.decode()
    assert "RPT-504012" in filtered and "CMP-400123" not in filtered


def test_code_page_shows_the_canonical_spelling(client, browse):
    assert '<h1 class="code-title">CMP-400123</h1>' in client.get("/fr/codes/cmp400123/").content.decode()
    assert '<h1 class="code-title">NWS-410233</h1>' in client.get("/fr/codes/nws410233/").content.decode()


@pytest.mark.parametrize("headers, cookie, expected", [
    ({"HTTP_ACCEPT_LANGUAGE": "fr-CA,en;q=0.5"}, None, "/fr/"),
    ({"HTTP_ACCEPT_LANGUAGE": "zh-CN"}, None, "/zh-hans/"),
    ({"HTTP_ACCEPT_LANGUAGE": "it"}, None, "/en/"),
    ({"HTTP_ACCEPT_LANGUAGE": "fr-CA"}, "ja", "/ja/"),
])
def test_root_opens_the_remembered_then_the_browsers_language(client, headers, cookie, expected):
    if cookie:
        client.cookies["django_language"] = cookie
    assert client.get("/", **headers).url == expected


def test_switcher_remembers_the_choice_and_keeps_the_page(client, browse):
    response = client.get("/", {"lang": "de", "next": "/en/search?q=ledger&page=2&product=campaign"})
    assert response.url == "/de/search?q=ledger&product=campaign"
    assert response.cookies["django_language"].value == "de"
    assert client.get("/").url == "/de/"
    assert client.get("/", {"lang": "ja", "next": "/en/articles/CMP-1/"}).url == "/ja/articles/CMP-1/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/admin/", "nothing"])
def test_switcher_never_leaves_the_site_or_the_reader_pages(client, next_url):
    assert client.get("/", {"lang": "ko", "next": next_url}).url == "/ko/"


def test_url_language_wins_over_the_cookie(client, browse):
    client.cookies["django_language"] = "ja"
    assert '<html lang="fr">' in client.get("/fr/").content.decode()


def test_switcher_marks_languages_the_article_lacks(client, browse):
    html = client.get("/en/articles/CMP-1/").content.decode()
    assert '<option value="ja" lang="ja" >日本語</option>' in html
    assert '<option value="fr" lang="fr" >Français — not translated</option>' in html
    assert '<input type="hidden" name="next" value="/en/articles/CMP-1/">' in html


def test_fallback_notice_names_languages_in_the_readers_language(client, browse):
    assert "er wird auf Englisch angezeigt" in client.get("/de/articles/CMP-2/").content.decode()
    assert "英語で表示しています" in client.get("/ja/articles/CMP-2/").content.decode()


def test_translation_borrows_an_image_another_translation_has(client, browse):
    english = re.search(r'<img[^>]*src="([^"]+)"', client.get("/en/articles/CMP-1/").content.decode()).group(1)
    japanese = client.get("/ja/articles/CMP-1/").content.decode()
    assert f'src="{english}"' in japanese and "image-missing" not in japanese


def test_article_page_has_breadcrumbs_description_canonical_and_alternates(client, browse):
    html = client.get("/de/articles/CMP-1/").content.decode()
    assert '<li><a href="/de/products/campaign/">Campaign</a></li>' in html
    assert '<meta name="description" content="Importe brechen ab, wenn die Partition voll ist.">' in html
    assert '<link rel="canonical" href="http://testserver/de/articles/CMP-1/">' in html
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html)
    assert alternates == ["en", "de", "ja"]
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html


def test_search_links_results_to_the_readers_language(client, browse):
    html = client.get("/de/search", {"q": "RPT-504012"}).content.decode()  # KB-100 has no German
    assert 'href="/de/articles/KB-100/" lang="en" hreflang="en"' in html and "/en/articles/" not in html
    assert '<span class="other-language">Englisch</span>' in html


def test_search_snippet_is_the_matched_passage(client, browse):
    html = client.get("/en/search", {"q": "worker count"}).content.decode()
    snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "<mark>worker</mark> <mark>count</mark>" in snippet and "About it." not in snippet


def test_search_snippet_follows_a_saved_body(client, browse):
    """Each worker remembers the text of the bodies it has searched in: an edit shows at once."""
    from django.contrib.auth.models import User

    from articles.editing import actions
    from articles.editing.permissions import role_group
    from articles.models import Translation

    def snippet():
        html = client.get("/en/search", {"q": "worker count"}).content.decode()
        return re.search(r'<p class="snippet"[^>]*>(.*?)</p>', html, re.S).group(1)

    assert "to make it faster" in snippet()
    publisher = User.objects.create_user("pub", password="x-not-used")
    publisher.groups.add(role_group("publisher"))
    page = Translation.objects.get(article__number="CMP-2", language="en")
    body = page.body.replace("to make it faster", "and restart the nightly job")
    actions.save_translation(publisher, "CMP-2", "en", {"title": page.title, "body": body},
                             base_revision=page.latest_revision)
    actions.transition(publisher, "CMP-2", "validated")
    sync.bring_up_to_date()
    assert "restart the nightly job" in snippet() and "to make it faster" not in snippet()


def test_search_without_results_shows_the_correction_and_the_original(client, browse):
    html = client.get("/en/search", {"q": "northwnd notise"}).content.decode()
    assert "Showing results for “northwind notice”." in html
    assert "q=northwnd%20notise&amp;exact=1" in html and 'class="result-title"' in html
    exact = client.get("/en/search", {"q": "northwnd notise", "exact": "1"}).content.decode()
    assert "No results" in exact and "Did you mean:" in exact


def test_search_product_filter_is_shown_and_clearable(client, browse):
    html = client.get("/en/search", {"q": "ledger audience heatmap", "product": "campaign"}).content.decode()
    assert '<span class="filter">Campaign</span>' in html
    assert '<a class="clear" href="?q=ledger+audience+heatmap">Clear product</a>' in html
    assert html.count('class="result-title"') == 3


def test_search_language_facet_filters_and_facets_sort_by_count(client, browse):
    html = client.get("/en/search", {"q": "CMP-400123"}).content.decode()
    languages = re.findall(r'href="\?q=CMP-400123&amp;language=([a-z-]+)"', html)
    assert set(languages) == {"en", "de", "ja"}
    filtered = client.get("/en/search", {"q": "CMP-400123", "language": "ja"}).content.decode()
    assert "配信台帳のインポートが失敗する" in filtered and 'href="/en/articles/CMP-1/"' in filtered


def test_search_pager_has_previous_next_and_a_window(client, browse):
    html = client.get("/en/search", {"q": "northwind", "page": "2"}).content.decode()
    assert 'rel="prev" href="?q=northwind&amp;page=1"' in html and 'rel="next" href="?q=northwind&amp;page=3"' in html
    assert '<a aria-current="page" href="?q=northwind&amp;page=2">2</a>' in html


def test_suggest_endpoint_offers_codes_and_titles_in_the_readers_language(client, browse):
    body = client.get("/api/suggest", {"q": "cmp-4", "lang": "de"}).json()
    assert body["suggestions"][0] == {"kind": "code", "label": "CMP-400123", "url": "/de/codes/CMP-400123/",
                                      "title": "Import des Zustellungsjournals schlägt fehl", "count": 1}
    titles = client.get("/api/suggest", {"q": "Import des", "lang": "de"}).json()["suggestions"]
    assert titles == [{"kind": "article", "label": "Import des Zustellungsjournals schlägt fehl",
                       "url": "/de/articles/CMP-1/"}]
    assert client.get("/api/suggest", {"q": "x", "lang": "de"}).json() == {"suggestions": []}


def test_sitemaps_per_language_and_robots(client, browse):
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-ja.xml" in index and "http://testserver/sitemap-zh-Hans.xml" in index
    japanese = client.get("/sitemap-ja.xml").content.decode()
    assert "http://testserver/ja/articles/CMP-1/" in japanese and "/ja/articles/CMP-2/" not in japanese
    assert "http://testserver/ja/products/campaign/" in japanese
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_numbers_and_dates_follow_the_readers_locale(client, browse):
    html = client.get("/de/articles/CMP-1/").content.decode()
    assert "1. März 2024" in html


def test_the_home_page_is_worked_out_again_only_once_an_article_changed(client, browse):
    """The home page reads every translation a reader may see: it is remembered until the index
    journal moves, which every change it shows does, and separately for staff."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    assert '<a href="/en/articles/">All 27 articles</a>' in client.get("/en/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert '<a href="/en/articles/">All 27 articles</a>' in client.get("/en/").content.decode()
    assert not [q for q in queries.captured_queries if "articles_translation" in q["sql"]]

    article = Article.objects.get(number="CMP-1")  # archived the way the admin does: journalled
    article.status = Article.Status.ARCHIVED
    article.save()
    assert '<a href="/en/articles/">All 26 articles</a>' in client.get("/en/").content.decode()

    staff = Client()  # staff also see the archived one and an unpublished one: an answer of their own
    staff.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    staff_html = staff.get("/en/").content.decode()
    assert re.search(r"All (\d+) articles", staff_html).group(1) == "28", re.findall(r"All \d+ articles", staff_html)
    assert '<a href="/en/articles/">All 26 articles</a>' in client.get("/en/").content.decode()


def test_the_code_directory_is_remembered_until_an_article_citing_a_code_changes(client, browse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import listings
    from articles.models import Article

    before = {e.key: e.count for e in listings.code_directory(None)}
    with CaptureQueriesContext(connection) as queries:
        assert {e.key: e.count for e in listings.code_directory(None)} == before
        client.get("/api/suggest?q=" + next(iter(before)) + "&lang=en")  # search-as-you-type reads it too
    assert not [q for q in queries.captured_queries if "error_codes" in q["sql"]]

    cited = Article.objects.get(number="CMP-1")
    cited_codes = {key for t in cited.translations.all() for _, key in t.error_codes}
    assert cited_codes & set(before)
    cited.status = Article.Status.ARCHIVED
    cited.save()
    after = {e.key: e.count for e in listings.code_directory(None)}
    assert all(after.get(key, 0) == before[key] - 1 for key in cited_codes)


def test_all_articles_and_product_pages_are_worked_out_again_only_once_an_article_changed(client, browse):
    """Both read every translation a reader may see for twenty rows: the sorted rows are
    remembered per language, sort and product until the index journal moves."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    def numbers(path):
        return re.findall(r'href="/en/articles/([A-Z]+-\d+)/"', client.get(path).content.decode())

    for path in ("/en/articles/?sort=title", "/en/products/campaign/"):
        first = numbers(path)
        assert "CMP-1" in first
        with CaptureQueriesContext(connection) as queries:
            assert numbers(path) == first
            assert numbers(path.replace("/en/", "/en/", 1) + ("&" if "?" in path else "?") + "page=1") == first
        assert not [q for q in queries.captured_queries if "articles_translation" in q["sql"]], path

    by_date = numbers("/en/articles/")
    assert numbers("/en/articles/?sort=title") != by_date  # each sort has rows of its own

    article = Article.objects.get(number="CMP-1")  # archived the way the admin does: journalled
    article.status = Article.Status.ARCHIVED
    article.save()
    for path in ("/en/articles/?sort=title", "/en/products/campaign/", "/en/articles/"):
        assert "CMP-1" not in numbers(path), path


def test_a_listing_worked_out_again_replaces_the_one_it_supersedes(client, browse):
    """A busy site keeps one copy of each list in the cache, however often articles change."""
    from django.core.cache import cache

    from articles.models import Article

    def remembered():
        return sorted(key for key in cache._cache if "kb-listing" in key)

    for path in ("/en/", "/en/articles/", "/en/products/campaign/", "/en/codes/"):
        client.get(path)
    before = remembered()
    article = Article.objects.get(number="CMP-1")
    for status in (Article.Status.ARCHIVED, Article.Status.VALIDATED, Article.Status.ARCHIVED):
        article.status = status
        article.save()
        for path in ("/en/", "/en/articles/", "/en/products/campaign/", "/en/codes/"):
            client.get(path)
    assert remembered() == before
    assert "CMP-1" not in client.get("/en/articles/").content.decode()


def test_a_root_absolute_image_is_another_translations_only_when_it_names_it_whole():
    from types import SimpleNamespace

    from articles.pages import image_resolver

    english = SimpleNamespace(pk=1, assets={"assets/logo.png": "/media/articles/en-logo.png",
                                            "/help/assets/icons/gear.svg": "/media/articles/en-gear.svg"}, body="")
    japanese = SimpleNamespace(pk=2, assets={}, body="![Logo](/static/kb/logo.png) ![Shot](assets/logo.png) "
                                                     "![Gear](/help/assets/icons/gear.svg) ![G](/other/gear.svg)")
    resolve = image_resolver(japanese, [english, japanese])
    assert resolve("/static/kb/logo.png") is None  # left as written, not the English logo
    assert resolve("assets/logo.png") == "/media/articles/en-logo.png"
    # From the root, only the very file the English page names: the same reference whole.
    assert resolve("/help/assets/icons/gear.svg") == "/media/articles/en-gear.svg"
    assert resolve("/other/gear.svg") is None
    assert resolve.borrowed() == {"/media/articles/en-logo.png", "/media/articles/en-gear.svg"}


@pytest.mark.django_db
def test_a_page_whose_placeholder_no_sibling_can_fill_is_rendered_once(tmp_path, monkeypatch):
    from pathlib import Path

    from articles import pages
    from articles.models import Translation
    from tests.helpers import write

    (tmp_path / "en" / "assets").mkdir(parents=True)
    (tmp_path / "en" / "assets" / "shot.png").write_bytes(
        (Path(__file__).parent / "data" / "articles" / "assets" / "flow.png").read_bytes())
    write(tmp_path / "en" / "KB-910.md", "---\ntitle: Relay banner\narticle-number: KB-910\n---\n"
          "# Relay banner\n\n![Shot](assets/shot.png)\n")
    # The French page names the English image only inside code, and shows a banner nobody has.
    write(tmp_path / "fr" / "KB-910.md", "---\ntitle: Bannière du relais\narticle-number: KB-910\n---\n"
          "# Bannière du relais\n\n![Bannière](/assets/none.png) ![Logo](assets/logo.png)\n\n"
          "```\n![Shot](assets/shot.png)\n```\n")
    import_paths([tmp_path])
    renders = []
    real = pages.render_markdown
    monkeypatch.setattr(pages, "render_markdown", lambda *a, **k: renders.append(1) or real(*a, **k))
    siblings = list(Translation.objects.filter(article__number="KB-910"))
    for _ in range(5):
        french = Translation.objects.get(article__number="KB-910", language="fr")
        html, _ = pages.current_html(french, siblings)
        assert '<span class="image-missing">' in html and "none.png" in html
    assert len(renders) <= 1
    # The English page gains the logo: the French page borrows it at its next view.
    (tmp_path / "en" / "assets" / "logo.png").write_bytes((tmp_path / "en" / "assets" / "shot.png").read_bytes() + b"logo")
    write(tmp_path / "en" / "KB-910.md", "---\ntitle: Relay banner\narticle-number: KB-910\n---\n"
          "# Relay banner\n\n![Shot](assets/shot.png) ![Logo](assets/logo.png)\n")
    import_paths([tmp_path / "en"])
    siblings = list(Translation.objects.filter(article__number="KB-910"))
    logo = Translation.objects.get(article__number="KB-910", language="en").assets["assets/logo.png"]
    html, _ = pages.current_html(Translation.objects.get(article__number="KB-910", language="fr"), siblings)
    assert f'src="{logo}"' in html
