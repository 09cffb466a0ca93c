from pathlib import Path
import re
import time
import shutil

from django.core.management import CommandError, call_command
import pytest

from articles.importing import import_paths
from articles.models import Article, ImportRun, Product, Translation
from tests.helpers import write

pytestmark = pytest.mark.django_db

GOOD = "---\ntitle: Good\narticle-number: KB-1\n---\n# Good\n\nBody text.\n"


def test_imports_translations_grouped_by_number(articles_dir):
    report = import_paths([articles_dir])
    assert report.counts["imported"] == 3 and report.ok
    article = Article.objects.get(number="KB-100")
    assert sorted(article.translations.values_list("language", flat=True)) == ["en", "fr"]
    assert report.rules == {"path": 3}


def test_front_matter_is_kept_verbatim_and_mapped(articles_dir):
    import_paths([articles_dir])
    en = Translation.objects.get(article__number="KB-100", language="en")
    assert en.front_matter["custom-field"] == {"nested": [1, 2]}
    assert en.keywords == ["KCS", "export", "timeout", "RPT-504012"]
    assert list(en.products.values_list("name", flat=True)) == ["Contoso Gateway", "Contoso Reports"]
    assert en.is_bug and en.version_number == 4 and en.published_by == "Dana Lee"
    assert en.internal_notes.startswith("Customer escalation")
    assert set(en.sections) == {"environment", "symptoms", "resolution", "cause"}
    assert Translation.objects.get(article__number="KB-200").hidden


def test_existing_image_is_copied_and_missing_one_is_reported(articles_dir, settings):
    report = import_paths([articles_dir])
    en = Translation.objects.get(article__number="KB-100", language="en")
    url = en.assets["../assets/flow.png"]
    assert url.startswith(settings.MEDIA_URL) or url.startswith("/" + settings.MEDIA_URL)
    assert any((settings.MEDIA_ROOT / "articles").iterdir())
    assert f'src="{url}"' in en.rendered_html
    assert "image-missing" in en.rendered_html
    assert (str(articles_dir / "en" / "KB-100.md"), "image not found: ../assets/missing.png") in report.warnings


def test_a_documentation_image_written_from_the_repository_root_is_copied(tmp_path, settings):
    repo = tmp_path / "docs" / "guide.en"
    (repo / "help" / "assets" / "icons").mkdir(parents=True)
    (repo / "help" / "assets" / "icons" / "gear.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    write(repo / "help" / "admin" / "deep" / "settings.md",
          "---\ntitle: Settings\nexl-id: 9999-aaaa\n---\n# Settings\n\nClick ![Gear](/help/assets/icons/gear.svg) "
          "and <img src=\"/help/assets/icons/gear.svg\" alt=\"gear\">, not ![Gone](/help/assets/icons/gone.svg) "
          "nor ![Passwd](/../../../../etc/passwd.svg) nor ![Site](/media/kept.png).\n")
    report = import_paths([tmp_path / "docs"])
    assert report.ok
    assert [warning for _, warning in report.warnings] == [
        "image not found: /help/assets/icons/gone.svg", "image not found: /../../../../etc/passwd.svg"]
    page = Translation.objects.get(article__number="9999-aaaa")
    url = page.assets["/help/assets/icons/gear.svg"]
    assert page.rendered_html.count(f'src="{url}"') == 2 and "/help/assets/icons/gear.svg" not in page.rendered_html
    # Not found under the repository: a placeholder naming it, as for a relative image; one of
    # this site's media files is left as written.
    assert "Image not available: gone.svg" in page.rendered_html and 'src="/help/assets/icons/gone.svg"' not in page.rendered_html
    assert "Image not available: passwd.svg" in page.rendered_html and 'src="/media/kept.png"' in page.rendered_html
    assert set(page.assets) == {"/help/assets/icons/gear.svg"}


SNIPPETS = """# Snippets

<!-- Steps -->

## Open the console {#open-console}

1. Open the **[!UICONTROL Console]** from the top bar.

<!-- Notes -->

## Careful with live data {#live-data}

>[!CAUTION]
>
>This changes what customers see.

### Why {#why-live}

Changes apply at once.

## Unused {#unused}

Nothing.
"""


