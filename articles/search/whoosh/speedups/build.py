"""The index build's speed-ups: rows become documents in the build's children, and each
child's postings go to a ``postings.TermPool`` written a term at a time, with the codec of
``postings`` (``codec()``), used by every writer of an index built with the speed-ups.

The parent process then only reads rows and hands them out in batches (``_RowWriter``, Whoosh's
``MpWriter`` handed rows instead of documents); each child (``_RowTask``) turns a row into its
document with ``build._document`` and adds it through ``postings.add_document``.
"""
from whoosh.compat import pickle
from whoosh.multiproc import MpWriter, SubWriterTask

from .. import build
from .postings import Codec, TermPool, add_document

# Postings per block of the segments this code writes (``codec``); a segment written with
# another size is read the same way.
BLOCK_POSTINGS = 1024


def row_writer(built, processes, batch, limit_mb):
    """``(writer, add)`` for a new index ``built``: ``add(row)`` indexes a row of
    ``build._rows``; the writer is committed or cancelled by the caller."""
    made = codec()
    if processes > 1:
        writer = _RowWriter(built, procs=processes, batchsize=batch, multisegment=True, limitmb=limit_mb,
                            codec=made)
        return writer, writer.add_row
    writer = built.writer(limitmb=limit_mb, codec=made)
    writer.pool = TermPool(writer.temp_storage(), limit_mb)
    return writer, lambda row: add_document(writer, build._document(row))


def codec(block_postings=None):
    """The index's codec (``postings.Codec``: posting blocks of arrays), for every writer of an
    index built with the speed-ups (builds and journal commits):

    - without the per-block field length statistics: writing them looks up the length of every
      posting's document, and they only serve Whoosh's own collector to skip blocks, which
      ``scoring.top_documents`` does not use;
    - posting blocks not compressed: every search unpacks each block it reads;
    - blocks of up to ``BLOCK_POSTINGS`` postings (or ``block_postings``), not Whoosh's 128:
      ``scoring`` reads a block's arrays at once, and what a block costs besides (its header, a
      pickle, a read) is then most of reading a long list."""
    made = Codec(blocklimit=block_postings or BLOCK_POSTINGS, compression=0)
    made.length_stats = False
    return made


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
    documents (``SubWriterTask._process_file`` with ``build._document`` in between)."""

    def _process_file(self, filename, doc_count):
        writer = self.writer
        if not isinstance(writer.pool, TermPool):  # the child's writer, made by SubWriterTask.run
            writer.pool = TermPool(writer.temp_storage(), build.LIMIT_MB)
        temporary = writer.temp_storage()
        with temporary.open_file(filename).raw_file() as f:
            for _ in range(doc_count):
                code, fields = pickle.load(f)
                add_document(writer, build._document(fields["row"]))
        temporary.delete_file(filename)
