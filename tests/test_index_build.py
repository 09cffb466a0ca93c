"""Building and reading the index at scale: rows made into documents in the build's children,
and the compact per-document summaries."""
import pytest

from articles.importing import import_paths
from articles.models import Translation
from articles.search import get_backend, sync
from articles.search.whoosh.build import _document, _rows, write_index
from articles.search.whoosh.documents import translation_document
from articles.search.whoosh.schema import ARTICLE, LANG, PRODUCTS, PUBLIC
from articles.search.whoosh.summaries import Summaries

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(articles_dir):
    import_paths([articles_dir])


def test_a_row_becomes_the_document_its_translation_would(imported):
    rows = list(_rows(Translation.objects.all()))
    assert len(rows) == Translation.objects.count()
    for row, translation in zip(rows, Translation.objects.order_by("pk")):
        products = [p.name for p in translation.products.all()]
        assert _document(row) == translation_document(translation, products)


def test_one_process_and_two_index_the_same_translations(imported, tmp_path):
    from whoosh import index

    for processes in (1, 2):
        folder = tmp_path / f"p{processes}"
        folder.mkdir()
        assert write_index(folder, Translation.objects.all(), processes=processes) == Translation.objects.count()
        with index.open_dir(str(folder)).searcher() as searcher:
            assert sorted(int(f["id"]) for f in searcher.all_stored_fields()) == sorted(
                Translation.objects.values_list("pk", flat=True))


def test_summaries_say_what_the_stored_fields_say(imported):
    sync.rebuild()
    with get_backend().searcher() as searcher:
        reader = searcher.reader()
        summaries = Summaries(reader)
        stored = dict(reader.iter_docs())
        described = summaries.describe(list(stored))
        for (docnum, fields), (article, language, products) in zip(stored.items(), described):
            assert (article, language) == (fields[ARTICLE], fields[LANG])
            assert set(products) == {p for p in (fields.get(PRODUCTS) or "").split(",") if p}
            assert summaries.translation(article, language) == (docnum, fields[PUBLIC] == "1")
        assert sorted(summaries.private.tolist()) == sorted(d for d, f in stored.items() if f[PUBLIC] != "1")
        assert summaries.translation("no-such-article", "en") == (None, False)


def test_summaries_kept_per_segment_follow_commits_and_deletions(imported):
    from articles.models import Article, Translation
    backend = get_backend()
    sync.rebuild()
    cache = {}
    with backend.searcher() as searcher:
        Summaries(searcher.reader(), cache)
    big = set(cache)
    # A change re-indexes one translation (deleted from the big segment, added in a new one)
    # and hides another: the big segment's arrays are reused, its deletions applied.
    hidden = Translation.objects.get(article__number="KB-100", language="fr")
    Article.objects.filter(pk=hidden.article_id).update(audience="internal")
    sync.record_change(Translation.objects.filter(article_id=hidden.article_id).values_list("pk", flat=True),
                       sync.VISIBILITY)
    sync.apply_pending()
    with backend.searcher() as searcher:
        reader = searcher.reader()
        summaries = Summaries(reader, cache)
        assert big <= set(cache)  # reused, not read again
        stored = {docnum: fields for docnum, fields in reader.iter_docs()}
        for docnum, fields in stored.items():
            assert summaries.translation(fields[ARTICLE], fields[LANG]) == (docnum, fields[PUBLIC] == "1")
        assert sorted(summaries.private.tolist()) == sorted(d for d, f in stored.items() if f[PUBLIC] != "1")
        assert summaries.translation("KB-100", "fr")[1] is False


def test_a_build_whose_process_died_fails_instead_of_going_live_short(tmp_path, monkeypatch):
    """Whoosh's multiprocess writer drops the segment of a child that died (killed, out of
    memory) without a word; the build must fail, so that the live index stays."""
    import os
    import signal

    from articles.search.whoosh import build
    from articles.search.whoosh.schema import Part, WeightedText

    parent = os.getpid()
    index = WeightedText.index

    def dying_index(self, value, **kwargs):
        if os.getpid() != parent and value[0].text == "words of row120":
            os.kill(os.getpid(), signal.SIGKILL)  # the child indexing this row dies
        return index(self, value, **kwargs)

    monkeypatch.setattr(build, "_rows", lambda translations: iter(range(400)))
    monkeypatch.setattr(build, "_document",
                        lambda row: {"id": str(row), "lang": "en", "text_en": [Part(f"words of row{row}", 1.0)]})
    monkeypatch.setattr(WeightedText, "index", dying_index)
    with pytest.raises(RuntimeError, match=r"wrote \d+ of 400 translations"):
        write_index(tmp_path, None, processes=2)


def test_a_file_written_to_the_index_knows_where_it_is_as_the_system_does(tmp_path):
    """Whoosh records where each term's postings start from ``tell()``; the storage answers it
    from what was written, and must agree with the file itself."""
    from array import array
    import os

    from articles.search.whoosh.storage import SafeFileStorage

    written = SafeFileStorage(tmp_path).create_file("part.pst")
    written.write(b"abc")
    written.write_varint(300)
    written.write_array(array("I", range(5)))
    written.flush()
    assert written.tell() == os.lseek(written.fileno(), 0, os.SEEK_CUR) == 3 + 2 + 20
    written.seek(1)
    written.write(b"Z")
    assert written.tell() == 2
    written.seek(0, 2)
    written.write_long(7)
    assert written.tell() == 33
    written.close()
    assert os.path.getsize(tmp_path / "part.pst") == 33
    assert (tmp_path / "part.pst").read_bytes()[:3] == b"aZc"
