"""Documentation repositories: links between pages resolve to the page in the reader's language,
pages imported without an article number answer at a readable address, a link to a page not
imported shows its text only and starts working once that page is imported."""
import re

import pytest

from articles.importing import import_paths
from articles.search import sync
from tests.helpers import write

pytestmark = pytest.mark.django_db

PAGE = """---
title: {title}
exl-id: {exl_id}
---
# {title}

{body}
"""


def repo(root, locale, pages):
    for path, (title, exl_id, body) in pages.items():
        write(root / f"guide.{locale}" / "help" / path, PAGE.format(title=title, exl_id=exl_id, body=body))


@pytest.fixture
def docs(tmp_path):
    root = tmp_path / "docs"
    repo(root, "en", {
        "start/overview.md": ("Overview of the sender", "1111-aaaa",
                              "Next read [Preview a message](../send/preview.md#proof-sending) "
                              "and [the glossary](../misc/glossary.md)."),
        "send/preview.md": ("Preview a message", "2222-bbbb", "## Send a proof {#proof-sending}\n\nProofs go out."),
    })
    repo(root, "fr-FR", {
        "start/overview.md": ("Présentation de l’expéditeur", "1111-aaaa",
                              "Lisez ensuite [Prévisualiser](../send/preview.md#proof-sending)."),
    })
    report = import_paths([root])
    assert report.ok, [(o.path, o.reason) for o in report.failures]
    sync.bring_up_to_date()
    return root


def links(html):
    return re.findall(r'<a class="doc-link" href="([^"]+)"', html)


def test_pages_without_a_number_answer_at_a_readable_address(client, docs):
    response = client.get("/en/docs/guide/start/overview/")
    assert response.status_code == 200 and "Overview of the sender" in response.content.decode()
    old = client.get("/en/articles/1111-aaaa/")
    assert old.status_code == 301 and old["Location"] == "/en/docs/guide/start/overview/"
    assert client.get("/en/docs/guide/start/nowhere/").status_code == 404


def test_a_relative_link_leads_to_the_page_in_the_readers_language_keeping_the_anchor(client, docs):
    html = client.get("/en/docs/guide/start/overview/").content.decode()
    assert links(html) == ["/en/docs/guide/send/preview/#proof-sending"]
    assert 'id="proof-sending"' in client.get("/en/docs/guide/send/preview/").content.decode()
    # French readers: the French page links to the page in French when it exists, else the
    # page opens in English with the notice the article page already gives.
    french = client.get("/fr/docs/guide/start/overview/").content.decode()
    assert links(french) == ["/fr/docs/guide/send/preview/#proof-sending"]
    assert client.get("/fr/docs/guide/send/preview/").status_code == 200
    assert ".md" not in " ".join(links(html) + links(french))


def test_a_link_to_a_page_not_imported_is_text_until_that_page_arrives(client, docs):
    html = client.get("/en/docs/guide/start/overview/").content.decode()
    assert '<span class="doc-link-missing">the glossary</span>' in html and "glossary.md" not in html
    write(docs / "guide.en" / "help" / "misc" / "glossary.md",
          PAGE.format(title="Glossary", exl_id="3333-cccc", body="Words."))
    import_paths([docs])
    sync.bring_up_to_date()
    html = client.get("/en/docs/guide/start/overview/").content.decode()
    assert "/en/docs/guide/misc/glossary/" in links(html)


