"""A KCS video page has no ``article-number``; its file name (``KT-11251.md``) is the article in
every language folder, and the number readers and support staff quote. An exl-id it carries
too does not rename it; a site that imported it under its exl-id keeps that number."""
import pytest

from articles.importing import grouping, import_paths
from articles.models import Article
from tests.helpers import write

pytestmark = pytest.mark.django_db

VIDEO = "---\ntitle: {title}\ndescription: A short video.\nexl-id: 5e1f0c2a-video\n---\n# {title}\n\n{body}\n"


def video_pages(root, body="Watch the steps."):
    write(root / "en" / "articles" / "KT-24680.md", VIDEO.format(title="Set up the relay", body=body))
    write(root / "fr-FR" / "articles" / "KT-24680.md", VIDEO.format(title="Configurer le relais", body=body))
    return root


def test_a_video_page_is_numbered_by_its_file_name_in_every_language(client, tmp_path):
    assert import_paths([video_pages(tmp_path / "kcs")]).ok
    article = Article.objects.get()
    assert (article.number, sorted(article.translations.values_list("language", flat=True))) == \
        ("KT-24680", ["en", "fr"])
    assert client.get("/fr/articles/KT-24680/", follow=True).status_code == 200


def test_a_site_that_holds_it_under_its_exl_id_keeps_that_number(tmp_path, monkeypatch):
    root = tmp_path / "kcs"
    with monkeypatch.context() as patch:  # imported before the file name came first
        patch.setattr(grouping, "NUMBERED_STEM_RE", grouping.re.compile(r"(?!)"))
        assert import_paths([video_pages(root)]).ok
    assert list(Article.objects.values_list("number", flat=True)) == ["5e1f0c2a-video"]
    report = import_paths([video_pages(root, body="Watch the steps again.")])
    assert report.ok and report.counts["updated"] == 2
    assert list(Article.objects.values_list("number", flat=True)) == ["5e1f0c2a-video"]
