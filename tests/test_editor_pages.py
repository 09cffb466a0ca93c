"""Editor pages driven with the Django test client: signing in, each permission per role,
create and edit with the preview, translate beside the source, the conflict flow, review,
history, diff, restore, the upload report and the editors' lists."""
import re

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
import pytest

from articles.editing import actions
from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.models import Article, Revision, Translation
from articles.search import sync

pytestmark = pytest.mark.django_db

BODY = "### Symptoms\n\nThe ledger export stops with LDG-40417.\n\n>[!WARNING]\n>\n>Back up first.\n"
FIELDS = ("title", "description", "keywords", "products", "body")


def user_with(role=None, name=None, **flags):
    user = User.objects.create_user(name or role or "reader", password="right-password-123", **flags)
    if role:
        user.groups.add(role_group(role))
    return user


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def editor_user():
    return user_with("editor")


@pytest.fixture
def publisher_user():
    return user_with("publisher")


@pytest.fixture
def editor(editor_user):
    return client_for(editor_user)


@pytest.fixture
def publisher(publisher_user):
    return client_for(publisher_user)


@pytest.fixture
def article(editor_user):
    return actions.create_article(editor_user, translation={"language": "en", "title": "Ledger export stops",
                                                            "body": BODY, "keywords": ["ledger"]})


def form_values(**values):
    return {"title": "Ledger export stops", "description": "", "keywords": "ledger, export",
            "products": "Contoso Ledger", "body": BODY, "message": "", **values}


def hidden_base_revision(html):
    tag = re.search(r'<input type="hidden" name="base_revision"[^>]*>', html).group(0)
    value = re.search(r'value="(\d*)"', tag)
    return value.group(1) if value else ""


