"""The index's postings: a codec whose blocks hold arrays, and a build that gathers postings
term by term.

**Blocks of arrays** (``Codec``, ``RawBlockWriter``, ``RawBlockMatcher``): Whoosh pickles each
block of up to 128 postings (a tuple of gaps between document numbers, weights and values) and
compresses it with zlib, so reading one unpickles some 400 objects and adds up the gaps in
Python. These blocks hold arrays, read in one copy. Each block's header (length, pickled
statistics) stays Whoosh's, so Whoosh's matchers, block skipping and merges work unchanged.

**The build's pool** (``TermPool``, ``add_document``, ``FieldWriter``): Whoosh's writer hands
its pool one ``(field, term, docnum, weight, value)`` tuple per posting; its ``PostingPool``
sorts them and, past its memory limit, pickles them one by one to a run file, then reads every
run back through a heap to write the segment, still one posting at a time. In a fresh build,
documents come in order of their numbers, so each term's postings are already in order:
``TermPool`` appends them to the term's arrays and, past its limit, writes its terms to a run,
one record per term. ``FieldWriter.add_postings`` then hands each term's postings to the block
writer a block at a time, as they would have been buffered posting by posting: with the same
codec, the segment is byte for byte the one Whoosh's own pool and ``add_document`` write.

Only a build uses the pool; the journal's commits keep Whoosh's pool, since a commit may merge
older segments into it, whose postings do not come in order. This module subclasses Whoosh
2.7.4's writers and matchers and uses their private attributes (``speedups.WRITTEN_FOR``).
"""
from array import array
import heapq
from itertools import accumulate, groupby
import sys
import zlib

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3LeafMatcher, W3PostingsWriter
from whoosh.compat import dump, dumps, load, loads
from whoosh.util import random_name
from whoosh.util.numeric import length_to_byte

from ..schema import U32, little_endian

# What the pool counts against its limit: an estimate of Python's memory for a term's arrays
# and dictionary entry, and for one posting (its number, weight, value and list slot).
TERM_BYTES = 400
POSTING_BYTES = 60
RAW = b"\x01"  # the first byte of a block of arrays (a pickle starts with 0x80, zlib with "x")
MAX_OPEN_RUNS = 32  # runs read at once; more are first joined, in order, into fewer


class TermPool:
    """Whoosh's ``PostingPool``, for postings that come in document order."""

    def __init__(self, tempstorage, limitmb):
        self.fieldnames = set()
        self._storage = tempstorage
        self._limit = limitmb * 1024 * 1024
        self._fields = {}  # fieldname → {term text → (docnums, weights, values)}
        self._size = 0
        self._runs = []
        self._last = 0

    def add(self, item):
        fieldname, text, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(text, 0, weight, value)])

    def add_field(self, fieldname, docnum, items):
        """Adds one field of one document: ``items`` are the ``(text, frequency, weight, value)``
        its field's ``index`` gives. Returns the field's length (its frequencies summed)."""
        if docnum < self._last:
            raise ValueError(f"posting of document {docnum} after one of document {self._last}: "
                             "a TermPool takes documents in order")
        self._last = docnum
        terms = self._fields.get(fieldname)
        if terms is None:
            self.fieldnames.add(fieldname)
            terms = self._fields[fieldname] = {}
        length = size = 0
        for text, frequency, weight, value in items:
            length += frequency
            postings = terms.get(text)
            if postings is None:
                postings = terms[text] = (array(U32), array("d"), [])
                size += TERM_BYTES + len(text)
            postings[0].append(docnum)
            postings[1].append(weight)
            value = value or b""
            postings[2].append(value)
            size += POSTING_BYTES + len(value)
        self._size += size
        if self._size > self._limit:
            self.save()
        return length

    def save(self):
        """Writes the terms held so far to a run file, in term order, and forgets them."""
        if not self._fields:
            return
        self._runs.append(self._write_run(self._held()))
        self._fields, self._size = {}, 0

    def iter_postings(self):
        """``Terms``: every term's postings, in term order (``FieldWriter.add_postings``)."""
        return Terms(self)

    def terms(self):
        """``((fieldname, text), (docnums, weights, values))`` for every term, in order; the
        postings of a term found in several runs are joined, earlier runs first. At most
        ``MAX_OPEN_RUNS`` run files are open at a time."""
        held = self._held()
        self._fields = {}
        while len(self._runs) > MAX_OPEN_RUNS:  # join the oldest runs, keeping runs in order
            joined = self._write_run(_joined_terms([self._read_run(name) for name in self._runs[:MAX_OPEN_RUNS]]))
            self._runs[:MAX_OPEN_RUNS] = [joined]
        sources = [self._read_run(name) for name in self._runs]
        try:
            yield from _joined_terms(sources + [iter(held)])
        finally:
            for source in sources:
                source.close()  # a run not read to its end is closed and removed now

    def _held(self):
        """The terms held, ``((fieldname, text), postings)`` in order."""
        return [((fieldname, text), terms[text]) for fieldname, terms in sorted(self._fields.items())
                for text in sorted(terms)]

    def _write_run(self, terms):
        name = f"{random_name()}.terms"  # the children of a build share the temporary folder
        with self._storage.create_file(name).raw_file() as run:
            for key, (docnums, weights, values) in terms:
                dump((key, docnums.tobytes(), weights.tobytes(), values), run, -1)
        return name

    def _read_run(self, name):
        try:
            with self._storage.open_file(name).raw_file() as run:
                while True:
                    try:
                        key, docnums, weights, values = load(run)
                    except EOFError:
                        break
                    yield key, (array(U32, docnums), array("d", weights), values)
        finally:
            self._storage.delete_file(name)

    def cleanup(self):
        for name in self._runs:
            if self._storage.file_exists(name):
                self._storage.delete_file(name)
        self._runs = []


