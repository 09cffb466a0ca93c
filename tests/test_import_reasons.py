"""The importer's reasons and warnings are lazy text: the upload page shows them in the
editor's language, those made in a render worker process too; the command prints them and the
stored ``ImportRun`` keeps them in English."""
from io import StringIO
import pickle

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
import pytest

from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.importing.errors import SourceError
from articles.models import ImportRun
from tests.helpers import write

pytestmark = pytest.mark.django_db

BROKEN = "---\ntitle: [oops\n---\nx\n"  # invalid YAML: the list is still open at line 3
# A bad date (a warning of the parse) and a missing image (a warning made in a render worker).
WARNED = ("---\ntitle: Ledger export\narticle-number: KB-701\narticle-created-date: soon\n---\n"
          "The ledger export stops.\n\n![screenshot](missing.png)\n")
ENGLISH = ("invalid YAML", "(line ", "is not a date", "left empty", "image not found",
           "does not begin with front matter")


@pytest.fixture
def publisher():
    user = User.objects.create_user("publisher", password="right-password-123")
    user.groups.add(role_group("publisher"))
    client = Client()
    client.force_login(user)
    return client


def upload(client, lang):
    files = [SimpleUploadedFile("broken.md", BROKEN.encode()), SimpleUploadedFile("warned.md", WARNED.encode())]
    return client.post(f"/{lang}/editor/upload/", {"files": files, "pasted": "Just a note, no front matter.\n"})


def test_a_french_publisher_reads_every_reason_and_warning_in_french(publisher):
    response = upload(publisher, "fr")
    html = response.content.decode()
    rows = {o.path: o for o in response.context["report"].outcomes}
    assert [rows[name].status for name in ("broken.md", "warned.md", "pasted.md")] == ["failed", "imported", "skipped"]
    assert "YAML non valide dans le front matter" in html and "(ligne 3)" in html
    assert "n’est pas une date ; laissé vide" in html
    assert "image introuvable : missing.png" in html  # made in the render worker
    assert "ne commence pas par un front matter" in html
    assert [text for text in ENGLISH if text in html] == []


def test_the_stored_import_run_stays_english_whatever_the_page_language(publisher):
    upload(publisher, "ja")
    run = ImportRun.objects.latest("started_at")
    assert [failure["reason"] for failure in run.failures] == [
        "invalid YAML in front matter: did not find expected ',' or ']' (line 3)"]
    assert sorted(warning["warning"] for warning in run.warnings) == [
        "field 'article-created-date': 'soon' is not a date; left empty", "image not found: missing.png"]


def test_a_reason_is_worded_when_shown_and_survives_pickling(tmp_path):
    write(tmp_path / "warned.md", WARNED)
    with translation.override("fr"):
        report = import_paths([tmp_path])
    (_, image), = [(path, warning) for path, warning in report.warnings if "missing.png" in str(warning)]
    for language, text in [("de", "Bild nicht gefunden: missing.png"), ("en", "image not found: missing.png"),
                           ("ko", "이미지를 찾을 수 없음: missing.png")]:
        with translation.override(language):
            assert str(image) == text and str(pickle.loads(pickle.dumps(image))) == text
    error = SourceError("holds a character that is not allowed (U+0000)", line=3, field="title")
    with translation.override("ja"):
        assert str(error) == "holds a character that is not allowed (U+0000)（3 行目、フィールド「title」）"
    with translation.override("en"):
        assert str(error) == "holds a character that is not allowed (U+0000) (line 3, field 'title')"


def test_the_command_prints_english(tmp_path):
    write(tmp_path / "broken.md", BROKEN)
    write(tmp_path / "warned.md", WARNED)
    translation.deactivate()  # as in a manage.py process: no language activated, LANGUAGE_CODE is "en"
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), stdout=out, stderr=err, verbosity=2)
    assert "invalid YAML in front matter: did not find expected ',' or ']' (line 3)" in err.getvalue()
    assert "image not found: missing.png" in err.getvalue()
    assert "is not a date; left empty" in err.getvalue()


def test_lazy_text_travels_between_processes_as_the_same_words_without_a_class_per_value():
    made = [format_lazy(_("image not found: {reference}"), reference=f"shot-{n}.png") for n in range(3)]
    travelled = [pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(value)))) for value in made]
    assert len({type(value) for value in travelled}) == 1  # Django's own unpickling makes one each
    for language, words in [("de", "Bild nicht gefunden: shot-2.png"), ("en", "image not found: shot-2.png")]:
        with translation.override(language):
            assert str(travelled[2]) == words
