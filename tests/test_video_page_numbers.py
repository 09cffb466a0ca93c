"""A KCS video page has no ``article-number``; ``KT-`` and its ``kt`` field, which names its file
(``KT-11251.md``), is the article in every language folder, and the number readers and support
staff quote. An exl-id it carries too does not rename it; a site that imported it under its
exl-id keeps that number."""
import pytest

from articles.importing import grouping, import_paths
from articles.models import Article
from articles.search import sync
from tests.helpers import write

pytestmark = pytest.mark.django_db

VIDEO = "---\ntitle: {title}\ndescription: A short video.\nkt: 24680\nexl-id: 5e1f0c2a-video\n---\n# {title}\n\n{body}\n"


def video_pages(root, body="Watch the steps."):
    write(root / "en" / "articles" / "KT-24680.md", VIDEO.format(title="Set up the relay", body=body))
    write(root / "fr-FR" / "articles" / "KT-24680.md", VIDEO.format(title="Configurer le relais", body=body))
    return root


def test_a_video_page_is_numbered_kt_in_every_language_and_found_so(client, tmp_path):
    assert import_paths([video_pages(tmp_path / "kcs")]).ok
    sync.bring_up_to_date()
    article = Article.objects.get()
    assert (article.number, sorted(article.translations.values_list("language", flat=True))) == \
        ("KT-24680", ["en", "fr"])
    page = client.get("/fr/articles/KT-24680/")  # an article's address, not a documentation page's
    assert page.status_code == 200 and "Configurer le relais" in page.content.decode()
    for typed in ("KT-24680", "kt 24680", "24680"):
        results = client.get("/api/search", {"q": typed, "lang": "fr"}).json()["results"]
        assert results[0]["article_number"] == "KT-24680", typed


def test_a_site_that_holds_it_under_its_exl_id_keeps_that_number(tmp_path, monkeypatch):
    root = tmp_path / "kcs"
    with monkeypatch.context() as patch:  # imported before the file name came first
        patch.setattr(grouping, "KT_RE", grouping.re.compile(r"(?!)"))
        assert import_paths([video_pages(root)]).ok
    assert list(Article.objects.values_list("number", flat=True)) == ["5e1f0c2a-video"]
    report = import_paths([video_pages(root, body="Watch the steps again.")])
    assert report.ok and report.counts["updated"] == 2
    assert list(Article.objects.values_list("number", flat=True)) == ["5e1f0c2a-video"]


def test_a_site_that_holds_it_under_a_number_derived_from_its_exl_id_keeps_that_number(tmp_path, monkeypatch):
    root = tmp_path / "kcs"
    # A documentation page came first with the same exl-id: the video page got a derived number.
    write(root / "docs" / "en" / "relay.md", "---\ntitle: Relay\nexl-id: 5e1f0c2a-video\n---\n# Relay\n\nText.\n")
    with monkeypatch.context() as patch:
        patch.setattr(grouping, "KT_RE", grouping.re.compile(r"(?!)"))
        assert import_paths([root / "docs"]).ok and import_paths([video_pages(root / "videos")]).ok
    before = sorted(Article.objects.values_list("number", flat=True))
    assert len(before) == 2 and before[1].startswith("5e1f0c2a-video-")
    assert import_paths([video_pages(root / "videos", body="Watch the steps again.")]).ok
    assert sorted(Article.objects.values_list("number", flat=True)) == before
