"""Set-up with a real corpus (issue 25): long imports and index builds show progress on stderr
(a plain line every so many files when stderr is not a terminal), and importing a corpus with
``--replace-samples`` removes the sample articles nobody edited."""
from io import StringIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
import pytest

from articles.editing.actions import save_translation
from articles.editing.permissions import role_group
from articles.management.commands import _progress
from articles.models import Article, Product
from articles.search import get_backend
from articles.search.models import JournalEntry
from articles.search.service import search

pytestmark = pytest.mark.django_db
SAMPLES = settings.BASE_DIR / "samples"
SAMPLE_NUMBERS = ["KA-90001", "KA-90002", "KA-90003"]

ARTICLE = """---
article-number: RC-{n}
title: Real corpus article {n}
description: Gateway drill {n}.
---
# Real corpus article {n}

The gateway stops with code GWY-{n:06d} after a restart.
"""


def write_corpus(folder, count):
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"RC-{n}.md").write_text(ARTICLE.format(n=n), encoding="utf-8")
    return folder


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_import_prints_a_progress_line_every_so_many_files_and_the_build_its_share(tmp_path, monkeypatch):
    monkeypatch.setattr(_progress, "EVERY", 10)
    _out, err = run("import_articles", str(write_corpus(tmp_path / "corpus", 25)))
    lines = err.splitlines()
    assert [line.split(",")[0] for line in lines if line.startswith("import:")] == [
        "import: 10 files", "import: 20 files", "import: 25 files"]
    assert "index build: 25/25 translations (100%)" in err  # no index yet: built, with its progress


def test_rebuild_index_prints_the_builds_progress(tmp_path, monkeypatch):
    run("import_articles", str(write_corpus(tmp_path / "corpus", 12)))
    monkeypatch.setattr(_progress, "EVERY", 5)
    out, err = run("rebuild_index")
    assert "index build: 5/12 translations (41%)" in err and "index build: 12/12 translations (100%)" in err
    assert "12 translation(s) indexed" in out


def test_quiet_commands_print_no_progress(tmp_path):
    _out, err = run("import_articles", str(write_corpus(tmp_path / "corpus", 3)), "-v", "0")
    assert "import:" not in err and "index build:" not in err


def test_importing_a_corpus_replaces_the_samples_nobody_edited(tmp_path):
    run("import_articles", str(SAMPLES))
    editor = User.objects.create_user("ana")
    editor.groups.add(role_group("publisher"))
    kept = Article.objects.get(number="KA-90002").translations.get(language="en")
    save_translation(editor, "KA-90002", "en", {"title": kept.title, "body": kept.body + "\n\nChecked."},
                     base_revision=kept.latest_revision)
    out, _err = run("import_articles", "--replace-samples", str(write_corpus(tmp_path / "corpus", 3)))
    assert "2 sample article(s) removed: KA-90001, KA-90003" in out
    assert sorted(Article.objects.values_list("number", flat=True)) == ["KA-90002", "RC-0", "RC-1", "RC-2"]
    assert JournalEntry.objects.filter(reason="delete").count() == 6  # three languages each
    assert set(Product.objects.values_list("name", flat=True)) == {"Northwind Portal"}  # KA-90002's, kept
    assert not {r.article_number for r in search("NWS-410233", "en").results} & {"KA-90001"}
    assert get_backend().position() == JournalEntry.objects.order_by("-id").first().id


def test_samples_stay_without_the_option_and_when_they_are_what_is_imported(tmp_path):
    run("import_articles", str(SAMPLES))
    run("import_articles", str(write_corpus(tmp_path / "corpus", 2)))
    out, err = run("import_articles", "--replace-samples", str(SAMPLES), str(tmp_path / "corpus"))
    assert "samples kept: the samples folder is among the imported paths" in err
    assert Article.objects.filter(number__in=SAMPLE_NUMBERS).count() == 3
