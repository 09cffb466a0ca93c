"""A reader types the name other pages link to a page with: that page comes first, before the
pages merely linking to it, even when it has no translation in the reader's language or is
titled otherwise (``articles.search.linked``)."""
import pytest

from articles.importing import import_paths
from articles.models import Article
from articles.search import sync
from tests.helpers import write

pytestmark = pytest.mark.django_db

PAGE = "---\ntitle: {title}\nexl-id: {exl_id}\n---\n# {title}\n\n{body}\n"


def repo(root, locale, pages):
    for path, (title, exl_id, body) in pages.items():
        write(root / f"tools.{locale}" / "help" / path, PAGE.format(title=title, exl_id=exl_id, body=body))


def found(client, typed, lang="en"):
    results = client.get("/api/search", {"q": typed, "lang": lang}).json()["results"]
    return [(r["article_number"], r["language"]) for r in results]


@pytest.fixture
def tools(tmp_path):
    root = tmp_path / "docs"
    repo(root, "en", {
        "overview.md": ("Tools for your store", "0001-hub",
                        "Start with the [Patch Finder](finder/find.md): the Patch Finder lists patches. "
                        "The [[!UICONTROL Cache Cleaner]](cleaner.md \"Cleaner\") empties caches."),
        "release.md": ("Release notes", "0002-notes", "This release adds the Patch Finder and the Cache Cleaner "
                       "to the tools. See [Patch Finder](finder/find.md)."),
        "cleaner.md": ("Empty the caches of a store", "0003-cleaner", "Caches fill up; this tool empties them."),
    })
    repo(root, "ko-KR", {  # the finder page is not translated into English yet
        "finder/find.md": ("패치 찾기", "0004-finder", "패치 목록을 보여 줍니다."),
    })
    import_paths([root])
    sync.rebuild()
    return root


def test_the_page_named_by_a_links_text_comes_first_in_any_language(client, tools):
    # Only Korean: shown in Korean, before the pages whose text names it.
    assert found(client, "Patch Finder")[:2] == [("0004-finder", "ko"), ("0001-hub", "en")]
    assert found(client, "patch  finder.")[:1] == [("0004-finder", "ko")]
    # Titled otherwise, and named in a link with markup.
    assert found(client, "Cache Cleaner")[:1] == [("0003-cleaner", "en")]
    # Words of the name only, or more words: the pages holding them, as before.
    assert ("0004-finder", "ko") not in found(client, "Patch")
    assert found(client, "Patch Finder release")[:1] == [("0002-notes", "en")]


def test_a_page_titled_with_the_text_stays_first(client, tools, tmp_path):
    repo(tmp_path / "more", "en", {"finder.md": ("Patch Finder", "0005-other", "Another page of that name.")})
    import_paths([tmp_path / "more"])
    sync.rebuild()
    assert found(client, "Patch Finder")[:2] == [("0005-other", "en"), ("0004-finder", "ko")]


def test_a_linked_page_the_reader_may_not_see_never_appears(client, tools):
    Article.objects.filter(number="0004-finder").update(status=Article.Status.WORK_IN_PROGRESS)
    sync.rebuild()
    assert all(number != "0004-finder" for number, _ in found(client, "Patch Finder"))