def test_documentation_snippets_are_put_where_a_page_names_them(tmp_path):
    repo = tmp_path / "docs" / "guide.en" / "help"
    write(repo / "_includes" / "snippets.md", SNIPPETS)
    page = repo / "admin" / "publish.md"
    write(page, "---\ntitle: Publish\nexl-id: 8888-bbbb\n---\n# Publish\n\n{{open-console}}\n1. Choose the site.\n\n"
                "   {{live-data}}\n\n1. Click Publish.\n\n```text\n{{open-console}}\n```\n\n{{no-such-snippet}}\n\n"
                "{{$include /help/_includes/lead-time.md}}\n\n{{$include ../../../../../etc/passwd.md}}\n")
    write(repo / "_includes" / "lead-time.md", "---\ntitle: Lead time\n---\nAsk **two weeks** ahead.\n")
    report = import_paths([tmp_path / "docs"])
    # What _includes holds goes into pages; none of it is a page, with front matter or without.
    assert report.ok and report.counts["imported"] == 1 and report.counts["skipped"] == 2
    html = Translation.objects.get(article__number="8888-bbbb").rendered_html
    steps = re.search(r"<ol>.*?</ol>", html, re.S).group(0)
    assert steps.count("<li>") == 3 and '<span class="uicontrol">Console</span>' in steps
    assert 'class="alert alert-caution"' in steps and "Changes apply at once." in steps  # under step 2, with its subsection
    assert '<code class="language-text">{{open-console}}</code>' in html and "{{no-such-snippet}}" in html and "Nothing." not in html
    assert "<strong>two weeks</strong>" in html and "title: Lead time" not in html and "passwd.md}}" in html
    assert import_paths([tmp_path / "docs"]).counts["unchanged"] == 1
    write(repo / "_includes" / "snippets.md", SNIPPETS.replace("from the top bar", "from the side bar"))
    assert import_paths([tmp_path / "docs"]).counts["updated"] == 1
    assert "from the side bar" in Translation.objects.get(article__number="8888-bbbb").rendered_html


def test_a_page_naming_a_large_snippet_thousands_of_times_is_refused_without_building_it(tmp_path):
    repo = tmp_path / "docs" / "guide.en" / "help"
    write(repo / "_includes" / "snippets.md", "## Big {#big}\n\n" + "word " * 200_000 + "\n")
    write(repo / "p.md", "---\ntitle: P\nexl-id: 7777-cccc\n---\n" + "{{big}}\n" * 5_000)
    started = time.monotonic()
    report = import_paths([tmp_path / "docs"])
    assert [str(outcome.reason) for outcome in report.failures] == ["body too large (over 1024 KB)"]
    assert time.monotonic() - started < 30  # built whole, the body was 5 GB: over a minute and 15 GB of memory


def test_root_absolute_images_and_includes_are_found_when_the_help_folder_itself_is_imported(tmp_path):
    help_folder = tmp_path / "guide.en" / "help"
    (help_folder / "assets").mkdir(parents=True)
    (help_folder / "assets" / "gear.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "guide.en" / "secret.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    write(help_folder / "_includes" / "note.md", "Shared **note**.\n")
    write(help_folder / "admin" / "p.md", "---\ntitle: P\nexl-id: 6666-dddd\n---\n![Gear](/help/assets/gear.svg) "
                                          "![Out](/secret.svg)\n\n{{$include /help/_includes/note.md}}\n")
    assert import_paths([help_folder]).ok
    page = Translation.objects.get(article__number="6666-dddd")
    assert set(page.assets) == {"/help/assets/gear.svg"}  # /secret.svg is outside the imported folder
    assert "Shared <strong>note</strong>." in page.rendered_html


def test_files_a_page_links_to_for_download_are_copied_like_its_images(tmp_path, client):
    repo = tmp_path / "docs" / "guide.en" / "help"
    (repo / "api" / "assets").mkdir(parents=True)
    (repo / "api" / "assets" / "client.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    (repo / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (repo / "api" / "assets" / "page.html").write_text("<script>alert(1)</script>")
    write(repo / "api" / "certs.md", "---\ntitle: Certificates\nexl-id: 5555-abcd\n---\n# Certificates\n\n"
                                      "Get [the certificate](assets/client.crt), [the notes](/help/notes.pdf), "
                                      "[a page](assets/page.html) and [a missing one](assets/gone.pdf).\n")
    assert import_paths([tmp_path / "docs"]).ok
    page = Translation.objects.get(article__number="5555-abcd")
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page.rendered_html))
    assert links["the certificate"] == page.assets["assets/client.crt"] and links["the notes"] == page.assets["/help/notes.pdf"]
    assert links["a page"] == "assets/page.html" and links["a missing one"] == "assets/gone.pdf"  # left as written
    assert client.get(links["the certificate"]).status_code == 200


