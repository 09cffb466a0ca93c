"""Postings as the index writes them (``articles.search.whoosh.speedups.postings``):

- blocks of arrays are read back as the very postings Whoosh's own blocks hold, through
  Whoosh's matcher interface and through the scorer's block reader;
- a fresh build gathers postings term by term (``TermPool``) and writes them a block at a time:
  the segment must be the one Whoosh's own pool makes, byte for byte, whether the pool kept
  every term in memory or spilled them to several runs."""
import random

import numpy as np

from hypothesis import given, settings as hsettings, strategies as st
import pytest
from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from articles.search.whoosh import speedups

if not speedups.enabled():
    pytest.skip("tests of the speed-ups themselves: they are off (KB_SEARCH_SPEEDUPS=0, or another Whoosh)",
                allow_module_level=True)

from articles.search.whoosh.schema import Part, WeightedText  # noqa: E402
from articles.search.whoosh.speedups.build import BLOCK_POSTINGS, codec  # noqa: E402
from articles.search.whoosh.speedups.postings import RAW, Codec, TermPool, add_document  # noqa: E402
from articles.search.whoosh.speedups.scoring import _posting_blocks  # noqa: E402

WORDS = [f"w{i}" for i in range(60)] + ["été", "東京", "서울"]


def schema():
    return Schema(id=ID(stored=True), text=WeightedText(), spelling=TEXT(phrase=False),
                  codes=KEYWORD(scorable=True), title=STORED)


def documents(seed, count):
    """Zipf-like words: the commonest in every document (postings over several blocks of a
    hundred or so), the rarest in a few; weighted parts, repeated words, empty fields."""
    rng = random.Random(seed)
    for n in range(count):
        words = [w for i, w in enumerate(WORDS) if rng.random() < 1 / (1 + i * 0.4)] * rng.randint(1, 3)
        rng.shuffle(words)
        yield {"id": str(n), "title": f"t{n}",
               "text": [Part(" ".join(words[:3]), 3.0), Part(" ".join(words), 1.0),
                        Part(" ".join(words[-2:]), 1.0, counted=False)],
               "spelling": " ".join(rng.sample(WORDS, 4)) if n % 5 else "",
               "codes": rng.choice(["c1 c2", "c3", ""])}


def segment_files(folder, docs, pool_mb=None, runs=None, block=100):
    """The bytes of each file of the one segment written for ``docs``, by the end of its name:
    Whoosh's pool and ``add_document`` when ``pool_mb`` is None, else a ``TermPool`` of that
    limit (its runs in the folder ``runs``, else Whoosh's temporary one) and the build's
    ``add_document``. Blocks of ``block`` postings: smaller than the index's, so that a few
    hundred documents make lists of several blocks."""
    folder.mkdir()
    ix = index.create_in(str(folder), schema())
    writer = ix.writer(codec=codec(block), compound=False)
    if pool_mb is not None:
        writer.pool = TermPool(FileStorage(str(runs)).create() if runs else writer.temp_storage(), pool_mb)
    for doc in docs:
        if pool_mb is None:
            writer.add_document(**doc)
        else:
            add_document(writer, doc)
    writer.commit()
    (segment,) = index.open_dir(str(folder))._read_toc().segments
    prefix = segment.make_filename("")
    return {name[len(prefix):]: ix.storage.open_file(name).read() for name in ix.storage.list()
            if name.startswith(prefix)}


# Every term held; spilled to 160 runs (joined MAX_OPEN_RUNS at a time first); to 1,251 runs.
@pytest.mark.parametrize("block", [100, BLOCK_POSTINGS])
@pytest.mark.parametrize("pool_mb", [64, 0.02, 0.002])
def test_a_term_pool_writes_the_segment_whoosh_writes(tmp_path, pool_mb, block):
    docs = list(documents(3, 700))
    whoosh_files = segment_files(tmp_path / "whoosh", docs, block=block)
    pool_files = segment_files(tmp_path / "pool", docs, pool_mb, runs=tmp_path / "runs", block=block)
    assert set(whoosh_files) >= {".pst", ".trm", "._text_len.col", "._stored.col"}
    assert pool_files == whoosh_files
    assert list((tmp_path / "runs").iterdir()) == []  # runs are removed once read


def test_a_term_pool_never_opens_more_than_a_few_runs_at_once(tmp_path, monkeypatch):
    import builtins

    from articles.search.whoosh.speedups import postings

    opened, most = set(), [0]
    real_open = builtins.open

    def counting_open(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        if str(path).endswith(".terms") and "r" in (args[0] if args else kwargs.get("mode", "r")):
            opened.add(handle)
            most[0] = max(most[0], len([h for h in opened if not h.closed]))
        return handle

    monkeypatch.setattr(builtins, "open", counting_open)
    pool = TermPool(FileStorage(str(tmp_path)).create(), 0)  # a run after every document
    for docnum in range(200):
        pool.add_field("text", docnum, [(b"common", 1, 1.0, b""), (b"w%d" % (docnum % 7), 1, 2.0, b"v")])
    terms = dict(pool.terms())
    assert len(terms) == 8 and list(terms[("text", b"common")][0]) == list(range(200))
    assert list(terms[("text", b"w3")][0]) == list(range(3, 200, 7))
    assert 0 < most[0] <= postings.MAX_OPEN_RUNS
    assert list(tmp_path.iterdir()) == []


def test_a_term_pool_gives_its_postings_in_order_to_any_reader(tmp_path):
    pool = TermPool(FileStorage(str(tmp_path)).create(), 0.0001)
    pool.add(("text", b"b", 0, 1.0, b"x"))
    pool.add(("codes", b"c", 0, 2.0, None))
    pool.add(("text", b"a", 1, 1.5, b"y"))
    pool.add(("text", b"b", 2, 1.0, b"z"))
    assert list(pool.iter_postings()) == [("codes", b"c", 0, 2.0, b""), ("text", b"a", 1, 1.5, b"y"),
                                          ("text", b"b", 0, 1.0, b"x"), ("text", b"b", 2, 1.0, b"z")]


@hsettings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 300), pool_kb=st.integers(1, 64))
def test_any_documents_and_limit_give_whoosh_s_segment(tmp_path_factory, seed, count, pool_kb):
    folder = tmp_path_factory.mktemp("pool")
    docs = list(documents(seed, count))
    assert segment_files(folder / "pool", docs, pool_kb / 1024) == segment_files(folder / "whoosh", docs)


