"""A documentation page shows its repository's navigation (its ``TOC.md``) in the reader's
language: a sidebar of the tree, breadcrumbs and previous/next, naming only pages the reader
may open; links to pages go straight to their readable addresses."""
import html as html_lib
import re

import pytest

from articles.importing import import_paths
from articles.models import Article, Translation
from articles.search import sync
from tests.helpers import write

pytestmark = pytest.mark.django_db

PAGE = "---\ntitle: {title}\nexl-id: {exl_id}\n---\n# {title}\n\n{body}\n"
TOC = """---
title: {guide} documentation
breadcrumb-title: {guide}
---
# {guide} {{#top}}

+ [{overview}](start/overview.md)
+ {sending} {{#send}}
   + [{preview}](send/preview.md)
   + {{hide-from-toc}}[{old}](send/old.md)
   + [{proofs}](send/proofs.md)
+ [Elsewhere >](https://example.com/elsewhere.html)
+ Community
   + [Forum >](https://example.com/forum.html)
"""
EN = dict(guide="Sender guide", overview="Overview", sending="Sending", preview="Preview a message",
          old="The old way", proofs="Proofs")
FR = dict(guide="Guide de l’expéditeur", overview="Présentation", sending="Envoi",
          preview="Prévisualiser un message", old="L’ancienne méthode", proofs="Les BAT")


@pytest.fixture
def guide(tmp_path):
    root = tmp_path / "docs"
    for locale, words in (("en", EN), ("fr-FR", FR)):
        write(root / f"guide.{locale}" / "help" / "TOC.md", TOC.format(**words))
    for path, exl_id, title in (("start/overview.md", "a-1", "Overview of the sender"),
                                ("send/preview.md", "b-2", "Preview a message"),
                                ("send/old.md", "c-3", "The old way"),
                                ("send/proofs.md", "d-4", "Proofs")):
        write(root / "guide.en" / "help" / path, PAGE.format(title=title, exl_id=exl_id, body="Steps to follow."))
    write(root / "guide.fr-FR" / "help" / "send/preview.md",
          PAGE.format(title="Prévisualiser un message", exl_id="b-2", body="Étapes à suivre."))
    report = import_paths([root])
    assert report.ok and report.counts["navigation"] == 2
    sync.bring_up_to_date()
    return root


def sidebar(html):
    nav = re.search(r'<nav class="doc-nav".*?</nav>', html, re.S).group(0)
    return [(href, html_lib.unescape(text)) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)]


def crumbs(html):
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)]


def test_the_sidebar_breadcrumbs_and_pager_follow_the_toc_in_the_readers_language(client, guide):
    html = client.get("/fr/docs/guide/send/preview/").content.decode()
    assert sidebar(html) == [
        ("/fr/docs/guide/start/overview/", "Présentation"),
        ("/fr/docs/guide/send/preview/", "Prévisualiser un message"),
        ("/fr/docs/guide/send/proofs/", "Les BAT"),
        ("https://example.com/elsewhere.html", "Elsewhere >"),
        ("https://example.com/forum.html", "Forum >"),
    ]
    assert 'aria-current="page">Prévisualiser un message</a>' in html
    assert "L’ancienne méthode" not in re.search(r'<nav class="doc-nav".*?</nav>', html, re.S).group(0)
    assert crumbs(html) == ["Accueil", "Guide de l’expéditeur", "Envoi", "Prévisualiser un message"]
    assert re.search(r'rel="prev" href="/fr/docs/guide/start/overview/">.*?Présentation', html, re.S)
    assert re.search(r'rel="next" href="/fr/docs/guide/send/proofs/">.*?Les BAT', html, re.S)
    assert 'class="article-number"' not in html and ">b-2<" not in html and "b-2" not in html.split("<title>")[1].split("</title>")[0]