def test_a_file_too_large_to_copy_is_named_in_the_report_and_a_partial_copy_is_replaced(tmp_path, settings, monkeypatch):
    """A 2 GB archive beside a page is not copied into media (the page says why); a copy cut short
    by an older kb (a worker stopped mid-copy) is made again on the next import, not served."""
    from articles.importing import sources

    repo = tmp_path / "docs" / "guide.en" / "help"
    (repo / "assets").mkdir(parents=True)
    (repo / "assets" / "big.zip").write_bytes(b"PK" + b"0" * 4000)
    (repo / "assets" / "small.zip").write_bytes(b"PK" + b"1" * 3000)
    write(repo / "get.md", "---\ntitle: Get\nexl-id: 6666-abcd\n---\n# Get\n\n"
                            "[The big one](assets/big.zip) and [the small one](assets/small.zip).\n")
    monkeypatch.setattr(sources, "MAX_ASSET_BYTES", 3500)
    report = import_paths([tmp_path / "docs"])
    page = Translation.objects.get(article__number="6666-abcd")
    assert "assets/big.zip" not in page.assets and '<a href="assets/big.zip"' in page.rendered_html
    assert [reason for _, reason in report.warnings] == ["file too large to copy (0.0 MB, at most 0 MB): assets/big.zip"]
    copied = settings.MEDIA_ROOT / page.assets["assets/small.zip"].split("/media/", 1)[1]
    assert copied.read_bytes() == b"PK" + b"1" * 3000
    assert not [p for p in copied.parent.iterdir() if p.name.startswith(".partial-")]

    copied.write_bytes(b"PK" + b"1" * 100)  # what a copy stopped midway left
    write(repo / "get.md", "---\ntitle: Get\nexl-id: 6666-abcd\n---\n# Get\n\n[The small one](assets/small.zip).\n")
    import_paths([tmp_path / "docs"])
    assert copied.read_bytes() == b"PK" + b"1" * 3000


def test_a_copy_left_by_a_stopped_worker_is_cleared_and_other_storages_get_their_files(tmp_path, settings,
                                                                                       monkeypatch):
    """A worker stopped mid-copy (SIGTERM: no clean-up runs) leaves its file in the media root's
    ``.partial`` folder, never linked: the next import removes those older than an hour. With a
    storage that is not the file system, the file goes into that storage, once."""
    import os

    from django.core.files.storage import InMemoryStorage

    from articles.importing import workers

    partial = settings.MEDIA_ROOT / workers.PARTIAL_FOLDER
    partial.mkdir(parents=True)
    (partial / "stopped").write_bytes(b"cut")
    (partial / "running").write_bytes(b"in progress")
    hour_ago = time.time() - workers.PARTIAL_MAX_AGE - 60
    os.utime(partial / "stopped", (hour_ago, hour_ago))
    write(tmp_path / "en" / "good.md", GOOD)
    import_paths([tmp_path])
    assert sorted(p.name for p in partial.iterdir()) == ["running"]

    memory = InMemoryStorage(base_url="/media/")
    monkeypatch.setattr(workers, "default_storage", memory)
    picture = tmp_path / "x.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 50)
    url = workers.store_image(picture, dry_run=False)
    name = url.split("/media/", 1)[1]
    assert memory.exists(name) and memory.size(name) == 58
    assert workers.store_image(picture, dry_run=False) == url and memory.listdir("articles")[1] == [name.split("/")[1]]
    assert not (settings.MEDIA_ROOT / name).exists()


def test_a_folder_named_like_a_page_and_passed_by_name_is_refused_with_its_reason(tmp_path):
    from articles.importing.errors import SourceError
    from articles.importing.sources import _read_text

    (tmp_path / "folder.md").mkdir()
    with pytest.raises(SourceError, match="not a regular file"):
        _read_text(tmp_path / "folder.md", True, tmp_path)


def test_reimport_is_idempotent_and_a_change_updates(tmp_path, articles_dir):
    source = tmp_path / "src"
    shutil.copytree(articles_dir, source)
    import_paths([source])
    before = Translation.objects.get(article__number="KB-100", language="fr").updated_at
    again = import_paths([source])
    assert again.counts["unchanged"] == 3 and again.counts["updated"] == again.counts["imported"] == 0
    assert Translation.objects.get(article__number="KB-100", language="fr").updated_at == before
    path = source / "fr-FR" / "KB-100.md"
    path.write_text(path.read_text(encoding="utf-8").replace("augmentez le délai", "doublez le délai"), encoding="utf-8")
    changed = import_paths([source])
    assert changed.counts == {"imported": 0, "updated": 1, "unchanged": 2, "failed": 0, "skipped": 0,
                              "navigation": 0}
    assert "doublez" in Translation.objects.get(article__number="KB-100", language="fr").body