def test_documents_out_of_order_are_refused(tmp_path):
    pool = TermPool(None, 1)
    pool.add(("text", b"a", 5, 1.0, b""))
    with pytest.raises(ValueError, match="document 4 after one of document 5"):
        pool.add(("text", b"b", 4, 1.0, b""))
    with pytest.raises(ValueError, match="document 3 after one of document 5"):
        pool.add_field("text", 3, [(b"c", 1, 1.0, b"")])


def test_a_separate_spelling_field_is_refused_clearly(tmp_path):
    from whoosh.analysis import StemmingAnalyzer

    ix = index.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT(spelling=True, analyzer=StemmingAnalyzer())))
    writer = ix.writer(codec=codec())
    writer.pool = TermPool(writer.temp_storage(), 1)
    with pytest.raises(ValueError, match="separate spelling field"):
        add_document(writer, {"id": "1", "body": "running words"})
    writer.cancel()


def every_posting(folder, docs, made):
    """``{(field, term): [(docnum, weight, value)]}`` of an index of ``docs`` written with the
    codec ``made`` in two segments (the first has a deletion), read through Whoosh's matchers
    and, separately, the scorer's block reader (which must agree)."""
    folder.mkdir()
    ix = index.create_in(str(folder), schema())
    for part in (docs[:len(docs) // 2], docs[len(docs) // 2:]):
        writer = ix.writer(codec=made)
        for doc in part:
            writer.add_document(**doc)
        writer.commit(merge=False)
    writer = ix.writer(codec=made)
    writer.delete_by_term("id", "1")
    writer.commit(merge=False)
    found = {}
    with ix.reader() as reader:
        for segment_reader, base in reader.leaf_readers():
            for field, text in segment_reader.all_terms():
                if field in ("text", "spelling", "codes"):
                    matcher = segment_reader.postings(field, text)
                    postings = []
                    while matcher.is_active():
                        postings.append((matcher.id() + base, matcher.weight(), matcher.value()))
                        matcher.next()
                    blocks = []
                    for ids, weights, blob, lengths in _posting_blocks(segment_reader.postings(field, text),
                                                                       values=True):
                        ends = np.cumsum(lengths).tolist()
                        blocks += [(docnum + base, weight, blob[end - length:end]) for docnum, weight, end, length
                                   in zip(ids.tolist(), weights.tolist(), ends, lengths.tolist())]
                    assert blocks == postings
                    found.setdefault((field, text), []).extend(postings)
    return found


@pytest.mark.parametrize("block", [128, BLOCK_POSTINGS])
def test_blocks_of_arrays_hold_what_whoosh_s_blocks_hold(tmp_path, block):
    docs = list(documents(5, 900))
    ours = every_posting(tmp_path / "ours", docs, codec(block))
    assert ours == every_posting(tmp_path / "whoosh", docs, W3Codec())
    # Our matcher also reads Whoosh's own pickled, compressed blocks (a codec asked to compress).
    assert ours == every_posting(tmp_path / "compressed", docs, Codec(compression=3))
    assert len(ours[("text", b"w0")]) > 3 * 128  # several of Whoosh's blocks
    with index.open_dir(str(tmp_path / "ours")).reader() as reader:
        for segment_reader, _ in reader.leaf_readers():
            matcher = segment_reader.postings("text", b"w0")
            matcher = getattr(matcher, "child", matcher)  # a segment with deletions filters its postings
            matcher._read_ids()
            assert matcher._data[:1] == RAW  # arrays, not Whoosh's pickle
            assert len(matcher._ids) == min(block, matcher.block_max_id() + 1)  # blocks of the size asked


def block_statistics(folder, docs, made):
    """Every term's ``TermInfo`` statistics and every block's header (count, last id, maximum
    weight, length bytes) in a one-segment index of ``docs`` written with ``made``."""
    folder.mkdir()
    ix = index.create_in(str(folder), schema())
    writer = ix.writer(codec=made)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    found = {}
    with ix.reader() as reader:
        for field, text in reader.all_terms():
            info = reader.term_info(field, text)
            matcher = reader.postings(field, text)
            blocks = []
            while matcher.is_active():
                blocks.append((matcher._blocklength, matcher._maxid, matcher._maxweight, matcher._minlength,
                               matcher._maxlength))
                if getattr(matcher, "_lastblock", True):
                    break
                matcher._next_block()
            found[(field, text)] = (info.weight(), info.doc_frequency(), info.max_weight(), info.min_id(),
                                    info.max_id(), info.min_length(), info.max_length(), blocks)
    return found


@pytest.mark.parametrize("block", [128, BLOCK_POSTINGS])
def test_blocks_of_arrays_keep_whoosh_s_statistics(tmp_path, block):
    docs = list(documents(8, 600))
    plain = W3Codec(blocklimit=block, compression=0)
    plain.length_stats = False
    assert block_statistics(tmp_path / "ours", docs, codec(block)) == block_statistics(tmp_path / "whoosh", docs, plain)
