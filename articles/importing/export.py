"""Translations → front-matter markdown files: ``OUTDIR/<language>/<number>.md``.

Each published translation is written as its published revision: drafts and never-published
work stay out. The front matter is the stored verbatim data with the revision's title,
description, keywords and products written over it where an editor changed them (plus
``article-number`` when the file had none), and the body unchanged, so an unchanged import
exports a file that parses back to the same front matter and body.
"""
from pathlib import Path

from ..docpaths import doc_products, unlabelled_products
from ..editing.imports import sibling_product_labels
from ..models import Revision, Translation
from .fields import split_list
from .frontmatter import dump_document


def export_translations(outdir, queryset=None):
    """Write every published translation (or ``queryset``'s); returns the number of files written."""
    outdir = Path(outdir)
    queryset = queryset if queryset is not None else Translation.objects.all()
    written = 0
    for translation in queryset.filter(published_revision__isnull=False).select_related("article").iterator(
            chunk_size=500):
        revision = Revision.objects.filter(translation=translation, number=translation.published_revision).first()
        front_matter, body = _document(translation, revision)
        target = outdir / translation.language / f"{translation.article.number}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_document(front_matter, body), encoding="utf-8")
        written += 1
    return written


def _document(translation, revision):
    front_matter = dict(translation.front_matter or {})
    if revision is None:
        return front_matter, translation.body
    if str(front_matter.get("title") or "").strip() != revision.title:
        front_matter["title"] = revision.title
    if str(front_matter.get("description") or "").strip() != revision.description and (
            revision.description or "description" in front_matter):
        front_matter["description"] = revision.description
    if split_list(front_matter.get("keywords")) != list(revision.keywords) and (
            revision.keywords or "keywords" in front_matter):
        front_matter["keywords"] = ", ".join(revision.keywords)
    if revision.products and not front_matter.get("solution") and not front_matter.get("product") and (
            list(revision.products) != _page_products(translation, front_matter)):
        front_matter["solution"] = ", ".join(revision.products)
    if "article-number" not in front_matter and "exl-id" not in front_matter:
        front_matter["article-number"] = translation.article.number
    return front_matter, revision.body


def _page_products(translation, front_matter):
    """The products a page's ``product_v2`` gives it as the importer reads them (ids without a
    label labelled as the article's other translations label them)."""
    labels = (sibling_product_labels(translation.article_id, translation.language)
              if unlabelled_products(front_matter) else None)
    return doc_products(front_matter, translation.doc_path, labels)
