"""Importing a file, as an action of the editing service: the same revision rules as a save
(numbering, the source revision a translation follows, the shown revision, the journal), with
the importer's bulk caches so a corpus import stays fast.

    session = ImportSession()                     # once per run: what is stored, by number
    translation_id = import_translation(session, parsed, rendered, user=None)

``parsed`` is an ``importing.sources.ParsedSource`` and ``rendered`` its ``RenderedSource``.
An imported file is the published article: its content becomes the translation's next revision,
published and shown; an article met for the first time is created validated and external
(``Article``'s defaults). Its source language is its first translation's, until an English one
arrives. ``user`` is whoever asked for the import (None for the command line): when given, they
must be a publisher, since an import publishes what it reads.

One call is one transaction; the ids it creates are listed in ``session.uncommitted`` until it
returns, so a caller whose transaction failed can ``session.forget_uncommitted()``.
"""
from django.db import transaction
from django.utils import timezone

from .. import prepared
from ..docpaths import page_products, product_labels, unlabelled_products
from ..importing.fields import products_of
from ..models import Article, Product, Revision, Translation
from ..rendering.text import inline_text, shown_description
from ..search import sync
from . import health, permissions


class ImportSession:
    def __init__(self):
        self.articles = dict(Article.objects.values_list("number", "id"))
        self.products = dict(Product.objects.values_list("name", "id"))
        self.translation_ids = {(number, language): pk for pk, number, language in
                                Translation.objects.values_list("id", "article__number", "language")}
        self.uncommitted = []  # (cache, key) of ids created by the transaction in progress

    def forget_uncommitted(self):
        """Drop the ids created by a rolled-back transaction: reusing one fails the next file."""
        for cache, key in self.uncommitted:
            cache.pop(key, None)
        self.uncommitted = []

    def reread(self, number, language):
        """Read again what is stored for one article and one of its translations, after another
        writer (a second import, an editor) created them since this session read them."""
        for cache, key in ((self.articles, number), (self.translation_ids, (number, language))):
            cache.pop(key, None)
        article_id = Article.objects.filter(number=number).values_list("id", flat=True).first()
        if article_id is not None:
            self.articles[number] = article_id
            translation_id = (Translation.objects.filter(article_id=article_id, language=language)
                              .values_list("id", flat=True).first())
            if translation_id is not None:
                self.translation_ids[(number, language)] = translation_id

    def product_id(self, name):
        if name not in self.products:
            self.products[name] = Product.objects.get_or_create(name=name)[0].id
            self.uncommitted.append((self.products, name))
        return self.products[name]


class EditedSinceImport(Exception):
    """The translation's latest revision was made by a person (``args[0]``, their user name)
    since the file was last imported: the import keeps it unless told to overwrite edits."""


def import_translation(session, parsed, rendered, user=None, overwrite_edits=False):
    """Write one file's translation as its next, published revision; returns its id. Raises
    ``EditedSinceImport`` when, checked under the rows' locks, a person saved the translation
    last (a save may commit while an import runs) and ``overwrite_edits`` is false."""
    if user is not None:
        permissions.require_publish(user)
    with transaction.atomic():
        session.uncommitted = []
        article_id, created, source_revision = _locked_article(session, parsed)
        values = _columns(parsed, rendered)
        key = (parsed.number, parsed.language)
        translation_id = session.translation_ids.get(key)
        links = Translation.products.through.objects
        if translation_id is None:
            number = 1
            translation_id = Translation.objects.create(
                article_id=article_id, language=parsed.language, **values, **_shown(number, source_revision)).id
            session.translation_ids[key] = translation_id
            session.uncommitted.append((session.translation_ids, key))
        else:
            number = _locked_latest(translation_id, overwrite_edits) + 1
            Translation.objects.filter(pk=translation_id).update(updated_at=timezone.now(), **values,
                                                                 **_shown(number, source_revision))
            links.filter(translation_id=translation_id).delete()
        products = _translated_page_products(article_id, parsed)
        product_ids = [session.product_id(name) for name in products]
        links.bulk_create([links.model(translation_id=translation_id, product_id=pk) for pk in product_ids])
        _add_published_revision(translation_id, number, parsed, source_revision, products)
        health.start_care_on_import(article_id, user, created, parsed.front_matter, product_ids)  # after the products
        labelled = _label_siblings(session, article_id, parsed) if product_labels(parsed.front_matter) else []
        # Last in the transaction: the journal entry commits with the rows, or neither does.
        sync.record_change([translation_id, *labelled], sync.IMPORT)
    return translation_id


def _locked_article(session, parsed):
    """``(article id, created, source revision)``: the file's article, created (``created`` is
    then its creation time, else None) or locked (its
    row before the translation's: the order a save locks them in), its source language made
    the file's when it has none or the file is the English one; and the revision of the
    source translation this file follows (None when it is the source)."""
    article_id = session.articles.get(parsed.number)
    if article_id is None:  # a new article: this file's language is its source
        article = Article.objects.create(number=parsed.number, key_source=parsed.key_source,
                                         source_language=parsed.language)
        session.articles[parsed.number] = article_id = article.id
        session.uncommitted.append((session.articles, parsed.number))
        return article_id, article.created_at, None
    (source_language,), = prepared.rows(_locked_article_row, (), [article_id], numeric=True)
    if not source_language or (parsed.language == "en" and source_language != "en"):
        Article.objects.filter(pk=article_id).update(source_language=parsed.language)
        return article_id, None, None
    if parsed.language == source_language:
        return article_id, None, None
    return article_id, None, source_revision_of(article_id, source_language)