def test_a_large_toc_shows_the_way_to_the_page_and_folds_other_groups_into_links(client, guide, monkeypatch):
    from articles import docnav

    monkeypatch.setattr(docnav, "NAV_FULL_PAGES", 2)  # the guide's TOC has 3 pages a reader sees
    html = client.get("/en/docs/guide/start/overview/").content.decode()
    assert sidebar(html) == [
        ("/en/docs/guide/start/overview/", "Overview"),
        ("/en/docs/guide/send/preview/", "Sending"),  # the group, folded: a link to its first page
        ("https://example.com/elsewhere.html", "Elsewhere >"),
        ("https://example.com/forum.html", "Forum >"),  # a group of external links only keeps them
    ]
    assert 'class="group">Sending</a>' in html and 'href=""' not in html
    assert re.search(r'rel="next" href="/en/docs/guide/send/preview/"', html)  # the pager still walks every page
    inside = client.get("/en/docs/guide/send/proofs/").content.decode()
    assert [text for _, text in sidebar(inside)] == ["Overview", "Preview a message", "Proofs", "Elsewhere >", "Forum >"]


def test_a_toc_imported_again_shows_at_once(client, guide):
    assert "Preview a message" in dict(map(reversed, sidebar(client.get("/en/docs/guide/send/proofs/").content.decode())))
    toc = guide / "guide.en" / "help" / "TOC.md"
    toc.write_text(TOC.format(**{**EN, "preview": "Preview before sending"}), encoding="utf-8")
    assert import_paths([guide]).ok
    sync.bring_up_to_date()
    titles = [text for _, text in sidebar(client.get("/en/docs/guide/send/proofs/?again").content.decode())]
    assert "Preview before sending" in titles and "Preview a message" not in titles


def test_a_page_hidden_from_the_toc_keeps_its_breadcrumbs_and_no_page_lists_it(client, guide):
    html = client.get("/en/docs/guide/send/old/").content.decode()
    assert crumbs(html) == ["Home", "Sender guide", "Sending", "The old way"]
    assert "The old way" not in re.search(r'<nav class="doc-nav".*?</nav>', html, re.S).group(0)
    assert 'rel="next"' not in html
    proofs = client.get("/en/docs/guide/send/proofs/").content.decode()
    assert re.search(r'rel="prev" href="/en/docs/guide/send/preview/"', proofs)


def test_pages_a_reader_may_not_open_are_left_out(client, guide):
    Article.objects.filter(number="d-4").update(audience=Article.Audience.INTERNAL)
    sync.bring_up_to_date()
    html = client.get("/en/docs/guide/send/preview/").content.decode()
    assert "/en/docs/guide/send/proofs/" not in html and "Proofs" not in html.split('class="doc-nav"', 1)[1].split("</nav>")[0]
    assert 'rel="next"' not in html


def test_lists_and_language_links_use_the_readable_address(client, guide):
    listing = client.get("/en/articles/").content.decode()
    assert "/en/docs/guide/send/preview/" in listing and "/en/articles/b-2/" not in listing
    assert '<span class="meta">guide/send/preview' in listing and ">b-2" not in listing  # no id nobody can quote
    page = client.get("/en/docs/guide/send/preview/").content.decode()
    assert '/fr/docs/guide/send/preview/"' in page and "/fr/articles/b-2/" not in page


def test_a_page_no_toc_names_has_no_navigation_and_shows_no_number(client, tmp_path):
    write(tmp_path / "d" / "guide.en" / "help" / "lone.md", PAGE.format(title="Lone page", exl_id="e-5", body="Text."))
    assert import_paths([tmp_path / "d"]).ok
    html = client.get("/en/docs/guide/lone/").content.decode()
    assert 'class="doc-nav"' not in html and 'class="article-number"' not in html and "e-5" not in html.split("</title>")[0]
    assert crumbs(html) == ["Home", "All articles", "Lone page"]
    assert Translation.objects.get().doc_path == "guide/help/lone.md"


