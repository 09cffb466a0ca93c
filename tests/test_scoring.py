"""The speed-ups' scorer must rank exactly as Whoosh's own search: same documents, same order,
same scores, over several segments and postings long enough to span many blocks."""
import random

from hypothesis import example, given, settings as hsettings, strategies as st
import pytest
from whoosh import query as Q
from whoosh.fields import ID, KEYWORD, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query.compound import DefaultOr, PreloadedOr

from articles.search.whoosh import speedups

if not speedups.enabled():
    pytest.skip("tests of the speed-ups themselves: they are off (KB_SEARCH_SPEEDUPS=0, or another Whoosh)",
                allow_module_level=True)

from articles.search.whoosh.schema import WeightedText  # noqa: E402
from articles.search.whoosh.speedups.build import codec  # noqa: E402
from articles.search.whoosh.speedups import scoring  # noqa: E402
from articles.search.whoosh.speedups.scoring import FieldLengths, Reads, top_documents  # noqa: E402

WORDS = [f"w{i}" for i in range(40)]
# Smaller than the index's blocks (``speedups.build.BLOCK_POSTINGS``): a few hundred documents
# make lists of several blocks, which a phrase's rarer words let the scorer skip.
SMALL_BLOCKS = 128


def three_segments(seed, repeated_word=False):
    """Three segments of 300 documents; the commonest words have postings in every document
    (several blocks of ``SMALL_BLOCKS`` postings per segment) and the rarest in a few (inlined
    postings)."""
    # The index's own text field (its positions are compared over whole arrays, not by Whoosh).
    schema = Schema(id=ID(stored=True), title=WeightedText(), body=WeightedText(), codes=KEYWORD(scorable=True))
    ix = RamStorage().create_index(schema)
    rng = random.Random(seed)
    for segment in range(3):
        writer = ix.writer(codec=codec(SMALL_BLOCKS))  # the index's own blocks of arrays
        for n in range(300):
            # Zipf-like: w0 everywhere, w39 in about one document in forty.
            body = [w for i, w in enumerate(WORDS) if rng.random() < 1 / (1 + i * 0.6)]
            if repeated_word and n % 10 == 0:
                body += ["w2", "w2", "w2"]  # a repeated word: a phrase may repeat one too
            writer.add_document(id=f"{segment}-{n}", title=" ".join(rng.sample(WORDS, 3)),
                                body=" ".join(body * rng.randint(1, 3)), codes=rng.choice(["c1", "c2", "c3"]))
        writer.commit(merge=False)
    return ix


@pytest.fixture(scope="module")
def index():
    ix = three_segments(7, repeated_word=True)
    assert len(ix.reader().leaf_readers()) == 3
    return ix


@pytest.fixture(scope="module")
def worn_index():
    """Three segments, then every seventh document deleted (as saves leave old copies):
    postings blocks hold deleted documents, which no ranking may return."""
    ix = three_segments(11)
    writer = ix.writer(codec=codec(SMALL_BLOCKS))
    for segment in range(3):
        for n in range(0, 300, 7):
            writer.delete_by_term("id", f"{segment}-{n}")
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert searcher.doc_count() < searcher.doc_count_all()
    return ix


def whoosh_ranking(searcher, query, limit, mask=None):
    return [(hit.docnum, hit.score) for hit in searcher.search(query, limit=limit, mask=mask)]


def same(ours, theirs):
    """Same scores in the same order, and the same documents above the last score. Documents
    that tie may come in another order: the scorer adds a document's clauses in another order
    than Whoosh's union tree, so tied sums can differ in their last bit."""
    assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-9)
    floor = theirs[-1][1] * (1 + 1e-9) if theirs else 0.0
    assert {d for d, s in ours if s > floor} == {d for d, s in theirs if s > floor}


def words_query(words, boosts=(("title", 2.0), ("body", 1.0))):
    return PreloadedOr([DefaultOr([Q.Term(field, w, boost=b) for field, b in boosts]) for w in words])


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["absent"]), min_size=1, max_size=8, unique=True),
       st.integers(min_value=1, max_value=400))