def _locked_article_row(pks):
    return Article.objects.select_for_update().filter(pk__in=pks).order_by().values_list("source_language")


def _locked_latest(translation_id, overwrite_edits):
    """The stored translation's latest revision number, its row locked; ``EditedSinceImport``
    when a person made that revision and edits are not to be overwritten."""
    latest = (Translation.objects.select_for_update().filter(pk=translation_id)
              .values_list("latest_revision", flat=True).get())
    editor = (Revision.objects.filter(translation_id=translation_id, number=latest, author__isnull=False)
              .values_list("author__username", flat=True).first())
    if editor is not None and not overwrite_edits:
        raise EditedSinceImport(editor)
    return latest


def _shown(number, source_revision):
    """The revision columns of a translation whose columns hold its published revision ``number``."""
    return {"latest_revision": number, "published_revision": number, "shown_revision": number,
            "source_revision": source_revision}


def _columns(parsed, rendered):
    fields = parsed.fields
    return {
        "title": inline_text(fields.title) or fields.title, "description": shown_description(fields.description),
        "keywords": fields.keywords,
        "created_on": fields.created_on, "created_by": fields.created_by[:200],
        "published_on": fields.published_on, "published_by": fields.published_by[:200],
        "version_number": fields.version_number, "hidden": fields.hidden,
        "internal_notes": fields.internal_notes, "is_bug": fields.is_bug,
        "front_matter": parsed.front_matter, "body": parsed.body,
        "sections": rendered.sections, "assets": rendered.assets, "error_codes": rendered.error_codes,
        "source_path": parsed.path[:1000], "doc_path": parsed.doc_path, "content_hash": parsed.content_hash,
        "language_rule": parsed.rule, "rendered_html": rendered.html,
        "renderer_version": rendered.renderer_version,
    }


def _translated_page_products(article_id, parsed):
    """The file's products; for a documentation page whose ``product_v2`` lists an id without a
    label (how a translated Experience League page names them), each such id labelled as another
    stored translation of its article labels it (``sibling_product_labels``), beside the labels
    the page gives (``docpaths.page_products``)."""
    front_matter = parsed.front_matter
    if not unlabelled_products(front_matter):
        return parsed.fields.products
    labels = sibling_product_labels(article_id, parsed.language)
    return page_products(front_matter, parsed.doc_path, products_of(front_matter), labels) if labels else (
        parsed.fields.products)


def _label_siblings(session, article_id, parsed):
    """The ids of the article's other translations, imported (their latest revision is an
    import's) from pages whose ``product_v2`` lists ids without labels, that the labels of the
    page just written (``parsed``) name further: stored with those products, as an import of
    their file after this one would store them (a German page imported before the English one)."""
    filled = []
    links = Translation.products.through.objects
    rows = list(Translation.objects.select_for_update().filter(article_id=article_id).exclude(language=parsed.language)
                .order_by("pk").values_list("id", "language", "front_matter", "doc_path", "latest_revision"))
    for pk, language, front_matter, doc_path, latest in rows:
        if not unlabelled_products(front_matter):
            continue
        # The labels its siblings give (the page just written's first), from the rows at hand.
        labels = dict(product_labels(parsed.front_matter))
        for _, other, other_front_matter, _, _ in rows:
            if other != language:
                for key, label in product_labels(other_front_matter).items():
                    labels.setdefault(key, label)
        named = products_of(front_matter)
        alone = page_products(front_matter, doc_path, named)
        products = page_products(front_matter, doc_path, named, labels)
        revision = Revision.objects.filter(translation_id=pk, number=latest, author__isnull=True).values_list(
            "id", "products").first()
        if products == alone or revision is None or list(revision[1] or ()) != alone:
            continue  # nothing more to name, or a person's revision: theirs to change
        Revision.objects.filter(pk=revision[0]).update(products=products)
        links.filter(translation_id=pk).delete()
        links.bulk_create([links.model(translation_id=pk, product_id=session.product_id(name)) for name in products])
        filled.append(pk)
    return filled


def sibling_product_labels(article_id, language):
    """``{product_v2 id: label}`` the article's translations other than ``language``'s give,
    its source language's first."""
    labels = {}
    rows = (Translation.objects.filter(article_id=article_id).exclude(language=language)
            .values_list("language", "front_matter", "article__source_language").order_by("language"))
    for _, front_matter, _ in sorted(rows, key=lambda row: row[0] != row[2]):
        for key, label in product_labels(front_matter).items():
            labels.setdefault(key, label)
    return labels


def _add_published_revision(translation_id, number, parsed, source_revision, products):
    fields = parsed.fields
    Revision.objects.create(translation_id=translation_id, number=number, created_at=timezone.now(),
                            import_path=parsed.path[:1000], title=fields.title, description=fields.description,
                            keywords=fields.keywords, products=products, body=parsed.body,
                            source_revision=source_revision)


def source_revision_of(article_id, source_language):
    """The revision of the article's source translation a translation made now follows: its
    published one, else its latest; None while there is no source translation."""
    found = prepared.rows(_source_translation_row, (source_language,), [article_id], numeric=True)
    return (found[0][0] or found[0][1] or None) if found else None


def _source_translation_row(language, article_ids):
    # One row at most (one translation per language); unordered, which spares the join on the
    # article that the model's ordering would add.
    return Translation.objects.filter(article_id__in=article_ids, language=language).order_by().values_list(
        "published_revision", "latest_revision")