def _joined_terms(sources):
    """The terms of ``sources`` (each in term order; earlier sources hold earlier documents),
    in term order, the postings of a term found in several sources joined."""
    for key, parts in groupby(heapq.merge(*sources, key=lambda term: term[0]), key=lambda term: term[0]):
        parts = [postings for _, postings in parts]
        if len(parts) == 1:
            yield key, parts[0]
            continue
        docnums, weights, values = array(U32), array("d"), []
        for more_docnums, more_weights, more_values in parts:
            docnums.extend(more_docnums)
            weights.extend(more_weights)
            values.extend(more_values)
        yield key, (docnums, weights, values)


def add_document(writer, fields):
    """``writer.add_document(**fields)`` for a build's writer, whose pool is a ``TermPool``:
    each field's postings go to the pool at once rather than one call per posting. A document
    with features the index does not use (term vectors, boosts, columns) is left to Whoosh's
    own method; a separate spelling field cannot be (Whoosh adds its words as postings of
    document 0, out of order)."""
    schema = writer.schema
    if any(schema[name].separate_spelling() for name in fields if not name.startswith("_")):
        raise ValueError("a TermPool cannot take the words of a separate spelling field")
    if any(name.startswith("_") or schema[name].vector or schema[name].column_type for name in fields):
        return writer.add_document(**fields)
    writer._check_state()
    docnum, pool, perdoc = writer.docnum, writer.pool, writer.perdocwriter
    perdoc.start_doc(docnum)
    for name in sorted(fields):
        value = fields[name]
        if value is None:
            continue
        field = schema[name]
        length = 0
        if field.indexed:
            length = pool.add_field(name, docnum, field.index(value))
            if not field.scorable:
                length = 0
        perdoc.add_field(name, field, value if field.stored else None, length)
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


class Terms:
    """What ``TermPool.iter_postings`` gives the segment writer: its terms, to be written a
    block at a time, and, for any other reader, the postings one tuple at a time."""

    def __init__(self, pool):
        self.pool = pool

    def __iter__(self):
        for (fieldname, text), (docnums, weights, values) in self.pool.terms():
            for docnum, weight, value in zip(docnums, weights, values):
                yield fieldname, text, docnum, weight, value


class FieldWriter(W3FieldWriter):
    """Whoosh's field writer, which writes ``Terms`` a block at a time."""

    def add_postings(self, schema, lengths, items):
        if not isinstance(items, Terms):
            return super().add_postings(schema, lengths, items)
        if self._codec.length_stats:
            raise ValueError("block statistics of field lengths are not written for a TermPool")
        field = None
        for (fieldname, text), postings in items.pool.terms():
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field = fieldname
            self.start_term(text)
            _buffer_postings(self._postwriter, *postings)
            self.finish_term()
        if field is not None:
            self.finish_field()


def _buffer_postings(postwriter, docnums, weights, values):
    """What ``W3PostingsWriter.add_posting`` leaves behind for these postings, added one by
    one: every full block written but the last, which stays buffered for ``finish_postings``."""
    size = postwriter._blocklimit
    for start in range(0, len(docnums), size):
        if start:
            postwriter._write_block()
        block = slice(start, start + size)
        postwriter._ids = docnums[block]
        postwriter._weights = array("f", weights[block])
        postwriter._values = [value for value in values[block] if value]
        postwriter._maxweight = max(0, max(weights[block]))


