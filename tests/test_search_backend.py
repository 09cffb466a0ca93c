"""The search backend is chosen in settings (``KB_SEARCH_BACKEND``): the search service,
semantic fusion, log triage and related articles answer through the class it names, and none
reaches past its interface (``articles/search/backend.py``) to the engine."""
import ast
from pathlib import Path

import pytest

from articles.importing import import_paths
from articles.models import Translation
from articles.search import get_backend, sync
from articles.search.backend import IndexView, SearchBackend
from articles.search.service import Result, search

pytestmark = pytest.mark.django_db

FAKE = "tests.test_search_backend.OneArticleBackend"


class OneArticleView(IndexView):
    """An index holding one document, KB-100 in French, that cites every code."""

    def doc_count(self):
        return 1

    def analyze(self, text, language, joined=False):
        return text.lower().split()

    def rare_terms(self, terms, language):
        return []

    def citing(self, key):
        return [0]

    def cited(self, key):
        return True

    def holding(self, language, term):
        return []

    def quoting(self, phrase):
        return []

    def key_terms(self, language, text, count):
        return text.split()[:count]

    def top(self, clauses, limit, exclude=()):
        return [(0, 1.0)] if clauses else []

    def search(self, text, language, limit, exclude=()):
        return ([(0, 1.0)], ["GTW-401"]) if "gtw-401" in text.lower() else ([], [])

    def suggestion(self, text, language, exclude=()):
        return "export timeout" if text == "exprt timout" else None

    def exact(self, text, language, limit, exclude=()):
        return {0} if "gtw-401" in text.lower() else set()

    def translation(self, article, language):
        return (0, True) if (article, language) == ("KB-100", "fr") else (None, False)

    def hidden(self):
        return frozenset()

    def product_names(self):
        return []

    def describe(self, documents):
        return [("KB-100", "fr", ()) for _ in documents]

    def result(self, group, language, staff=False):
        return Result(group["article"], "fr", "L’export expire", "", group["score"], ["GTW-401"], [])


class OneArticleBackend(SearchBackend):
    def read(self, function):
        return function(OneArticleView())

    def position(self):
        return sync.journal.head()[0]  # always current: nothing for a search to apply first


@pytest.fixture
def one_article_backend(settings, articles_dir):
    import_paths([articles_dir])  # the database's articles; the index is the fake's
    settings.KB_SEARCH_BACKEND = FAKE
    return get_backend()


def test_triage_and_related_articles_read_the_backend_named_in_settings(one_article_backend):
    from articles.search.related import related_articles
    from articles.triage.ranking import triage

    assert isinstance(one_article_backend, OneArticleBackend)
    found = triage("ERROR GTW-401 the gateway refused the certificate", "en")
    assert [(r.article_number, r.codes) for r in found.results] == [("KB-100", ["GTW-401"])]
    korean = Translation.objects.get(article__number="KB-200", language="ko")
    assert [link.article_number for link in related_articles(korean, "en")] == ["KB-100"]


def test_the_search_service_reads_the_backend_named_in_settings(one_article_backend):
    from articles.search.service import articles_citing

    found = search("GTW-401 when exporting", "en")
    assert [(r.article_number, r.title) for r in found.results] == [("KB-100", "L’export expire")]
    assert found.codes == ["GTW-401"] and found.languages == {"fr": 1}
    assert search("exprt timout", "en").suggestion == "export timeout"
    assert [r.article_number for r in articles_citing("GTW-401", "en").results] == ["KB-100"]


# The code that ranks for readers and editors, which must work on any backend.
ENGINE_FREE = ["articles/search/service.py", "articles/search/related.py", "articles/search/semantic",
               "articles/triage"]


def test_the_code_that_ranks_imports_nothing_of_the_engine():
    root = Path(__file__).resolve().parent.parent
    files = [path for entry in ENGINE_FREE for path in
             ((root / entry).rglob("*.py") if (root / entry).is_dir() else [root / entry])]
    assert len(files) > 5
    offending = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offending += [f"{path.relative_to(root)}: {name}" for name in names
                          if name == "whoosh" or name.startswith("whoosh.") or "whoosh" in name.split(".")]
    assert offending == []


def test_a_backend_setting_naming_nothing_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.KB_SEARCH_BACKEND = "articles.search.whoosh.backend.NoSuchBackend"
    with pytest.raises(ImproperlyConfigured, match="KB_SEARCH_BACKEND"):
        get_backend()


def test_the_whoosh_backend_suggests_what_a_search_offers_as_did_you_mean(articles_dir):
    import_paths([articles_dir])
    sync.rebuild()
    backend = get_backend()
    assert backend.suggest("exprt timout", "en") == "export timeout"
    assert search("exprt timout", "en").suggestion == "export timeout"
    assert backend.suggest("export timeout", "en") is None
