"""The importer's writer process (``importing/writer.py``): outside a caller's transaction (the
command line, these tests) the decided files are written by a process of its own, through the
editing service, one transaction each; inside one (the other import tests run in a test's
transaction) they are written on the caller's connection. Either way the same rows, the same
outcomes, and a failure costs one file."""
import os

from django.db import DatabaseError, transaction
import pytest

from articles.editing import actions
from articles.importing import import_paths, loader
from articles.models import Revision, Translation
from tests.helpers import write
from tests.test_editing import user_with

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {"en": "The {word} stops with KW-{n:05d} at night.", "fr": "La {word} s'arrête avec KW-{n:05d} la nuit."}
FIELDS = ("number", "title", "body", "source_revision", "content_key", "import_path")


def write_folder(folder, count, word="pump"):
    for n in range(1, count + 1):
        for language, text in TEXT.items():
            body = text.format(word=word, n=n)
            write(folder / language / f"KW-{n}.md", f"---\narticle-number: KW-{n}\ntitle: {word} {n}\n---\n{body}\n")
    return folder


@pytest.fixture
def writers(monkeypatch):
    """The writer processes the imports start."""
    started = []

    class Spy(loader.Writer):
        def __init__(self, *args, **options):
            super().__init__(*args, **options)
            started.append(self.process)

    monkeypatch.setattr(loader, "Writer", Spy)
    return started


def rows(prefix):
    return sorted(
        (r.translation.article.number.removeprefix(prefix), r.translation.language,
         *(getattr(r, name) for name in FIELDS[1:-1]), os.path.basename(r.import_path))
        for r in Revision.objects.select_related("translation__article").filter(
            translation__article__number__startswith=prefix))


def test_the_writer_process_leaves_the_rows_an_import_in_this_process_leaves(tmp_path, writers):
    report = import_paths([write_folder(tmp_path / "a", 20)])
    assert len(writers) == 1 and writers[0].exitcode == 0
    assert report.counts["imported"] == 40 and report.ok
    assert all(outcome.translation_id for outcome in report.outcomes)
    written_apart = rows("KW-")
    Translation.objects.all().delete()
    with transaction.atomic():  # a caller's transaction: written here
        here = import_paths([write_folder(tmp_path / "b", 20)])
    assert len(writers) == 1 and here.counts == report.counts
    assert rows("KW-") == written_apart
    assert {r[4] for r in written_apart if r[1] == "fr"} == {1}  # each French one follows English revision 1


def test_a_save_committed_after_the_run_read_the_edits_is_kept_by_the_writer(tmp_path, writers, monkeypatch):
    folder = write_folder(tmp_path, 3)
    import_paths([folder])
    editor = user_with("editor")
    actions.save_translation(editor, "KW-2", "en", {"title": "pump 2", "body": "Edited."}, base_revision=1)
    real = loader._Loader.__init__

    def read_before_the_save(self, *args, **options):
        real(self, *args, **options)
        self.edited = {}

    monkeypatch.setattr(loader._Loader, "__init__", read_before_the_save)
    write_folder(folder, 3, word="valve")
    report = import_paths([folder])
    outcome = next(o for o in report.outcomes if o.number == "KW-2" and o.language == "en")
    assert outcome.status == "skipped" and "was edited by editor" in str(outcome.reason)
    assert report.counts["updated"] == 5 and len(writers) == 2
    latest = Revision.objects.filter(translation__article__number="KW-2", translation__language="en").last()
    assert (latest.number, latest.body, latest.author) == (2, "Edited.", editor)


def test_a_refused_record_fails_its_file_only_in_the_writer(tmp_path, writers, monkeypatch):
    real = loader.import_translation

    def refuse(session, parsed, rendered, **options):  # the writer is forked with this in place
        if parsed.number != "KW-2":
            return real(session, parsed, rendered, **options)
        with transaction.atomic():  # written, then the transaction is refused
            real(session, parsed, rendered, **options)
            raise DatabaseError('refused: LINE 1: INSERT INTO "articles_translation"')

    monkeypatch.setattr(loader, "import_translation", refuse)
    report = import_paths([write_folder(tmp_path, 4)])
    failed = {(o.number, o.language): str(o.reason) for o in report.failures}
    assert set(failed) == {("KW-2", "en"), ("KW-2", "fr")} and writers[0].exitcode == 0
    assert all("the database refused the record" in reason and "INSERT" not in reason for reason in failed.values())
    assert report.counts["imported"] == 6
    assert not Translation.objects.filter(article__number="KW-2").exists()


def test_a_writer_that_dies_costs_the_files_it_held_and_a_rerun_finishes_the_job(tmp_path, writers, monkeypatch):
    real = loader.import_translation

    def die(session, parsed, rendered, **options):
        if parsed.number == "KW-3" and parsed.language == "en":
            os._exit(3)
        return real(session, parsed, rendered, **options)

    monkeypatch.setattr(loader, "import_translation", die)
    folder = write_folder(tmp_path, 5)
    report = import_paths([folder])
    died = report.outcomes[2]
    assert (died.number, died.status) == ("KW-3", "failed") and "writer process died (exit code 3)" in died.reason
    assert [o.status for o in report.outcomes[:2]] == ["imported", "imported"]
    assert not Translation.objects.filter(article__number="KW-3").exists()
    monkeypatch.setattr(loader, "import_translation", real)
    again = import_paths([folder])
    assert again.ok and again.counts["imported"] == report.counts["failed"]
    assert Translation.objects.count() == 10