def test_an_unresolved_link_copied_from_a_cached_page_still_redirects(client, docs):
    response = client.get("/_doc/guide/send/preview.md", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == "/fr/docs/guide/send/preview/"
    assert client.get("/_doc/guide/misc/absent.md").status_code == 404


def test_links_keep_working_after_an_edit_and_in_the_editors_preview(client, docs):
    from django.contrib.auth.models import User

    from articles.editing import actions
    from articles.editing.permissions import role_group
    from articles.models import Translation

    publisher = User.objects.create_user("pub", password="x-not-used")
    publisher.groups.add(role_group("publisher"))
    page = Translation.objects.get(article__number="1111-aaaa", language="en")
    body = page.body + "\nAlso see [the proof](../send/preview.md#proof-sending) again.\n"
    actions.save_translation(publisher, "1111-aaaa", "en", {"title": page.title, "body": body},
                             base_revision=page.latest_revision)
    actions.transition(publisher, "1111-aaaa", "validated")
    sync.bring_up_to_date()
    html = client.get("/en/docs/guide/start/overview/").content.decode()
    assert links(html).count("/en/docs/guide/send/preview/#proof-sending") == 2
    client.force_login(publisher)
    edit = client.get("/en/editor/articles/1111-aaaa/en/edit/").content.decode()
    assert "/en/docs/guide/send/preview/#proof-sending" in edit  # the preview beside the form
    preview = client.post("/en/editor/preview/", {"body": "[p](../send/preview.md)", "language": "en"})
    assert "/en/docs/guide/send/preview/" in preview.content.decode()


def test_titles_and_descriptions_show_their_text_not_their_syntax(client, tmp_path):
    from articles.models import Revision, Translation

    write(tmp_path / "t" / "KA-777.md", "---\ntitle: 'Error when viewing the [!UICONTROL Hot clicks] report in "
          "**[!DNL Campaign]**'\narticle-number: KA-777\ndescription: Description\nlang: en\n---\n"
          "The report stops with an undefined script error.\n")
    import_paths([tmp_path / "t"])
    sync.bring_up_to_date()
    shown = "Error when viewing the Hot clicks report in Campaign"
    page = client.get("/en/articles/KA-777/").content.decode()
    assert f"<title>{shown}" in page and "[!" not in page and "**" not in page
    assert '<meta name="description" content="Description"' not in page
    assert client.get("/api/articles/KA-777/").json()["translations"][0]["title"] == shown
    results = client.get("/api/search", {"q": "hot clicks report", "lang": "en"}).json()["results"]
    assert results[0]["title"] == shown
    assert shown in client.get("/en/articles/").content.decode()
    assert Translation.objects.get().description == ""
    assert "[!UICONTROL Hot clicks]" in Revision.objects.get().title  # the source stays as written


def test_editors_see_the_links_to_pages_not_imported_until_they_arrive(client, docs):
    from tests.test_editing import user_with

    client.force_login(user_with("editor"))
    board = client.get("/en/editor/").content.decode()
    section = board.split('id="links-title"')[1].split("</section>")[0]
    assert "guide/help/misc/glossary.md" in section and "Overview of the sender" in section
    assert 'class="count">1<' in section
    write(docs / "guide.en" / "help" / "misc" / "glossary.md",
          PAGE.format(title="Glossary", exl_id="3333-cccc", body="Words."))
    assert import_paths([docs]).ok
    board = client.get("/en/editor/").content.decode()
    assert "glossary.md" not in board.split('id="links-title"')[1].split("</section>")[0]


def test_a_page_rendered_again_after_an_upgrade_reads_its_links_from_its_own_folder(client, tmp_path):
    from articles.models import Translation

    root = tmp_path / "docs"
    repo(root, "en", {
        "mail/setup.md": ("Set up mail", "5555-eeee", "Mail servers."),
        "sms/setup.md": ("Set up text messages", "6666-ffff", "Text gateways."),
        "sms/start.md": ("Start with text messages", "7777-abcd", "First [set it up](setup.md)."),
    })
    assert import_paths([root]).ok
    sync.bring_up_to_date()
    assert links(client.get("/en/docs/guide/sms/start/").content.decode()) == ["/en/docs/guide/sms/setup/"]
    Translation.objects.filter(article__number="7777-abcd").update(renderer_version=0)  # stored by an older kb
    assert links(client.get("/en/docs/guide/sms/start/?again").content.decode()) == ["/en/docs/guide/sms/setup/"]


def test_a_translated_page_keeps_the_english_headings_anchors(client, tmp_path):
    from articles.models import Translation

    root = tmp_path / "docs"
    repo(root, "en", {"build.md": ("Build a segment", "8888-abcd",
                                   "Use the [builder](#the-builder).\n\n## The builder\n\nDrag.\n\n"
                                   "## Dates {#dates}\n\nPick.\n\n### Example\n\nOne.\n\n### Example\n\nTwo.\n")})
    repo(root, "ja-JP", {"build.md": ("セグメントの作成", "8888-abcd",
                                      "[ビルダー](#the-builder)を使用します。\n\n## ビルダー\n\nドラッグ。\n\n"
                                      "## 日付 {#dates}\n\n選択。\n\n### 例\n\n一。\n\n### 例\n\n二。\n")})
    repo(root, "fr-FR", {"build.md": ("Créer un segment", "8888-abcd", "## Le générateur\n\nGlisser.\n")})
    assert import_paths([root]).ok
    japanese = Translation.objects.get(article__number="8888-abcd", language="ja")
    ids = re.findall(r'<h[1-6] id="([^"]+)"', japanese.rendered_html)
    assert ids == ["build-a-segment", "the-builder", "dates", "example", "example_1"]
    assert '<a href="#the-builder" rel="noopener noreferrer">' in japanese.rendered_html
    # Another outline than the English page's: no heading is paired, each keeps its own id.
    french = Translation.objects.get(article__number="8888-abcd", language="fr").rendered_html
    assert re.findall(r'<h[1-6] id="([^"]+)"', french) == ["creer-un-segment", "le-generateur"]


def test_a_translated_page_takes_the_ids_the_english_page_is_rendered_with(client, tmp_path):
    """The English ids are the renderer's own, markers and emphasis included, a heading kept in
    an HTML comment left out as the page leaves it; an attribute list
    a translated heading already has takes the id inside it; a heading that is one long unclosed
    attribute list costs no more than its length."""
    import time

    from articles.models import Translation

    root = tmp_path / "docs"
    english = ("## Panel [!BADGE Beta]{type=Informative}\n\nNew.\n\n## Step 2 - Change the _layout_\n\nDo.\n\n"
               "## Options\n\nPick.\n\n<!--\n## Old options {#options}\n-->\n\n## Odd {#" + "a:" * 40000 + "\n\nLong.\n")
    japanese = ("## パネル [!BADGE ベータ版]{type=Informative}\n\n新規。\n\n## 手順 2 - _レイアウト_ を変更\n\n実行。\n\n"
                "## オプション {.quiet}\n\n選択。\n\n<!--\n## Old options {#options}\n-->\n\n## 奇妙 {#" + "あ" * 40000 + "\n\n長い。\n")
    repo(root, "en", {"panel.md": ("Panels", "9999-abcd", english)})
    repo(root, "ja-JP", {"panel.md": ("パネル", "9999-abcd", japanese)})
    started = time.perf_counter()
    assert import_paths([root]).ok
    assert time.perf_counter() - started < 20
    html = Translation.objects.get(article__number="9999-abcd", language="ja").rendered_html
    ids = re.findall(r'<h[1-6][^>]* id="([^"]+)"', html)
    assert ids[:4] == ["panels", "panel-beta", "step-2---change-the-layout", "options"], ids
    assert '<h2 class="quiet" id="options">' in html or '<h2 id="options" class="quiet">' in html
    shown = html.split("奇妙")[0]  # the last heading's unclosed "{#…" is its text, as written
    assert "{#" not in shown and "{." not in shown and "type=" not in shown


def test_a_translated_headings_own_id_is_kept_however_it_is_written_and_only_comments_the_page_hides_hide(tmp_path):
    """``Titre{#id}`` and ``Titre\u00a0{#id}`` are the heading's own id (the renderer reads them so):
    kept, never shown; a ``<!--`` in code or never closed hides nothing; an image in a heading
    is no part of its id; an explicit English id with an accent or a trailing "_" is taken."""
    from articles.models import Translation

    root = tmp_path / "docs"
    english = ("## Audit trail {#audit-trail}\n\nA.\n\n## Setup\n\nType `<!--` to start a comment.\n\n"
               "<!-- an unclosed note\n\n## Use\n\nB.\n\n## ![Gear](gear.png) Settings\n\nC.\n\n"
               "## Create {#créer}\n\nD.\n\n## Tail {#tail_}\n\nE.\n\n## Data access (DA){#da}\n\nF.\n")
    french = ("## Historique des contrôles{#audit-trail}\n\nA.\n\n## Configuration\u00a0{#configuration}\n\n"
              "Tapez `<!--` pour commencer.\n\n<!-- une note ouverte\n\n## Utilisation\n\nB.\n\n"
              "## ![Roue](gear.png) Paramètres\n\nC.\n\n## Créer\n\nD.\n\n## Fin\n\nE.\n\n## Accès (DA){#da}\n\nF.\n")
    repo(root, "en", {"audit.md": ("Audit", "7070-abcd", english)})
    repo(root, "fr-FR", {"audit.md": ("Audit", "7070-abcd", french)})
    (root / "guide.en" / "help" / "gear.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "guide.fr-FR" / "help" / "gear.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert import_paths([root]).ok
    html = Translation.objects.get(article__number="7070-abcd", language="fr").rendered_html
    ids = re.findall(r'<h2[^>]* id="([^"]+)"', html)
    assert ids == ["audit-trail", "configuration", "use", "settings", "créer", "tail_", "da"], ids
    assert "{#" not in html
    english_html = Translation.objects.get(article__number="7070-abcd", language="en").rendered_html
    assert re.findall(r'<h2[^>]* id="([^"]+)"', english_html) == ["audit-trail", "setup", "use", "settings", "créer", "tail_", "da"]