def test_a_saved_title_keeps_the_worked_out_doc_index_and_a_page_made_internal_leaves_it_at_once(
        client, guide, monkeypatch):
    """The index of doc paths reads every page; it is worked out again only when a page's path,
    number or visibility changed since, not at every save of the site (each a journal entry)."""
    from articles import docpaths
    from articles.editing import actions
    from tests.test_editing import user_with

    built = []
    original = docpaths.DocIndex.__init__
    monkeypatch.setattr(docpaths.DocIndex, "__init__", lambda self, *a, **k: built.append(1) or original(self, *a, **k))
    publisher = user_with("publisher")
    assert "/en/docs/guide/send/proofs/" in client.get("/en/docs/guide/send/preview/").content.decode()
    before = len(built)
    overview = Translation.objects.get(article__number="a-1", language="en")
    actions.save_translation(publisher, "a-1", "en", {"title": "Overview, revised", "body": overview.body},
                             base_revision=overview.latest_revision)
    html = client.get("/en/docs/guide/send/preview/").content.decode()
    assert "/en/docs/guide/start/overview/" in html and len(built) == before
    actions.set_audience(publisher, "d-4", "internal")
    html = client.get("/en/docs/guide/send/preview/").content.decode()
    assert "/en/docs/guide/send/proofs/" not in html and 'rel="next"' not in html
    assert len(built) == before + 1


def test_editors_lists_name_a_page_by_its_address_too(client, guide):
    from django.contrib.auth.models import User

    from articles.editing.permissions import role_group

    editor = User.objects.create_user("editor", password="right-password-123")
    editor.groups.add(role_group("editor"))
    client.force_login(editor)
    # Pages not yet in French: the editor's list of translations to write.
    missing = client.get("/en/editor/translations/fr/").content.decode()
    assert "guide/start/overview</a>" in missing and ">a-1</a>" not in missing