class RawBlockWriter(W3PostingsWriter):
    """Whoosh's postings writer, whose blocks hold their postings as arrays (``RAW`` layout):

    - a byte ``RAW``;
    - the document numbers, 4 bytes each (unsigned, little-endian);
    - the weights, 4 bytes each (the ``float32`` Whoosh keeps them in);
    - for values of varying size (positions), how many values, where each ends (4 bytes each),
      then the values one after the other; values of one fixed size, one after the other.

    The block's header (length, pickled statistics) stays Whoosh's. A writer asked for
    compression, or for postings of terms (vectors), writes Whoosh's pickles."""

    def _write_block(self, last=False):
        if self._byteids or self._compression:
            return super()._write_block(last)
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        data = RAW + little_endian(array(U32, ids)) + little_endian(array("f", self._weights)) + _raw_values(
            self._values, self._format.fixed_value_size())
        infobytes = dumps((len(ids), ids[-1], self._maxweight, 0, length_to_byte(self._minlength),
                           length_to_byte(self._maxlength)), 2)
        length = len(infobytes) + len(data)
        self._postfile.write_int(-length if last else length)
        self._postfile.write(infobytes)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


def _raw_values(values, fixed_size):
    if fixed_size == 0:
        return b""
    if fixed_size is not None and fixed_size > 0:
        return b"".join(values)
    return little_endian(array(U32, [len(values)])) + little_endian(array(U32, accumulate(map(len, values)))) + b"".join(values)


class RawBlockMatcher(W3LeafMatcher):
    """Whoosh's matcher of on-disk postings, which reads ``RawBlockWriter``'s blocks (and
    Whoosh's own, in a segment another codec wrote)."""

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if data[:1] == RAW:
            self._data = data
        else:
            self._data = loads(zlib.decompress(data) if self._compression else data)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        if type(self._data) is not bytes:
            return super()._read_ids()
        self._ids = _array(U32, self._data, 1, self._blocklength)

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        if type(self._data) is not bytes:
            return super()._read_weights()
        self._weights = _array("f", self._data, 1 + 4 * self._blocklength, self._blocklength)

    def _read_values(self):
        if self._data is None:
            self._read_data()
        if type(self._data) is not bytes:
            return super()._read_values()
        data, count, fixed = self._data, self._blocklength, self._fixedsize
        start = 1 + 8 * count
        if fixed == 0:
            self._values = (None,) * count
        elif fixed is not None and fixed > 0:
            self._values = tuple(data[i:i + fixed] for i in range(start, start + fixed * count, fixed))
        else:
            stored = _array(U32, data, start, 1)[0]
            ends = _array(U32, data, start + 4, stored)
            base = start + 4 + 4 * stored
            self._values = tuple(data[base + a:base + b] for a, b in zip([0] + ends[:-1].tolist(), ends.tolist()))

    def read_value_bytes(self):
        """``(bytes, lengths)``: the block's values one after another, and the length of each
        (a numpy array), without a bytes object per value."""
        if self._data is None:
            self._read_data()
        data, count, fixed = self._data, self._blocklength, self._fixedsize
        start = 1 + 8 * count
        if type(data) is bytes and (fixed is None or fixed < 0):
            stored = _array(U32, data, start, 1)[0]
            if stored == count:
                ends = np.frombuffer(data, dtype="<u4", count=count, offset=start + 4).astype(np.int64)
                base = start + 4 + 4 * count
                lengths = ends.copy()
                lengths[1:] -= ends[:-1]
                return data[base:base + int(ends[-1])], lengths
        self._read_values()
        return joined_values(self._values)


def joined_values(values):
    """``(bytes, lengths)``: encoded values one after another (``None`` as empty), and the length
    of each (a numpy array)."""
    values = [value or b"" for value in values]
    return b"".join(values), np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _array(typecode, data, start, count):
    found = array(typecode, data[start:start + 4 * count])
    if sys.byteorder != "little":
        found.byteswap()
    return found


class Codec(W3Codec):
    """Whoosh's codec, with postings blocks of arrays (``RawBlockWriter``, ``RawBlockMatcher``;
    asked to compress, it writes Whoosh's compressed pickles instead: ``speedups.build.codec()`` does
    not) and a field writer that writes a ``TermPool`` a block at a time. Every segment's entry
    in the index's table of contents names this class (Whoosh pickles a segment with its
    codec): moving or renaming it needs a new ``schema.SCHEMA_VERSION``."""

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return RawBlockWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids, compression=self._compression,
                              inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return RawBlockMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