def test_sums_of_terms_rank_as_whoosh_does(index, words, limit):
    with index.searcher() as searcher:
        query = words_query(words)
        same(top_documents(searcher, query, limit, FieldLengths()), whoosh_ranking(searcher, query, limit))


def test_phrases_constant_scores_and_exclusions_rank_as_whoosh_does(index):
    with index.searcher() as searcher:
        query = Q.AndNot(
            PreloadedOr([
                words_query(["w3", "w17", "w30"]),
                Q.ConstantScoreQuery(Q.Term("codes", "c2"), score=5.0),
                Q.Or([Q.Phrase("body", ["w1", "w2"], boost=4.0)]),
            ]),
            Q.Term("body", "w25"))
        same(top_documents(searcher, query, 500, FieldLengths()), whoosh_ranking(searcher, query, 500))


@hsettings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS[:12] + ["w2", "w2", "absent"]), min_size=1, max_size=5),
                min_size=1, max_size=3),
       st.sampled_from(["title", "body"]))
@example([["w2", "w2"], ["w1", "w2", "w2"]], "body")
def test_phrases_rank_as_whoosh_does(index, phrases, field):
    """Phrases of common words (found in many documents, across blocks), repeated words and
    words found nowhere, alone or summed with terms."""
    with index.searcher() as searcher:
        query = Q.Or([Q.Phrase(field, words, boost=1.0 + n) for n, words in enumerate(phrases)]
                     + [Q.Term("body", "w7")])
        ours, theirs = top_documents(searcher, query, 900, FieldLengths()), whoosh_ranking(searcher, query, 900)
        same(ours, theirs)
        phrase_only = Q.Phrase(field, phrases[0])
        same(top_documents(searcher, phrase_only, 900, FieldLengths()), whoosh_ranking(searcher, phrase_only, 900))


def test_excluded_documents_are_left_out_as_a_whoosh_mask_would(index):
    with index.searcher() as searcher:
        query = words_query(["w5", "w9"])
        masked = set(searcher.docs_for_query(Q.Term("codes", "c1")))
        ours = top_documents(searcher, query, 900, FieldLengths(), exclude=masked)
        assert ours and not masked & {d for d, _ in ours}
        same(ours, whoosh_ranking(searcher, query, 900, mask=Q.Term("codes", "c1")))


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS[:12]), min_size=1, max_size=4), st.sampled_from(["title", "body"]))
def test_deleted_documents_are_never_ranked(worn_index, words, field):
    with worn_index.searcher() as searcher:
        live = set(searcher.reader().all_doc_ids())
        for query in [words_query(words), Q.Phrase(field, words), Q.Or([Q.Phrase(field, words), Q.Term("body", "w1")])]:
            ours = top_documents(searcher, query, 900, FieldLengths())
            assert {docnum for docnum, _ in ours} <= live
            same(ours, whoosh_ranking(searcher, query, 900))


@hsettings(max_examples=120, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS[:12] + ["w2", "w2"]), min_size=2, max_size=4),
                min_size=1, max_size=3),
       st.lists(st.sampled_from(WORDS[:20]), min_size=0, max_size=4, unique=True),
       st.sampled_from(["title", "body"]),
       st.integers(min_value=1, max_value=60))
@example([["w1", "w2"]], ["w1", "w2"], "body", 1)
@example([["w0", "w1"], ["w2", "w2"]], [], "body", 5)
def test_the_best_few_with_phrases_are_whoosh_s(index, phrases, words, field, limit):
    """The best few (not the whole ranking) with phrases, alone or summed with terms and
    constant scores, are Whoosh's: same documents, same scores."""
    with index.searcher() as searcher:
        query = Q.Or([Q.Phrase(field, phrase, boost=2.0 + n) for n, phrase in enumerate(phrases)]
                     + [Q.Term("body", w) for w in words]
                     + [Q.ConstantScoreQuery(Q.Term("codes", "c1"), score=0.5)])
        same(top_documents(searcher, query, limit, FieldLengths()), whoosh_ranking(searcher, query, limit))
        only = Q.Or([Q.Phrase(field, phrase) for phrase in phrases])
        same(top_documents(searcher, only, limit, FieldLengths()), whoosh_ranking(searcher, only, limit))