BAD_FILES = {
    "unterminated.md": ("---\ntitle: T\n# no end", "unterminated front matter"),
    "yaml.md": ("---\ntitle: T\nkeywords: [a\n---\nbody\n", "invalid YAML in front matter"),
    "latin1.md": ("---\ntitle: Caf\xe9\n---\nbody\n".encode("latin-1"), "not UTF-8"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    "empty.md": ("---\ntitle: T\narticle-number: KB-9\n---\n\n  \n", "empty body"),
    "untitled.md": ("---\narticle-number: KB-8\n---\nno heading\n", "no title"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_fails_with_path_and_reason_and_the_run_goes_on(tmp_path, name):
    content, reason = BAD_FILES[name]
    bad = write(tmp_path / "en" / name, content)
    write(tmp_path / "en" / "good.md", GOOD)
    report = import_paths([tmp_path])
    assert [(f.path, reason in f.reason) for f in report.failures] == [(str(bad), True)]
    assert report.counts["imported"] == 1 and not report.ok
    assert Translation.objects.count() == 1


def test_a_pipe_named_like_a_page_fails_at_once_and_the_run_goes_on(tmp_path):
    """Nobody will ever write to it: reading it would hold the import for ever."""
    import contextlib
    import os
    import threading

    (tmp_path / "en").mkdir()
    try:
        os.mkfifo(tmp_path / "en" / "pipe.md")
    except (AttributeError, OSError):
        pytest.skip("this system makes no named pipes")
    write(tmp_path / "en" / "good.md", GOOD)

    def unblock():  # should the import wait on the pipe after all: a writer comes and goes, so the test ends
        with contextlib.suppress(OSError):
            os.close(os.open(tmp_path / "en" / "pipe.md", os.O_WRONLY | os.O_NONBLOCK))

    watchdog = threading.Timer(30, unblock)
    watchdog.start()
    started = time.monotonic()
    try:
        report = import_paths([tmp_path])
    finally:
        watchdog.cancel()
    assert time.monotonic() - started < 30
    assert report.counts["imported"] == 1
    assert [(Path(f.path).name, f.reason) for f in report.failures] == [
        ("pipe.md", "not a regular file (a folder, a pipe, a device or a socket)")]


def test_invalid_yaml_reports_its_line(tmp_path):
    write(tmp_path / "en" / "a.md", "---\ntitle: T\nkeywords: [a\n---\nbody\n")
    assert "line 4" in import_paths([tmp_path]).failures[0].reason


def test_a_failing_update_keeps_what_was_stored(tmp_path):
    path = write(tmp_path / "en" / "a.md", GOOD)
    import_paths([tmp_path])
    write(path, "---\ntitle: Good\narticle-number: KB-1\n---\n")
    assert not import_paths([tmp_path]).ok
    assert Translation.objects.get().body == "# Good\n\nBody text.\n"


def test_same_number_and_language_twice_in_one_run_fails_the_second(tmp_path):
    write(tmp_path / "a" / "en" / "x.md", GOOD)
    second = write(tmp_path / "b" / "en" / "y.md", GOOD.replace("Body text", "Other"))
    report = import_paths([tmp_path])
    assert [f.path for f in report.failures] == [str(second)]
    assert "KB-1 (en) was already imported from" in report.failures[0].reason


def test_files_without_front_matter_in_a_folder_are_skipped_not_failed(tmp_path):
    write(tmp_path / "en" / "README.md", "# Notes\n")
    write(tmp_path / "en" / "good.md", GOOD)
    assert import_paths([tmp_path]).counts["skipped"] == 1


def test_a_named_file_without_front_matter_fails(tmp_path):
    path = write(tmp_path / "notes.md", "# Notes\n")
    assert "no front matter" in import_paths([path]).failures[0].reason


def test_dry_run_writes_nothing(articles_dir, settings):
    report = import_paths([articles_dir], dry_run=True)
    assert report.counts["imported"] == 3
    assert Translation.objects.count() == 0 and ImportRun.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "articles").exists()


def test_language_rules_front_matter_and_forced(tmp_path):
    write(tmp_path / "fr-FR" / "a.md", "---\ntitle: T\nlang: de-DE\narticle-number: KB-5\n---\nText.\n")
    import_paths([tmp_path])
    assert Translation.objects.get().language == "de"
    import_paths([tmp_path], language="ko")
    assert set(Translation.objects.values_list("language", flat=True)) == {"de", "ko"}


def test_command_reports_counts_and_fails_when_a_file_fails(tmp_path, capsys):
    write(tmp_path / "en" / "good.md", GOOD)
    call_command("import_articles", str(tmp_path))
    assert "1 imported, 0 updated, 0 unchanged, 0 failed" in capsys.readouterr().out
    write(tmp_path / "en" / "bad.md", "---\ntitle: [\n---\nx\n")
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_articles", str(tmp_path))
    assert "bad.md" in capsys.readouterr().err


def test_command_rejects_unknown_language_and_missing_path(tmp_path):
    with pytest.raises(CommandError, match="--lang"):
        call_command("import_articles", str(tmp_path), lang="klingon")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_articles", str(tmp_path / "nope"))


def test_export_round_trips_front_matter_and_body(articles_dir, tmp_path):
    from articles.importing.frontmatter import parse_document

    import_paths([articles_dir])
    call_command("export_articles", str(tmp_path / "out"))
    for translation in Translation.objects.all():
        exported = tmp_path / "out" / translation.language / f"{translation.article.number}.md"
        original = parse_document(open(translation.source_path, encoding="utf-8").read())
        again = parse_document(exported.read_text(encoding="utf-8"))
        assert (again.front_matter, again.body) == (original.front_matter, original.body)


def test_products_are_shared_between_translations(articles_dir):
    import_paths([articles_dir])
    assert Product.objects.get(name="Contoso Reports").translations.count() == 2


def test_seeds_land_as_two_translations_of_one_article(seeds):
    report = import_paths([seeds])
    assert report.ok
    ka = Translation.objects.filter(article__number="KA-23014")
    assert dict(ka.values_list("language", "language_rule")) == {"fr": "detected", "ko": "detected"}


def test_an_import_run_from_a_spawned_process_renders_its_files(tmp_path, articles_dir):
    """bench/scale.py imports in spawned jobs; the render workers of such a process used to be
    spawned too, and died importing the models before Django was set up."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kb.settings", "PYTHONPATH": str(root),
           "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'spawned.sqlite3'}", "KB_INDEX_DIR": str(tmp_path / "index"),
           "KB_MEDIA_ROOT": str(tmp_path / "media")}
    run = subprocess.run([sys.executable, "tests/scripts/import_in_spawned_process.py", str(articles_dir)],
                         cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["imported"] * 3, run.stdout + run.stderr[-2000:]



@pytest.mark.parametrize("other_word", ["pump", "valve"])
def test_an_import_writes_on_articles_another_import_created_since_it_started(tmp_path, monkeypatch, other_word):
    """Two imports of new files at once: the one that read the database before the other
    created the articles writes its files on them, rather than failing each with "the database
    refused the record". When the other run stored the same text, that is the file's row."""
    from articles.importing import loader
    from articles.models import Revision

    def folder(name, word):
        for number in ("KB-31", "KB-32"):
            for language in ("en", "fr"):
                write(tmp_path / name / language / f"{number}.md",
                      f"---\ntitle: {word} {number}\narticle-number: {number}\n---\n{word} {language}.\n")
        return tmp_path / name

    mine, theirs = folder("mine", "pump"), folder("theirs", other_word)
    real, other_run = loader.ImportSession, []

    class ReadBeforeTheOtherRunWrites(real):
        def __init__(self):
            super().__init__()
            if not other_run:
                other_run.append(None)
                other_run[0] = import_paths([theirs])

    monkeypatch.setattr(loader, "ImportSession", ReadBeforeTheOtherRunWrites)
    report = import_paths([mine])
    assert other_run[0].ok and other_run[0].counts["imported"] == 4
    assert report.failures == [] and report.ok and report.counts["imported"] == 4
    assert Article.objects.filter(number__in=["KB-31", "KB-32"]).count() == 2
    shown = {(t.article.number, t.language): (t.title, t.body.strip()) for t in
             Translation.objects.filter(article__number__in=["KB-31", "KB-32"]).select_related("article")}
    assert shown[("KB-31", "fr")] == ("pump KB-31", "pump fr.") and len(shown) == 4
    revisions = Revision.objects.filter(translation__article__number__in=["KB-31", "KB-32"]).count()
    assert revisions == (4 if other_word == "pump" else 8)
