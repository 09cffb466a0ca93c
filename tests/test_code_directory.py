"""The error-code directory, code pages and search-as-you-type for codes: only real codes, the
most cited first, each with the title of the article that best explains it. Every article is
written for these tests."""
import pytest

from articles.importing import import_paths
from articles.search import sync
from tests.helpers import write

pytestmark = pytest.mark.django_db

ARTICLE = """---
title: {title}
description: {title}.
product: Campaign
article-number: {number}
---
# {title}

{body}
"""


def article(root, number, title, body, lang="en"):
    write(root / lang / f"{number}.md", ARTICLE.format(number=number, title=title, body=body))


@pytest.fixture
def codes_dir(tmp_path):
    root = tmp_path / "codes"
    # XSV-350176 is cited by three articles, XSV-350014 by two, XSV-350122 by one.
    article(root, "C-1", "Delivery fails with XSV-350176", "The log shows `XSV-350176 Invalid private key`.")
    article(root, "C-1", "La diffusion échoue avec XSV-350176", "Le journal affiche `XSV-350176`.", lang="fr")
    article(root, "C-2", "Private keys in external accounts",
            "Rotating a key may log `XSV-350176` or `XSV-350014` and `XSV-350122` for a while.")
    article(root, "C-3", "IP address not allowed", "Calls answer `XSV-350014 The IP address is not allowed`; "
            "an expired key also logs XSV-350176.")
    # What readers must never meet as codes: ids, tickets, ciphers, hex, prefixes.
    article(root, "C-4", "Proxy set-up notes",
            "Request q-ab77988 used AES-256 and SHA-256; see ticket ABC-1234. Image afbc7944-b517-ed11.png. "
            "Session abortedjavax.jcr.RepositoryException was logged.")
    import_paths([root])
    sync.bring_up_to_date()
    return root


def suggest(client, q, lang="en"):
    return client.get("/api/suggest", {"q": q, "lang": lang}).json()["suggestions"]


@pytest.mark.parametrize("typed", ["XSV-35", "xsv35", "xsv 350", "XSV-350"])
def test_a_code_prefix_offers_the_most_cited_completions_first(client, codes_dir, typed):
    codes = [s for s in suggest(client, typed) if s["kind"] == "code"]
    assert [(s["label"], s["count"]) for s in codes] == [("XSV-350176", 3), ("XSV-350014", 2), ("XSV-350122", 1)]


def test_each_code_comes_with_the_title_of_the_article_that_best_explains_it(client, codes_dir):
    english, french = suggest(client, "XSV-35")[0], suggest(client, "XSV-35", "fr")[0]
    assert english["title"] == "Delivery fails with XSV-350176" and english["url"] == "/en/codes/XSV-350176/"
    assert french["title"] == "La diffusion échoue avec XSV-350176"
    assert suggest(client, "XSV-350014")[0]["title"] == "IP address not allowed"


def test_two_characters_offer_no_code(client, codes_dir):
    assert [s for s in suggest(client, "XS") if s["kind"] == "code"] == []


def test_the_directory_lists_only_real_codes(client, codes_dir):
    html = client.get("/en/codes/").content.decode()
    for code in ("XSV-350176", "XSV-350014", "XSV-350122", "javax.jcr.RepositoryException"):
        assert f">{code}</a>" in html
    for fake in ("AB-77988", "AES-256", "SHA-256", "ABC-1234", "AFBC-7944", "abortedjavax"):
        assert fake not in html


def test_a_code_no_article_cites_is_a_404_offering_the_codes_that_begin_like_it(client, codes_dir):
    response = client.get("/en/codes/XSV-350/")
    html = response.content.decode()
    assert response.status_code == 404 and "No article cites this code yet." in html
    assert html.index('href="/en/codes/XSV-350176/"') < html.index('href="/en/codes/XSV-350014/"')
    assert "Codes qui commencent par XSV-350" in client.get("/fr/codes/XSV-350/").content.decode()
    assert client.get("/en/codes/AES-256/").status_code == 404
    assert client.get("/en/codes/XSV-350176/").status_code == 200


def test_the_search_page_links_only_codes_a_code_page_answers_for(client, codes_dir):
    assert 'href="/en/codes/XSV-350/"' not in client.get("/en/search", {"q": "XSV-350"}).content.decode()
    html = client.get("/en/search", {"q": "XSV-350176 AES-256"}).content.decode()
    assert 'href="/en/codes/XSV-350176/"' in html and "/codes/AES-256/" not in html


def test_the_search_page_names_its_codes_without_reading_every_translation(client, codes_dir, monkeypatch):
    """The code directory is worked out again after every change: a search page after each save
    must not wait for it."""
    from articles import listings

    def whole_directory(user):
        raise AssertionError("the search page read the whole code directory")

    monkeypatch.setattr(listings, "_all_codes", whole_directory)
    html = client.get("/en/search", {"q": "XSV-350014 XSV-999999"}).content.decode()
    assert 'href="/en/codes/XSV-350014/"' in html and "/codes/XSV-999999/" not in html
