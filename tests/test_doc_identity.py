"""Which article a documentation page is: a comma-separated ``exl-id`` uses the first, two
different pages with one ``exl-id`` are both kept (the second under a derived number that
stays the same on every run), and one page met twice is imported once, as a duplicate."""
import pytest

from articles.importing import import_paths
from articles.models import Article, Translation
from tests.helpers import write

pytestmark = pytest.mark.django_db

PAGE = "---\ntitle: {title}\nexl-id: {exl_id}\n---\n# {title}\n\n{body}\n"


def page(root, locale, path, title, exl_id, body="Some steps."):
    return write(root / f"guide.{locale}" / "help" / path, PAGE.format(title=title, exl_id=exl_id, body=body))


def numbers_by_title():
    return dict(Translation.objects.filter(language="en").values_list("title", "article__number"))


def test_a_comma_separated_exl_id_uses_the_first_and_warns(tmp_path):
    page(tmp_path, "en", "a.md", "Merged page", "aaaa-1111, bbbb-2222")
    report = import_paths([tmp_path])
    assert report.ok
    assert Article.objects.get().number == "aaaa-1111"
    assert any("exl-id" in warning and "aaaa-1111" in warning for _, warning in report.warnings)


def test_two_different_pages_with_one_exl_id_are_both_kept_and_keep_their_numbers(tmp_path):
    page(tmp_path, "en", "send/first.md", "First page", "cafe-0001", "About sending.")
    page(tmp_path, "en", "start/second.md", "Second page", "cafe-0001", "About starting.")
    page(tmp_path, "fr-FR", "start/second.md", "Deuxième page", "cafe-0001", "À propos du départ.")
    page(tmp_path, "fr-FR", "send/first.md", "Première page", "cafe-0001", "À propos de l’envoi.")
    report = import_paths([tmp_path])
    assert report.ok, [(o.path, o.reason) for o in report.failures]
    found = numbers_by_title()
    assert found["First page"] == "cafe-0001"
    derived = found["Second page"]
    assert derived.startswith("cafe-0001-") and derived != "cafe-0001"
    assert any(derived in warning for _, warning in report.warnings)
    # Each French file joins the page it translates, whatever the order the files came in.
    assert set(Translation.objects.filter(article__number=derived).values_list("title", flat=True)) == {
        "Second page", "Deuxième page"}
    assert Article.objects.count() == 2

    # A later run, from the root or from a folder inside it, finds the same articles.
    again = import_paths([tmp_path])
    assert again.counts["unchanged"] == 4 and Article.objects.count() == 2
    page(tmp_path, "en", "start/second.md", "Second page", "cafe-0001", "About starting, revised.")
    inside = import_paths([tmp_path / "guide.en"])
    assert inside.counts["updated"] == 1 and Article.objects.count() == 2
    assert numbers_by_title()["Second page"] == derived


def test_one_page_met_twice_is_imported_once_and_reported_as_a_duplicate(tmp_path):
    first = page(tmp_path / "one", "en", "x.md", "Shared page", "dddd-4444", "Same words.")
    page(tmp_path / "two", "en", "other/place/x.md", "Shared page", "dddd-4444", "Same words.")
    report = import_paths([tmp_path / "one", tmp_path / "two"])
    assert report.ok and report.counts["imported"] == 1
    duplicate = [o for o in report.outcomes if o.status == "skipped"]
    assert len(duplicate) == 1 and "duplicate" in duplicate[0].reason and str(first) in duplicate[0].reason
    assert Article.objects.count() == 1
    # On a later run the copy is still a duplicate, not a new article.
    again = import_paths([tmp_path / "two"])
    assert again.ok and again.counts["skipped"] == 1 and Article.objects.count() == 1


def test_pages_named_alike_in_two_folders_are_two_articles(tmp_path):
    for folder, title in (("start", "Start overview"), ("send", "Send overview")):
        write(tmp_path / "guide.en" / folder / "overview.md", f"---\ntitle: {title}\n---\n# {title}\n\nText of {folder}.\n")
    report = import_paths([tmp_path])
    assert report.ok and Article.objects.count() == 2


def test_an_article_number_given_twice_still_fails_the_second(tmp_path):
    write(tmp_path / "a" / "en" / "x.md", "---\ntitle: A\narticle-number: KB-7\n---\nOne.\n")
    write(tmp_path / "b" / "en" / "y.md", "---\ntitle: B\narticle-number: KB-7\n---\nTwo.\n")
    report = import_paths([tmp_path])
    assert len(report.failures) == 1 and Article.objects.count() == 1


TOC = """---
title: Guide documentation
breadcrumb-title: Guide
---
# Guide documentation {#guide}

+ [Overview](start/overview.md)
+ Sending {#send}
   + [Preview a message](send/preview.md)
   + {hide-from-toc}[Old way](send/old.md)
+ [Elsewhere >](https://example.com/elsewhere.html)
"""


