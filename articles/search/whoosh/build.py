"""Writing a whole index, every core busy to the end: ``write_index(folder, translations)``.

The parent process only reads rows from the database (plain values: no model instances) and
hands them out in batches; ``BUILD_PROCESSES`` forked children turn each row into its document
(``documents.translation_document``: plain text of the markdown, then analysis) and write a
segment of their own. Children take the next batch when they are free, so they finish together,
and each then writes its segment's postings at the same time as the other.

Before, the parent made the documents while two children analysed them: on a 2-core machine
three processes shared two cores, and the parent's work (a tenth of the CPU time at 99,936
translations: model instances, markdown to plain text, pickling) was in the children's way.
Built side by side on one busy 2-core machine at 99,936 translations, CPU seconds went from
31 (parent) + 277 (children) to 7 + 272: what remains is the children's analysis and Whoosh's
posting writer, about 2.7 ms of CPU a translation.
"""
import os

from whoosh import index
from whoosh.compat import pickle
from whoosh.multiproc import MpWriter, SubWriterTask

from ...models import Article, Translation
from .documents import translation_document
from .speedups.postings import Codec, TermPool, add_document
from .schema import build_schema

BUILD_PROCESSES = max(1, min(2, os.cpu_count() or 1))
BATCH = 50  # rows a child takes at a time: small enough that both finish within a batch of each other
LIMIT_MB = 128  # postings a child holds in memory (postings.TermPool's estimate) before writing them to a run file
ROW_FIELDS = ("pk", "language", "title", "description", "keywords", "body", "sections", "error_codes", "hidden",
              "published_revision",
              "article__number", "article__audience", "article__status")


def write_index(folder, translations, processes=BUILD_PROCESSES):
    """Indexes every translation of the ``translations`` queryset into a new Whoosh index in
    ``folder`` (an empty directory), committed; returns how many were indexed."""
    built = index.create_in(str(folder), build_schema())
    made = codec()
    if processes > 1:
        writer = _RowWriter(built, procs=processes, batchsize=BATCH, multisegment=True, limitmb=LIMIT_MB,
                            codec=made)
        add = writer.add_row
    else:
        writer = built.writer(limitmb=LIMIT_MB, codec=made)
        writer.pool = TermPool(writer.temp_storage(), LIMIT_MB)
        add = lambda row: add_document(writer, _document(row))  # noqa: E731
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


def codec():
    """The index's codec (``postings.Codec``: posting blocks of arrays), for every writer of the
    index (builds and journal commits):

    - without the per-block field length statistics: writing them looks up the length of every
      posting's document (12% of a profiled build), and they only serve Whoosh's own collector
      to skip blocks, which ``scoring.top_documents`` does not use;
    - posting blocks not compressed: every search unpacks each block it reads, and zlib took a
      tenth of a search's time at 99,936 translations (and 5% of a build's) for postings files
      about a third smaller."""
    made = Codec(compression=0)
    made.length_stats = False
    return made


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


class _RowWriter(MpWriter):
    """Whoosh's multiprocess writer, handed rows instead of documents."""

    def add_row(self, row):
        self.add_document(row=row)

    def _new_task(self):
        task = _RowTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                        self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


class _RowTask(SubWriterTask):
    """A child: reads a batch of rows the parent wrote to a temporary file, indexes their
    documents (``SubWriterTask._process_file`` with ``_document`` in between)."""

    def _process_file(self, filename, doc_count):
        writer = self.writer
        if not isinstance(writer.pool, TermPool):  # the child's writer, made by SubWriterTask.run
            writer.pool = TermPool(writer.temp_storage(), LIMIT_MB)
        temporary = writer.temp_storage()
        with temporary.open_file(filename).raw_file() as f:
            for _ in range(doc_count):
                code, fields = pickle.load(f)
                add_document(writer, _document(fields["row"]))
        temporary.delete_file(filename)