def test_a_documentation_page_revalidated_reads_the_journal_once_and_renders_nothing(guide, django_assert_num_queries):
    """A reader's browser revalidating a page it holds: the page's address is resolved from the
    remembered doc index (one read of the journal's head serves both it and the addresses of
    pages without a number), then the page's own state; hiding the page changes the answer."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from articles import listings
    from articles.editing import actions
    from tests.test_editing import user_with

    reader = Client()
    first = reader.get("/en/docs/guide/send/preview/")
    assert first.status_code == 200
    with django_assert_num_queries(2):
        again = reader.get("/en/docs/guide/send/preview/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert listings.doc_index(AnonymousUser()).find_slug("guide/send/preview") == "b-2"

    actions.set_hidden(user_with("publisher"), "b-2", "en", True)
    after = reader.get("/en/docs/guide/send/preview/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code != 304 and "Steps to follow." not in after.content.decode()


def test_badges_the_front_matter_declares_show_under_the_title(client, tmp_path):
    write(tmp_path / "relay.en" / "help" / "rules.md", (
        "---\ntitle: Routing rules\nexl-id: 9d9d-routing-rules\n"
        "badgePremium: label=\"Premium\" type=\"Positive\" url=\"https://example.com/plans#premium newtab=true\" "
        "tooltip=\"Part of the [!DNL Relay] premium plan.\"\n"
        "badge: label=\"Beta\" type=\"Informative\" url=\"javascript:alert(1)\"\n"
        "---\n# Routing rules\n\nA rule sends a message to one relay.\n"))
    import_paths([tmp_path])
    page = client.get("/en/articles/9d9d-routing-rules/", follow=True).content.decode()
    start = page.index("<h1>")
    header = page[start:page.index("</header>", start)]
    assert ('<a class="badge badge-positive" href="https://example.com/plans#premium" rel="noopener noreferrer" '
            'title="Part of the Relay premium plan.">Premium</a>') in header
    assert '<span class="badge badge-informative">Beta</span>' in header  # no link to a script
    assert "javascript" not in page


def test_a_copy_of_a_page_left_out_of_the_navigation_is_found_after_the_page(client, tmp_path):
    # A repository keeps an old copy beside a page, same id and title, in no TOC: a reader
    # typing the title gets the page the navigation lists first, whichever file came first.
    root = tmp_path / "docs"
    write(root / "relay.en" / "help" / "TOC.md", "---\ntitle: Relay guide\n---\n# Relay guide\n\n"
          "+ [Drain a relay queue](run/drain.md)\n")
    old = "Stop the relay service, then drain the queue from the legacy console."
    write(root / "relay.en" / "help" / "run" / "drain-old.md",
          PAGE.format(title="Drain a relay queue", exl_id="e-5", body=f"{old} Drain the relay queue: a relay queue drained is empty."))
    write(root / "relay.en" / "help" / "run" / "drain.md",
          PAGE.format(title="Drain a relay queue", exl_id="e-5",
                      body="Open the console. " + "Check the delivery counters and the mirror pages. " * 12
                      + "Then drain the queue."))
    assert import_paths([root]).ok
    sync.bring_up_to_date()

    def found(text):
        results = client.get("/api/search", {"q": text, "lang": "en"}).json()["results"]
        return [Translation.objects.get(article__number=hit["article_number"], language="en").doc_path
                for hit in results]

    assert found("drain a relay queue") == ["relay/help/run/drain.md", "relay/help/run/drain-old.md"]
    assert found("legacy console")[0] == "relay/help/run/drain-old.md"  # still found by its own words


def test_a_documentation_page_is_headed_by_its_own_heading_and_named_by_its_title(client, tmp_path):
    root = tmp_path / "docs"
    write(root / "relay.en" / "help" / "run" / "drain.md",
          "---\ntitle: How do I drain a relay?\nexl-id: f-6\n---\n# Drain a [!UICONTROL Relay] queue {#drain}\n\n"
          "Open the console and drain the queue.\n")
    write(root / "kcs" / "KB-77.md", "---\ntitle: Relay queue stays full\narticle-number: KB-77\n---\n"
          "# Queue full\n\n## Description\n\nThe relay queue stays full after a restart.\n")
    assert import_paths([root]).ok
    page = client.get("/en/articles/f-6/", follow=True).content.decode()
    assert re.search(r"<h1>(.*?)</h1>", page).group(1) == 'Drain a <span class="uicontrol">Relay</span> queue'
    assert "<title>How do I drain a relay?" in page  # the browser and search name it by its title
    assert '<li aria-current="page" lang="en">Drain a Relay queue</li>' in page
    # A zero-width space beside a space, as translation memories leave them, shows no double gap.
    write(root / "relay.ja-JP" / "help" / "run" / "drain.md",
          "---\ntitle: 'どうやって[!UICONTROL リレー &#x200B;] を空にしますか'\nexl-id: f-6\n---\n"
          "# [!UICONTROL リレー &#x200B;] キューを空にする\n\nキューを空にします。\n")
    assert import_paths([root]).ok
    japanese = client.get("/ja/articles/f-6/", follow=True).content.decode()
    assert re.search(r"<h1>(.*?)</h1>", japanese).group(1) == '<span class="uicontrol">リレー </span> キューを空にする'
    assert "<title>どうやってリレー を空にしますか" in japanese
    # A heading holding a heading (raw HTML) is not lifted: the title heads the page.
    write(root / "relay.en" / "help" / "run" / "odd.md", "---\ntitle: An odd page\nexl-id: g-7\n---\n"
          '<h1><a href="https://example.com/"><h1>Odd</h1></a></h1>\n\nText.\n')
    assert import_paths([root]).ok
    odd = client.get("/en/articles/g-7/", follow=True).content.decode()
    assert re.search(r"<h1>(.*?)</h1>", odd).group(1) == "An odd page"
    article = client.get("/en/articles/KB-77/").content.decode()
    assert re.search(r"<h1>(.*?)</h1>", article).group(1) == "Relay queue stays full"  # a KCS article's own title


def test_a_page_is_found_by_the_heading_it_opens_with_as_by_its_title(client, tmp_path):
    # Readers type the heading they saw at the top of the page; a page that only links to it,
    # or holds it as a section, comes after.
    root = tmp_path / "docs"
    write(root / "relay.en" / "help" / "report" / "lift.md",
          "---\ntitle: How do I read the uplift figures?\nexl-id: h-8\n---\n# Average uplift and error bands\n\n"
          "The report shows each experience against the control.\n")
    write(root / "relay.en" / "help" / "report" / "settings.md",
          "---\ntitle: Report settings\nexl-id: i-9\n---\n# Report settings\n\n"
          "## Average uplift and error bands\n\nThe average uplift and its error bands are set here: "
          "see [Average uplift and error bands](lift.md). Average uplift, error bands.\n")
    # A page whose title holds the heading's words and more: only the whole heading names h-8.
    write(root / "relay.en" / "help" / "report" / "owners.md",
          "---\ntitle: Average uplift and error bands for report owners\nexl-id: n-14\n---\n"
          "# Average uplift and error bands for report owners\n\nWho reads the report.\n")
    assert import_paths([root]).ok
    sync.bring_up_to_date()

    def found(text):
        return [hit["article_number"] for hit in client.get("/api/search", {"q": text, "lang": "en"}).json()["results"]]

    assert found("Average uplift and error bands")[0] == "h-8"  # the whole heading, as a whole title
    assert found("average uplift error bands")[0] == "h-8"
    assert found("uplift bands")[:2] == ["h-8", "n-14"]  # the heading's words weigh as a title's


def test_a_group_named_as_the_page_it_opens_on_is_not_a_second_breadcrumb(client, tmp_path):
    root = tmp_path / "docs"
    write(root / "relay.en" / "help" / "TOC.md", "---\ntitle: Relay guide\n---\n# Relay guide\n\n"
          "+ Reports {#reports}\n   + [Reports](report/overview.md)\n   + [Exports](report/exports.md)\n")
    write(root / "relay.en" / "help" / "report" / "overview.md", "---\ntitle: How do I read reports?\nexl-id: k-11\n"
          "---\n# Reports\n\nEvery report, one by one.\n")
    write(root / "relay.en" / "help" / "report" / "exports.md", PAGE.format(title="Exports", exl_id="l-12", body="Export."))
    assert import_paths([root]).ok

    def crumbs(number):
        html = client.get(f"/en/articles/{number}/", follow=True).content.decode()
        nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
        return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav)]

    assert crumbs("k-11") == ["Home", "Relay guide", "Reports"]
    assert crumbs("l-12") == ["Home", "Relay guide", "Reports", "Exports"]



@pytest.mark.parametrize("body, heading", [
    ("# Learn F# ##\n\nText.", "Learn F#"),
    ("\n\n#\tDrain a [!UICONTROL Relay] _queue_ {#drain}\n", "Drain a Relay queue"),
    ("Drain the queue\n===============\n\nText.", "Drain the queue"),
    ("# Drain {style=\"color:red\"}\n", "Drain"),
    ("    # a code block, no heading\n", ""),
    ("#NoSpace is no heading\n", ""),
    ("# Relay guide\n", ""),  # the title itself: nothing more to find it by
])
def test_the_heading_a_page_opens_with_is_read_as_markdown_reads_it(body, heading):
    from types import SimpleNamespace

    from articles.search.whoosh.documents import page_heading

    page = SimpleNamespace(doc_path="relay/help/run.md", front_matter={"exl-id": "m-13"}, body=body, title="Relay guide")
    assert page_heading(page) == heading
    assert page_heading(SimpleNamespace(**{**vars(page), "front_matter": {"article-number": "KB-1"}})) == ""
