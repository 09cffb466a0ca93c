"""Writing a whole index: ``write_index(folder, translations)``.

The parent process reads the rows from the database (plain values: no model instances), and
``BUILD_PROCESSES`` children index them, each writing a segment of its own, taking the next
batch when free so that they finish together. With the speed-ups on, the children also make
each row's document (``documents.translation_document``: plain text of the markdown) and write
their postings a term at a time (``speedups.build``); with them off, the parent makes the
documents and hands them to Whoosh's multiprocess writer (``MpWriter``) with its own codec.
An index short of a document never goes live: the build fails instead.
"""
import os

from whoosh import index

from ...models import Article, Translation
from . import speedups
from .documents import translation_document
from .schema import build_schema
from .storage import INDEX_NAME, SafeFileStorage

BUILD_PROCESSES = max(1, min(2, os.cpu_count() or 1))
BATCH = 50  # rows a child takes at a time: small enough that both finish within a batch of each other
LIMIT_MB = 128  # postings a writer holds in memory before writing them to a temporary file
ROW_FIELDS = ("pk", "language", "title", "description", "keywords", "body", "sections", "error_codes", "hidden",
              "published_revision", "doc_path", "front_matter",
              "article__number", "article__audience", "article__status")


def write_index(folder, translations, processes=BUILD_PROCESSES):
    """Indexes every translation of the ``translations`` queryset into a new Whoosh index in
    ``folder`` (an empty directory), committed; returns how many were indexed."""
    built = SafeFileStorage(folder).create_index(build_schema(), indexname=INDEX_NAME)
    if speedups.enabled():
        from .speedups.build import row_writer

        writer, add = row_writer(built, processes, BATCH, LIMIT_MB)
    else:
        if processes > 1:
            writer = built.writer(procs=processes, batchsize=BATCH, multisegment=True, limitmb=LIMIT_MB)
        else:
            writer = built.writer(limitmb=LIMIT_MB)
        add = lambda row: writer.add_document(**_document(row))  # noqa: E731
    count = 0
    try:
        for row in _rows(translations):
            add(row)
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    # Whoosh's multiprocess writer leaves out the segment of a child that died (killed, out of
    # memory) without a word: an index short of documents must not go live.
    written = index.open_dir(str(folder)).doc_count_all()
    if written != count:
        raise RuntimeError(f"the index build wrote {written} of {count} translations (a build process died?)")
    return count


def writer_options():
    """What every writer of the index is opened with besides its lock timeout (builds and
    journal commits): the speed-ups' codec while they are on, Whoosh's own otherwise."""
    if speedups.enabled():
        from .speedups.build import codec

        return {"codec": codec()}
    return {}


def _rows(translations):
    """``(values of ROW_FIELDS, product names)`` for each translation, by primary key."""
    products = {}
    through = Translation.products.through.objects.filter(translation__in=translations)
    for pk, name in through.order_by("product__name").values_list("translation_id", "product__name").iterator(
            chunk_size=5000):
        products.setdefault(pk, []).append(name)
    for values in translations.order_by("pk").values_list(*ROW_FIELDS).iterator(chunk_size=1000):
        yield values, products.get(values[0], [])


def _document(row):
    """The Whoosh document of a row of ``_rows``: built from an unsaved ``Translation`` that
    holds the row's values (no database access)."""
    values, products = row
    fields = dict(zip(ROW_FIELDS, values))
    article = Article(number=fields.pop("article__number"), audience=fields.pop("article__audience"),
                      status=fields.pop("article__status"))
    return translation_document(Translation(article=article, **fields), products)