@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(WORDS[:12] + ["w2", "absent"]), min_size=1, max_size=4),
                          st.lists(st.sampled_from(WORDS[:20]), min_size=0, max_size=3, unique=True)),
                min_size=2, max_size=4),
       st.sampled_from(["title", "body"]), st.booleans(), st.booleans())
def test_queries_sharing_their_reads_rank_as_whoosh_does(index, worn_index, queries, field, worn, whole):
    """The queries of one search share what they read (``Reads``: a query's exact matches, then
    its ranking), a phrase's words read whole or not: each still ranks as Whoosh does, on an
    index with deletions too."""
    reads = Reads(whole)
    with (worn_index if worn else index).searcher() as searcher:
        for phrase, words in queries:
            query = Q.Or([Q.Phrase(field, phrase, boost=2.0)] + [Q.Term("body", w) for w in words])
            same(top_documents(searcher, query, 900, FieldLengths(), reads=reads), whoosh_ranking(searcher, query, 900))


def test_a_search_reads_a_posting_list_once_for_all_its_queries(index, monkeypatch):
    """What a query names exactly and its ranking share words and phrases: the second query
    matches the phrase again without reading its positions (only its words' whole lists, which
    the phrase read in part, are read for their terms)."""
    decoded = []
    original = scoring._posting_blocks

    def counting(matcher, values=False, wanted=None):
        decoded.append(wanted is None)
        return original(matcher, values, wanted)

    monkeypatch.setattr(scoring, "_posting_blocks", counting)
    exact = Q.Or([Q.Phrase("body", ["w1", "w2", "w3"]), Q.Term("codes", "c1")])
    ranking = Q.Or([Q.Phrase("body", ["w1", "w2", "w3"], boost=3.0)] + [Q.Term("body", w) for w in ("w1", "w2", "w3")])
    with index.searcher() as searcher:
        reads = Reads()
        top_documents(searcher, exact, 300, FieldLengths(), reads=reads)
        first = len(decoded)
        assert first
        ours = top_documents(searcher, ranking, 300, FieldLengths(), reads=reads)
        shared = decoded[first:]
        assert all(shared)  # whole lists for the terms; the phrase's were kept
        same(ours, whoosh_ranking(searcher, ranking, 300))
        decoded.clear()
        top_documents(searcher, ranking, 300, FieldLengths())  # alone, it reads more
        assert len(decoded) > len(shared)
        # Read whole, the phrase's words are its terms' lists too: the ranking reads nothing more.
        reads = Reads(whole=True)
        top_documents(searcher, exact, 300, FieldLengths(), reads=reads)
        decoded.clear()
        same(top_documents(searcher, ranking, 300, FieldLengths(), reads=reads), whoosh_ranking(searcher, ranking, 300))
        assert decoded == []


def test_a_phrase_both_queries_of_a_search_hold_is_matched_once(index, monkeypatch):
    """Where its words follow each other is worked out once per segment, and both queries
    still find and score it as Whoosh does."""
    matched = []
    original = scoring._phrase_matches

    def counting(reader, field, texts, reads):
        matched.append(tuple(texts))
        return original(reader, field, texts, reads)

    monkeypatch.setattr(scoring, "_phrase_matches", counting)
    exact = Q.Or([Q.Phrase("body", ["w2", "w1"]), Q.Term("codes", "c1")])
    ranking = Q.Or([Q.Phrase("body", ["w2", "w1"], boost=2.0), Q.Phrase("body", ["w1", "w2"])])
    with index.searcher() as searcher:
        segments = len(searcher.leaf_searchers())
        reads = Reads(whole=True)
        exact_found = top_documents(searcher, exact, 300, FieldLengths(), reads=reads)
        ranked = top_documents(searcher, ranking, 300, FieldLengths(), reads=reads)
        assert sorted(matched) == sorted([(b"w2", b"w1")] * segments + [(b"w1", b"w2")] * segments)
        same(exact_found, whoosh_ranking(searcher, exact, 300))
        same(ranked, whoosh_ranking(searcher, ranking, 300))