def test_a_toc_is_read_as_navigation_not_imported_as_an_article(tmp_path):
    from articles.models import DocTree

    write(tmp_path / "guide.en" / "help" / "TOC.md", TOC)
    page(tmp_path, "en", "start/overview.md", "Overview", "eeee-5555")
    report = import_paths([tmp_path])
    assert report.ok and report.counts["navigation"] == 1 and report.counts["imported"] == 1
    assert not Translation.objects.filter(title__icontains="Guide").exists()
    tree = DocTree.objects.get()
    assert (tree.doc_path, tree.language, tree.title) == ("guide/help/TOC.md", "en", "Guide")
    assert [node["title"] for node in tree.nodes] == ["Overview", "Sending", "Elsewhere >"]
    sending = tree.nodes[1]
    assert sending["href"] == "" and sending["anchor"] == "send"
    assert [(n["title"], n["href"], n["hidden"]) for n in sending["children"]] == [
        ("Preview a message", "send/preview.md", False), ("Old way", "send/old.md", True)]
    assert import_paths([tmp_path]).counts["navigation"] == 1 and DocTree.objects.count() == 1


def test_a_translated_repositorys_own_files_are_not_pages(tmp_path):
    # The translation pipeline gives every file front matter, the repository's README and
    # licence and its snippets too; the repository's metadata.md holds its settings.
    pipeline = "source-git-commit: 0f0f0f\nworkflow-type: tm+mt\nsource-wordcount: '12'\nht-degree: 0%\n"
    repository = tmp_path / "guide.fr-FR"
    write(repository / "README.md", f"---\n{pipeline}---\n# Archivé\n\nCe dépôt est archivé.\n")
    write(repository / "license.md", f"---\n{pipeline}---\n# Licence MIT\n\nPermission est accordée.\n")
    write(repository / "metadata.md", f"---\nproduct: guide\ngit-repo: https://example.com/guide.fr-FR\n{pipeline}"
          "---\n# Métadonnées à usage interne\n\nRéglages du dépôt.\n")
    write(repository / "help" / "_includes" / "snippets.md", f"---\n{pipeline}---\n# Extraits\n\n"
          "## Note de licence {#licence}\n\nRéservé aux clients Premium.\n")
    write(repository / "help" / "run" / "drain.md", "---\ntitle: Vider la file\nexl-id: j-10\n---\n"
          "# Vider la file\n\n{{licence}}\n\nVidez la file avant la mise à niveau.\n")
    report = import_paths([tmp_path])
    reasons = {outcome.path.rsplit("/", 1)[-1]: (outcome.status, str(outcome.reason)) for outcome in report.outcomes}
    assert reasons["drain.md"][0] == "imported" and report.counts["imported"] == 1
    assert reasons["README.md"] == reasons["license.md"] == ("skipped", "does not begin with front matter")
    assert reasons["snippets.md"] == ("skipped", "text included into pages (a folder whose name begins with _), "
                                                 "not a page")
    assert reasons["metadata.md"] == ("skipped", "a documentation repository's settings (metadata.md), not a page")
    page = Translation.objects.get()
    assert "Réservé aux clients Premium." in page.rendered_html  # the snippet still goes into the page


def test_a_page_with_an_empty_front_matter_block_is_still_a_page(tmp_path):
    write(tmp_path / "guide.en" / "help" / "plain.md", "---\n---\n# Plain page\n\nBody text.\n")
    assert import_paths([tmp_path]).counts["imported"] == 1


def test_a_page_named_by_a_file_name_longer_than_a_number_still_imports_as_one_article(tmp_path):
    """Experience League names some pages by file names of over 100 characters and gives them
    no ``exl-id``: every translation is one article under the same shortened number, again on
    the next run; a number written in a field that long fails, saying why."""
    name = "security-update-for-the-storefront-" + "revised-to-include-an-isolated-patch-" * 2 + "for-cve-2099-0001"
    assert len(name) > 100
    for locale, title in (("en", "Security update"), ("fr-FR", "Mise à jour de sécurité")):
        write(tmp_path / f"kb.{locale}" / "help" / f"{name}.md", f"---\ntitle: {title}\n---\n# {title}\n\nApply it.\n")
    write(tmp_path / "kb.en" / "help" / "numbered.md", f"---\ntitle: Numbered\narticle-number: {name}\n---\nText.\n")
    report = import_paths([tmp_path])
    (failed,) = report.failures
    assert failed.path.endswith("numbered.md") and "longer than 100 characters" in str(failed.reason)
    (article,) = Article.objects.all()
    assert len(article.number) <= 100 and article.number.startswith("security-update-for-the-storefront-")
    assert sorted(article.translations.values_list("language", flat=True)) == ["en", "fr"]
    again = import_paths([tmp_path])
    assert again.counts["unchanged"] == 2 and list(Article.objects.values_list("number", flat=True)) == [article.number]