# -- signing in -------------------------------------------------------------------------------
def test_sign_in_page_is_translated_with_standard_fields(client):
    html = client.get("/accounts/login/?next=/fr/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html and "{% csrf_token %}" not in html
    assert "Se connecter" in html and '<html lang="fr">' in html


def test_signing_in_leads_an_editor_to_the_editor_pages_and_signing_out_home(client, editor_user):
    response = client.post("/accounts/login/", {"username": "editor", "password": "right-password-123", "lang": "de"})
    assert response.status_code == 302 and response["Location"] == "/de/editor/"
    response = client.post("/accounts/logout/?lang=de")
    assert response.status_code == 302 and response["Location"] == "/de/"
    assert client.get("/de/editor/").status_code == 302


def test_sign_in_is_rate_limited_by_the_same_backend_as_the_admin(client, editor_user):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "editor", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/accounts/login/", {"username": "editor", "password": "right-password-123"},
                           REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429


def test_a_locked_out_reader_gets_a_page_in_their_language(client, editor_user):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "editor", "password": "wrong", "lang": "fr"},
                    REMOTE_ADDR="10.0.0.7")
    response = client.post("/accounts/login/", {"username": "editor", "password": "right-password-123",
                                                "lang": "fr"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode() and '<html lang="fr">' in response.content.decode()


# -- who may enter ----------------------------------------------------------------------------
EDITOR_PAGES = ["/en/editor/", "/en/editor/review/", "/en/editor/new/", "/en/editor/translations/fr/"]
PUBLISHER_PAGES = ["/en/editor/upload/"]


@pytest.mark.parametrize("url", EDITOR_PAGES + PUBLISHER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", EDITOR_PAGES + PUBLISHER_PAGES)
def test_a_signed_in_reader_without_a_role_gets_the_403_page(url):
    response = client_for(user_with(None)).get(url)
    assert response.status_code == 403 and b"editor or publisher role" in response.content


@pytest.mark.parametrize("url", EDITOR_PAGES)
def test_editors_publishers_and_staff_see_every_editor_page_without_inline_code(url, editor, publisher):
    from tests.test_security import inline_code

    for client in (editor, publisher, client_for(user_with(None, "staff", is_staff=True))):
        response = client.get(url)
        assert response.status_code == 200
        assert inline_code(response.content.decode()) == []


def test_only_publishers_upload_files_since_an_import_publishes(editor, publisher):
    assert editor.get("/en/editor/upload/").status_code == 403
    assert b"/en/editor/upload/" not in editor.get("/en/editor/").content
    response = publisher.get("/en/editor/upload/")
    assert response.status_code == 200 and b'enctype="multipart/form-data"' in response.content
    from tests.test_security import inline_code

    assert inline_code(response.content.decode()) == []


def test_article_pages_show_staff_the_editing_bar_and_readers_nothing(article, editor, publisher_user):
    actions.transition(publisher_user, article.number, "validated")
    actions.save_translation(publisher_user, article.number, "en", {"title": "Ledger export stops", "body": BODY + "x"},
                             base_revision=1)
    html = editor.get(f"/en/articles/{article.number}/").content.decode()
    assert 'class="editor-bar"' in html and "A newer draft exists (revision 2; readers see 1)." in html
    for link in ("edit/", "history/"):
        assert f"/en/editor/articles/{article.number}/en/{link}" in html
    assert f"/en/editor/articles/{article.number}/#translations" in html
    reader = Client().get(f"/en/articles/{article.number}/").content.decode()
    assert "editor-bar" not in reader and "/accounts/login/?next=" in reader


# -- create, edit, preview ----------------------------------------------------------------------
def test_the_create_form_carries_the_api_field_names_and_an_empty_preview(editor):
    html = editor.get("/en/editor/new/").content.decode()
    for name in FIELDS + ("language", "audience"):
        assert f'name="{name}"' in html
    assert 'id="preview"' in html and 'data-preview-url="/en/editor/preview/"' in html
    assert '<option value="ko" selected>' in editor.get("/ko/editor/new/").content.decode()  # the interface's


def test_the_preview_button_renders_the_body_as_the_page_does_without_saving(editor):
    response = editor.post("/en/editor/new/", {**form_values(), "language": "en", "audience": "external",
                                               "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and 'class="alert alert-warning"' in html
    assert "The ledger export stops with LDG-40417." in html and Article.objects.count() == 0


def test_creating_an_article_saves_revision_one_and_opens_its_page(editor):
    response = editor.post("/en/editor/new/", {**form_values(), "language": "fr", "audience": "internal"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/editor/articles/{article.number}/"
    translation = article.translations.get()
    assert (translation.language, article.audience, article.status) == ("fr", "internal", "wip")
    assert translation.keywords == ["ledger", "export"] and translation.latest_revision == 1
    assert f"Article {article.number} created." in editor.get(response["Location"]).content.decode()


def test_a_refused_value_is_an_error_on_its_field_and_the_text_is_kept(editor):
    response = editor.post("/en/editor/new/", {**form_values(title=""), "language": "en", "audience": "external"})
    form = response.context["form"]
    assert response.status_code == 200 and form.errors["title"] == ["The title is required."]
    assert "LDG-40417" in response.content.decode() and Article.objects.count() == 0


def test_the_live_preview_view_answers_a_sanitized_fragment(editor, client):
    response = editor.post("/en/editor/preview/", {"body": BODY + "\n<script>alert(1)</script>\n", "language": "en"})
    html = response.content.decode()
    assert response.status_code == 200 and 'class="alert alert-warning"' in html and "<script" not in html
    assert not html.lstrip().startswith("<!doctype")
    assert client.post("/en/editor/preview/", {"body": BODY, "language": "en"}).status_code == 302


def test_the_live_preview_refuses_a_post_without_the_csrf_token(editor_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_user)
    assert client.post("/en/editor/preview/", {"body": BODY, "language": "en"}).status_code == 403


def test_the_edit_form_starts_from_the_latest_revision_with_it_as_base(article, editor):
    html = editor.get(f"/en/editor/articles/{article.number}/en/edit/").content.decode()
    assert hidden_base_revision(html) == "1" and "Ledger export stops" in html and 'class="alert alert-warning"' in html
    response = editor.post(f"/en/editor/articles/{article.number}/en/edit/",
                           form_values(title="Ledger export halts", base_revision="1", message="clearer title"))
    assert response.status_code == 302
    revision = Revision.objects.get(translation__article=article, number=2)
    assert (revision.title, revision.message) == ("Ledger export halts", "clearer title")


def test_lines_from_the_browser_are_saved_with_unix_newlines(article, editor):
    editor.post(f"/en/editor/articles/{article.number}/en/edit/",
                form_values(body=BODY.replace("\n", "\r\n"), base_revision="1"))
    assert Revision.objects.get(translation__article=article, number=2).body == BODY


def test_an_editor_of_an_archived_article_sees_why_the_save_is_refused(article, editor, publisher_user):
    actions.transition(publisher_user, article.number, "archived")
    response = editor.post(f"/en/editor/articles/{article.number}/en/edit/", form_values(base_revision="1"))
    assert response.status_code == 200 and "restore it first" in response.content.decode()


def test_unknown_articles_and_languages_are_404(editor, article):
    assert editor.get("/en/editor/articles/KA-404/en/edit/").status_code == 404
    assert editor.get(f"/en/editor/articles/{article.number}/xx/edit/").status_code == 404


# -- conflicts --------------------------------------------------------------------------------
def test_a_save_from_an_old_revision_merges_changes_to_other_places(article, editor, publisher_user):
    actions.save_translation(publisher_user, article.number, "en", {"title": "Ledger export fails", "body": BODY,
                                                                     "keywords": ["ledger"]}, base_revision=1)
    url = f"/en/editor/articles/{article.number}/en/edit/"
    response = editor.post(url, form_values(body=BODY + "\nMy own paragraph.\n", base_revision="1"))
    assert response.status_code == 302
    merged = Revision.objects.get(translation__article=article, number=3)
    assert merged.title == "Ledger export fails"  # their change stays
    assert "My own paragraph." in merged.body and merged.based_on == 1  # and ours is added
    page = editor.get(response["Location"], follow=True).content.decode()
    assert "with the changes saved since revision 1 kept" in page


def test_a_collision_asks_for_an_explicit_choice_per_field(article, editor, publisher_user):
    actions.save_translation(publisher_user, article.number, "en", {
        "title": "Ledger export fails", "body": BODY, "keywords": ["ledger"], "description": "Theirs."},
        base_revision=1)
    url = f"/en/editor/articles/{article.number}/en/edit/"
    mine = form_values(title="Ledger export freezes", body=BODY + "\nMy own paragraph.\n", base_revision="1")
    html = editor.post(url, mine).content.decode()
    assert 'class="conflict"' in html and 'name="keep_title"' in html and 'name="keep_body"' not in html
    assert "<del>fails</del>" in html and "<ins>freezes</ins>" in html  # both versions, side by side
    assert hidden_base_revision(html) == "2" and "My own paragraph." in html
    assert "Theirs." in html  # their description, merged into the form already
    assert Revision.objects.filter(translation__article=article).count() == 2
    again = {**mine, "base_revision": "2", "description": "Theirs.", "conflict_fields": "title"}
    html = editor.post(url, again).content.decode()  # no choice made: asked again, nothing saved
    assert "Choose which version to keep" in html and Revision.objects.filter(translation__article=article).count() == 2
    response = editor.post(url, {**again, "keep_title": "theirs"})
    assert response.status_code == 302
    saved = Revision.objects.get(translation__article=article, number=3)
    assert saved.title == "Ledger export fails" and saved.description == "Theirs." and "My own paragraph." in saved.body


def test_two_editors_adding_the_same_translation_conflict_with_the_other_text_shown(article, editor, publisher_user):
    actions.save_translation(publisher_user, article.number, "fr", {"title": "Export arrêté", "body": "Le texte."},
                             base_revision=None)
    response = editor.post(f"/en/editor/articles/{article.number}/fr/edit/",
                           form_values(title="Mon titre", base_revision=""))
    html = response.content.decode()
    assert 'class="conflict"' in html and 'name="keep_title"' in html and 'name="keep_body"' in html
    assert "<del>texte</del>" in html and "Mon titre" in html
    assert hidden_base_revision(html) == "1"


# -- translate --------------------------------------------------------------------------------
def test_adding_a_missing_language_shows_the_source_beside_an_empty_form(article, editor):
    html = editor.get(f"/en/editor/articles/{article.number}/ja/edit/").content.decode()
    assert f"Translate {article.number} into Japanese" in html and 'class="source-pane"' in html
    assert "LDG-40417" in html and hidden_base_revision(html) == ""
    response = editor.post(f"/en/editor/articles/{article.number}/ja/edit/",
                           form_values(title="台帳のエクスポートが停止する", body="### 症状\n\n停止します。\n", base_revision=""))
    assert response.status_code == 302
    assert Translation.objects.get(article=article, language="ja").source_revision == 1


def test_an_outdated_translation_shows_the_source_diff_since_it_was_written(article, editor_user, publisher_user,
                                                                              editor):
    actions.save_translation(editor_user, article.number, "fr", {"title": "Export arrêté", "body": "Texte."},
                             base_revision=None)
    actions.transition(publisher_user, article.number, "validated")
    actions.save_translation(editor_user, article.number, "en",
                             {"title": "Ledger export stops", "body": BODY + "\nRaise the timeout.\n"}, base_revision=1)
    actions.transition(publisher_user, article.number, "validated")
    html = editor.get(f"/en/editor/articles/{article.number}/fr/edit/").content.decode()
    assert "Changed in the source since this translation was written (revision 1 → 2)" in html
    assert "<ins>\nRaise the timeout.\n</ins>" in html or "<ins>Raise the timeout.\n</ins>" in html
    overview = editor.get(f"/en/editor/articles/{article.number}/").content.decode()
    assert "tag-outdated" in overview and "Refresh" in overview


# -- review -----------------------------------------------------------------------------------
def transition_buttons(client, number):
    html = client.get(f"/en/editor/articles/{number}/").content.decode()
    return re.findall(r'name="transition" value="(\w+)"', html)


def test_each_role_sees_only_the_buttons_it_may_use(article, editor, publisher, editor_user, publisher_user):
    assert transition_buttons(editor, article.number) == ["not_validated"]
    assert transition_buttons(publisher, article.number) == ["not_validated", "validated", "archived"]
    actions.transition(editor_user, article.number, "not_validated")
    assert transition_buttons(editor, article.number) == []
    assert transition_buttons(publisher, article.number) == ["validated", "wip", "archived"]
    actions.transition(publisher_user, article.number, "archived")
    assert transition_buttons(publisher, article.number) == ["wip"]  # restore
    assert 'name="audience"' in publisher.get(f"/en/editor/articles/{article.number}/").content.decode()
    assert 'name="audience"' not in editor.get(f"/en/editor/articles/{article.number}/").content.decode()


def test_an_editor_may_not_publish_even_by_posting_the_form(article, editor):
    response = editor.post(f"/en/editor/articles/{article.number}/transition/", {"to": "validated"})
    assert response.status_code == 403 and b"Only publishers may do this." in response.content
    assert Article.objects.get().status == "wip"


def test_publishing_refuses_a_revision_saved_after_the_publisher_opened_the_page(article, editor_user, publisher):
    actions.transition(publisher_user_of(publisher), article.number, "validated")
    actions.save_translation(editor_user, article.number, "en", {"title": "Ledger export stops",
                                                                 "body": BODY + "\nReviewed draft.\n"}, base_revision=1)
    page = publisher.get(f"/en/editor/articles/{article.number}/").content.decode()
    form = re.search(r'<form[^>]*transition-form">(?:(?!</form>).)*?value="validated">Publish the drafts', page, re.S).group(0)
    posted = dict(re.findall(r'<input type="hidden" name="(to|seen)" value="([^"]*)"', form))
    assert posted == {"to": "validated", "seen": "en:2"}
    actions.save_translation(editor_user, article.number, "en", {"title": "Ledger export stops",
                                                                 "body": BODY + "\nUnseen late edit.\n"}, base_revision=2)
    response = publisher.post(f"/en/editor/articles/{article.number}/transition/", posted, follow=True)
    assert "has a revision you have not seen (revision 3)" in response.content.decode()
    translation = Translation.objects.get(article=article, language="en")
    assert translation.published_revision == 1 and "Unseen late edit." not in translation.body
    assert "Unseen late edit." not in Client().get(f"/en/articles/{article.number}/").content.decode()
    posted["seen"] = "en:3"  # the page opened again shows revision 3
    publisher.post(f"/en/editor/articles/{article.number}/transition/", posted)
    assert Translation.objects.get(article=article, language="en").published_revision == 3


def publisher_user_of(client):
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_submit_publish_send_back_with_a_comment_archive_and_restore(article, editor, publisher):
    url = f"/en/editor/articles/{article.number}/transition/"
    editor.post(url, {"to": "not_validated"})
    assert article.number in editor.get("/en/editor/review/").content.decode()
    publisher.post(url, {"to": "wip", "comment": "Add the error's cause."})
    page = editor.get(f"/en/editor/articles/{article.number}/").content.decode()
    assert "Add the error&#x27;s cause." in page and "not validated → work in progress" in page
    publisher.post(url, {"to": "validated"})
    assert Translation.objects.get(article=article).published_revision == 1
    publisher.post(url, {"to": "archived"})
    assert Article.objects.get().status == "archived"
    publisher.post(url, {"to": "wip"})
    assert Article.objects.get().status == "wip"
    response = editor.post(url, {"to": "not_validated"}, follow=True)
    assert "The article is now not validated." in response.content.decode()


def test_a_transition_the_lifecycle_refuses_is_shown_as_a_message(article, publisher):
    response = publisher.post(f"/en/editor/articles/{article.number}/transition/", {"to": "not_validated"},
                              follow=True)
    publisher.post(f"/en/editor/articles/{article.number}/transition/", {"to": "archived"})
    response = publisher.post(f"/en/editor/articles/{article.number}/transition/", {"to": "not_validated"},
                              follow=True)
    assert "cannot move to" in response.content.decode()


# -- history, diff, restore -------------------------------------------------------------------
def test_history_lists_who_when_and_why_with_a_readable_diff_and_restore(article, editor, editor_user):
    actions.save_translation(editor_user, article.number, "en", {"title": "Ledger export halts", "body": BODY},
                             base_revision=1, message="clearer title")
    base = f"/en/editor/articles/{article.number}/en/"
    html = editor.get(base + "history/").content.decode()
    assert "clearer title" in html and html.count("editor</td>") == 2
    assert f'action="{base}restore/1/"' in html and f'action="{base}restore/2/"' not in html
    diff = editor.get(base + "diff/?from=1&to=2").content.decode()
    assert 'class="diff-side"' in diff and 'class="diff-inline"' in diff
    assert "<del>stops</del>" in diff and "<ins>halts</ins>" in diff
    response = editor.post(base + "restore/1/")
    assert response.status_code == 302
    restored = Revision.objects.get(translation__article=article, number=3)
    assert (restored.title, restored.restored_from) == ("Ledger export stops", 1)


def test_a_diff_shows_the_keywords_before_and_after(article, editor, editor_user):
    actions.save_translation(editor_user, article.number, "en", {"title": "Ledger export stops", "body": BODY,
                                                                 "keywords": ["ledger", "quarter close"]}, base_revision=1)
    diff = editor.get(f"/en/editor/articles/{article.number}/en/diff/?from=1&to=2").content.decode()
    keywords = diff[diff.index("<h4>Keywords</h4>"):]
    keywords = keywords[:keywords.index("</section>")]
    assert "<del>ledger</del>" in keywords and "<ins>ledger, quarter close</ins>" in keywords


def test_a_missing_revision_is_404_and_restore_is_post_only(article, editor):
    base = f"/en/editor/articles/{article.number}/en/"
    assert editor.get(base + "diff/?from=1&to=9").status_code == 404
    assert editor.get(base + "restore/1/").status_code == 405


# -- upload -----------------------------------------------------------------------------------
def test_uploaded_and_pasted_files_are_imported_with_a_report_table(publisher, articles_dir):
    editor = publisher
    sync.bring_up_to_date()
    good = (articles_dir / "en" / "KB-100.md").read_bytes()
    files = [SimpleUploadedFile("KB-100.md", good), SimpleUploadedFile("broken.md", b"---\ntitle: [oops\n---\nx\n")]
    pasted = "---\ntitle: Tableau vide\nlang: fr\narticle-number: KB-300\n---\nLe tableau reste vide.\n"
    response = editor.post("/en/editor/upload/", {"files": files, "pasted": pasted})
    html = response.content.decode()
    rows = {o.path: o for o in response.context["report"].outcomes}
    assert rows["KB-100.md"].status == "imported" and rows["broken.md"].status == "failed"
    assert rows["pasted.md"].language == "fr" and rows["pasted.md"].number == "KB-300"
    assert 'class="outcome-failed"' in html and "/tmp" not in html and "kb-upload-" not in html
    assert Translation.objects.filter(article__number="KB-300", language="fr").exists()
    again = editor.post("/en/editor/upload/", {"files": [SimpleUploadedFile("KB-100.md", good)]})
    assert again.context["report"].outcomes[0].status == "unchanged"


def test_images_uploaded_with_their_article_are_its_images(publisher, settings):
    from pathlib import Path

    shot = (Path(__file__).parent / "data" / "articles" / "assets" / "flow.png").read_bytes()
    text = (b"---\ntitle: Dialog error\narticle-number: KB-77\n---\nThe dialog:\n\n![Error dialog](dialog%20shot.png)\n\n"
            b"And the flow: <img src=\"./assets/flow.png\" alt=\"flow\">\n")
    files = [SimpleUploadedFile("KB-77.md", text), SimpleUploadedFile("dialog shot.png", shot),
             SimpleUploadedFile("flow.png", shot), SimpleUploadedFile("stray.png", shot)]
    response = publisher.post("/en/editor/upload/", {"files": files})
    outcomes = response.context["report"].outcomes
    assert [(o.path, o.status, o.warnings) for o in outcomes] == [("KB-77.md", "imported", [])]
    assert response.context["unused"] == ["stray.png"] and "stray.png" in response.content.decode()
    assets = Translation.objects.get(article__number="KB-77").assets
    assert set(assets) == {"dialog%20shot.png", "./assets/flow.png"}
    media = Path(settings.MEDIA_ROOT)
    assert all((media / url.split("/media/", 1)[1]).read_bytes() == shot for url in assets.values())


def test_an_uploaded_file_without_a_number_is_named_by_its_own_name_wherever_it_is_in_the_upload(publisher):
    from articles.models import ImportRun

    first = [SimpleUploadedFile("setup guide.md", b"---\ntitle: Setup guide\n---\nInstall it.\n")]
    editor_reply = publisher.post("/en/editor/upload/", {"files": first})
    assert editor_reply.context["report"].outcomes[0].number == "setup_guide"
    other = [SimpleUploadedFile("notes.md", b"---\ntitle: Notes\n---\nSome notes.\n"),
             SimpleUploadedFile("setup guide.md", b"---\ntitle: Setup guide\n---\nInstall it twice.\n")]
    outcomes = publisher.post("/en/editor/upload/", {"files": other}).context["report"].outcomes
    assert [(o.path, o.number, o.status) for o in outcomes] == [
        ("notes.md", "notes", "imported"), ("setup guide.md", "setup_guide", "updated")]
    assert sorted(Article.objects.values_list("number", flat=True)) == ["notes", "setup_guide"]
    stored = Translation.objects.get(article__number="setup_guide")
    assert stored.source_path == "setup guide.md" and stored.title == "Setup guide"
    run = ImportRun.objects.order_by("-finished_at").first()
    assert "kb-upload" not in str(run.paths) and sorted(run.paths) == ["notes.md", "setup guide.md"]


def test_a_refused_record_shows_no_sql_and_links_to_no_article(publisher, monkeypatch):
    from django.db import DatabaseError

    from articles.importing import loader

    def refuse(session, parsed, rendered, **options):
        raise DatabaseError('unsupported Unicode escape sequence\nLINE 1: ...INSERT INTO "articles_translation" VALUES')

    monkeypatch.setattr(loader, "import_translation", refuse)
    pasted = "---\ntitle: Ledger\narticle-number: KB-901\n---\nThe ledger stops.\n"
    html = publisher.post("/en/editor/upload/", {"pasted": pasted}).content.decode()
    assert 'class="outcome-failed"' in html and "the database refused the record" in html
    assert "INSERT" not in html and "LINE 1" not in html and "articles_translation" not in html
    assert "KB-901" in html and "/en/editor/articles/KB-901/" not in html
    assert not Article.objects.filter(number="KB-901").exists()


def test_the_diff_of_an_imported_revision_names_the_import(publisher, articles_dir, editor_user):
    import_paths([articles_dir / "en" / "KB-100.md"])
    translation = Translation.objects.get(article__number="KB-100", language="en")
    actions.save_translation(editor_user, "KB-100", "en", {"title": translation.title, "body": translation.body + "x"},
                             base_revision=translation.latest_revision)
    response = publisher.get("/en/editor/articles/KB-100/en/diff/?from=1&to=2")
    assert response.status_code == 200 and "import" in response.content.decode()


def test_an_empty_upload_is_a_form_error(publisher):
    response = publisher.post("/en/editor/upload/", {"pasted": "  "})
    assert "Choose at least one file or paste one." in response.content.decode()


# -- lists ------------------------------------------------------------------------------------
def test_lists_show_outdated_and_missing_translations_drafts_and_work_in_progress(
        article, editor, editor_user, publisher_user, articles_dir):
    import_paths([articles_dir])
    actions.save_translation(editor_user, "KB-100", "fr", {"title": "Brouillon", "body": "Texte."},
                             base_revision=Translation.objects.get(article__number="KB-100", language="fr").latest_revision)
    html = editor.get("/en/editor/").content.decode()
    assert article.number in html  # work in progress
    assert "/en/editor/articles/KB-100/fr/diff/?from=1&amp;to=2" in html  # a draft of a published translation
    gaps = editor.get("/en/editor/translations/de/").content.decode()
    assert f"/en/editor/articles/{article.number}/de/edit/" in gaps and "/en/editor/articles/KB-100/de/edit/" in gaps
    en = editor.get("/en/editor/").context["gaps"]
    assert ("ja", 0, 3) in en


def test_editor_pages_are_in_the_interface_language(article, editor):
    html = editor.get(f"/fr/editor/articles/{article.number}/").content.decode()
    assert '<html lang="fr">' in html and "Soumettre pour relecture" in html
    assert "Traductions" in html


# -- every string translated ------------------------------------------------------------------
def editor_msgids():
    """Every translatable string of the editor templates and modules (``{{ _("…") }}``,
    ``{% trans %}`` with ``{{ x }}`` as ``%(x)s``, both forms of a plural, and ``_("…")``)."""
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    found = set()
    for template in [*(base / "templates" / "editor").glob("*.html"), base / "templates" / "registration" / "login.html"]:
        text = template.read_text()
        found.update(re.findall(r"""\b_\((?:"([^"]+)"|'([^']+)')\)""", text))
        for block in re.findall(r"{% trans\b[^%]*%}(.*?){% endtrans %}", text, re.S):
            found.update(re.sub(r"{{ (\w+) }}", r"%(\1)s", form) for form in re.split(r"{% pluralize \w+ %}", block))
    found = {"".join(item) if isinstance(item, tuple) else item for item in found}
    for module in (base / "articles" / "editor").glob("*.py"):
        found.update(re.findall(r'\b_\("((?:[^"\\]|\\.)+)"\)', module.read_text()))
    return sorted(found)


@pytest.mark.parametrize("language", ["fr", "de", "es", "ja", "ko", "zh_Hans"])
def test_every_editor_string_is_translated(language, settings):
    from babel.messages.pofile import read_po

    with open(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle) if message.id}
    assert [msgid for msgid in editor_msgids() if not catalog.get(msgid)] == []


# -- workflow from the edit page -----------------------------------------------------------------
def test_publish_the_drafts_is_offered_only_when_there_is_a_draft(article, publisher, publisher_user):
    actions.transition(publisher_user, article.number, "validated")
    overview = publisher.get(f"/en/editor/articles/{article.number}/").content.decode()
    assert "Publish the drafts" not in overview
    actions.save_translation(publisher_user, article.number, "en", {"title": "Ledger export stops", "body": BODY + "x"},
                             base_revision=1)
    overview = publisher.get(f"/en/editor/articles/{article.number}/").content.decode()
    assert "Publish the drafts" in overview


def test_the_edit_page_saves_and_submits_or_publishes(article, editor, publisher):
    url = f"/en/editor/articles/{article.number}/en/edit/"
    html = editor.get(url).content.decode()
    assert 'name="then" value="not_validated"' in html and 'value="validated"' not in html
    response = editor.post(url, {**form_values(body=BODY + "\nMore.\n", base_revision="1"), "then": "not_validated"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == "not_validated"
    html = publisher.get(url).content.decode()
    assert 'name="then" value="validated"' in html
    response = publisher.post(url, {**form_values(body=BODY + "\nMore.\nAnd more.\n", base_revision="2"),
                                    "then": "validated"})
    assert response.status_code == 302
    translation = Translation.objects.get(article=article)
    assert Article.objects.get(pk=article.pk).status == "validated" and translation.published_revision == 3


def test_an_editor_cannot_publish_by_sending_then(article, editor):
    url = f"/en/editor/articles/{article.number}/en/edit/"
    editor.post(url, {**form_values(base_revision="1"), "then": "validated"})
    assert Article.objects.get(pk=article.pk).status == "wip"


def test_a_new_translation_starts_with_the_sources_keywords_and_products(editor, editor_user):
    made = actions.create_article(editor_user, translation={"language": "en", "title": "Ledger", "body": BODY,
                                                            "keywords": ["ledger", "quota"],
                                                            "products": ["Contoso Ledger"]})
    html = editor.get(f"/en/editor/articles/{made.number}/de/edit/").content.decode()
    assert re.search(r'name="keywords"[^>]*value="ledger, quota"', html)
    assert re.search(r'name="products"[^>]*value="Contoso Ledger"', html)


def test_a_restore_stores_no_message_of_its_own_and_history_says_it_in_the_readers_language(article, editor,
                                                                                               editor_user):
    actions.save_translation(editor_user, article.number, "en", {"title": "Other", "body": BODY}, base_revision=1)
    restored = actions.restore_revision(editor_user, article.number, "en", 1)
    assert restored.message == "" and restored.restored_from == 1
    html = editor.get(f"/fr/editor/articles/{article.number}/en/history/").content.decode()
    assert "restored from" not in html and "Restored revision" not in html
    assert "restaurée depuis la 1" in html


def test_a_save_with_a_broken_revision_number_says_why_it_was_not_saved(article, editor):
    for broken in ("abc", "-1"):
        response = editor.post(f"/en/editor/articles/{article.number}/en/edit/",
                               {"title": "Ledger export halts", "body": BODY, "base_revision": broken})
        page = response.content.decode()
        assert response.status_code == 200 and 'role="alert"' in page
        assert "is not a revision number: open the page again" in page
    assert Revision.objects.filter(translation__article=article).count() == 1


def test_an_upload_larger_than_a_request_can_import_in_time_is_refused_before_anything_is_imported(publisher):
    big = b"---\ntitle: Big\n---\n" + b"word " * 200_000  # about 1 MB each
    files = [SimpleUploadedFile(f"big-{n}.md", big) for n in range(3)]
    response = publisher.post("/en/editor/upload/", {"files": files})
    assert response.status_code == 200 and response.context["report"] is None
    assert "at most 2 MB of markdown" in response.content.decode() and not Article.objects.exists()


def test_save_and_publish_publishes_the_saved_revision_not_another_languages_unseen_draft(article, editor_user,
                                                                                          publisher):
    actions.save_translation(editor_user, article.number, "fr", {"title": "Export du grand livre", "body": "Il s'arrête."},
                             base_revision=None)
    url = f"/en/editor/articles/{article.number}/en/edit/"
    response = publisher.post(url, {**form_values(body=BODY + "\nMore.\n", base_revision="1"), "then": "validated"},
                              follow=True)
    assert "has a revision you have not seen (revision 1)" in response.content.decode()
    assert Translation.objects.get(article=article, language="en").latest_revision == 2  # the save is kept
    assert not Translation.objects.get(article=article, language="fr").published_revision


def test_a_forged_seen_list_is_refused_without_an_error_page(article, publisher):
    for forged in ("en:1fr:2", "en:1:2", "x" * 3000):
        response = publisher.post(f"/en/editor/articles/{article.number}/transition/",
                                  {"to": "validated", "seen": forged})
        assert response.status_code == 302, forged
    assert Article.objects.get(pk=article.pk).status == "wip"


def test_a_form_sent_back_unsaved_is_marked_so_leaving_it_asks(article, editor):
    url = f"/en/editor/articles/{article.number}/en/edit/"
    assert "data-unsaved" not in editor.get(url).content.decode()
    refused = editor.post(url, form_values(body=BODY + "\nTyped.\n", base_revision="abc"))
    assert refused.status_code == 200 and 'data-unsaved="1"' in refused.content.decode()


def test_an_upload_fills_image_references_as_links_to_one_copy_and_at_most_a_bounded_number(tmp_path):
    from articles.editor import upload

    text = "".join(f"![x](d{n:05d}/a.png)\n" for n in range(upload.MAX_PLACED * 3)).encode()
    files = [SimpleUploadedFile("many.md", b"---\ntitle: Many\n---\n" + text), SimpleUploadedFile("a.png", b"P" * 50_000)]
    names, unused = upload._write_files(tmp_path, files, "")
    placed = [p for p in tmp_path.rglob("a.png")]
    assert unused == [] and len(placed) == upload.MAX_PLACED
    assert {p.stat().st_ino for p in placed} == {(tmp_path / "images" / "000.png").stat().st_ino}
