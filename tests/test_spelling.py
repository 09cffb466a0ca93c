""""Did you mean" candidates: ``spelling._suggestions`` must give exactly the list Whoosh's own
corrector gives (it only finds it faster), on an index of several segments."""
import random

from hypothesis import example, given, settings as hsettings, strategies as st
import pytest
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from articles.search.whoosh.schema import SPELLING
from articles.search.whoosh.spelling import PREFIX, _suggestions

# Few letters, so words come close to each other; "á" and "ä" share a bit with "a" and "$"
# in the letter sets the filter compares.
LETTERS = "abdeorstuáä"


def _word(rng):
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 10)))


@pytest.fixture(scope="module")
def lexicon():
    """Three segments of words sharing prefixes, at frequencies from 1 to 5 per segment."""
    rng = random.Random(5)
    words = sorted({_word(rng) for _ in range(900)})
    ix = RamStorage().create_index(Schema(**{SPELLING: TEXT}))
    for _ in range(3):
        writer = ix.writer()
        for word in rng.sample(words, 500):
            for _ in range(rng.randint(1, 5)):
                writer.add_document(**{SPELLING: word})
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
    return ix, words


def _typo(rng, word):
    i = rng.randrange(len(word))
    return rng.choice([
        word[:i] + word[i + 1:],  # a letter dropped
        word[:i] + rng.choice(LETTERS) + word[i:],  # one added
        word[:i] + rng.choice(LETTERS) + word[i + 1:],  # one changed
        word[:i] + word[i + 1:i + 2] + word[i:i + 1] + word[i + 2:],  # two swapped
    ])


@hsettings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 10**6), typos=st.integers(0, 2), maxdist=st.sampled_from([1, 2]),
       made_up=st.text(alphabet=LETTERS + "$", min_size=0, max_size=12))
@example(seed=1, typos=0, maxdist=1, made_up="")
def test_candidates_are_whoosh_correctors_list(lexicon, seed, typos, maxdist, made_up):
    ix, words = lexicon
    rng = random.Random(seed)
    word = rng.choice(words)
    for _ in range(typos):
        word = _typo(rng, word) or word
    with ix.searcher() as searcher:
        corrector = searcher.corrector(SPELLING)
        for typed in (word, made_up):
            expected = corrector.suggest(typed, limit=8, maxdist=maxdist, prefix=PREFIX)
            assert _suggestions(searcher, typed, maxdist) == expected


def test_a_word_two_edits_away_is_found_past_the_filters(lexicon):
    ix, _ = lexicon
    with ix.searcher() as searcher:
        writer = ix.writer()
        writer.add_document(**{SPELLING: "zebrastone"})
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        # a swap (no letter missing on either side) and a changed letter (one missing each side)
        assert _suggestions(searcher, "zebrsatone", 1) == ["zebrastone"]
        assert _suggestions(searcher, "zebrastune", 1) == ["zebrastone"]
        assert _suggestions(searcher, "zebrsatune", 2) == ["zebrastone"]
        assert _suggestions(searcher, "zebrsatune", 1) == []


def test_near_words_are_measured_once_per_segment_and_a_new_segment_brings_its_own(monkeypatch):
    from articles.search.whoosh import spelling
    from articles.search.whoosh.searchers import refreshed

    ix = RamStorage().create_index(Schema(**{SPELLING: TEXT}))
    for words in (["ledger", "legend", "ledgers"], ["leader", "lender"]):
        writer = ix.writer()
        for word in words:
            writer.add_document(**{SPELLING: word})
        writer.commit(merge=False)
    measured = []
    original = spelling.distance
    monkeypatch.setattr(spelling, "distance", lambda *a, **k: measured.append(a) or original(*a, **k))
    searcher = ix.searcher()
    first = _suggestions(searcher, "ledgre", 2)
    count = len(measured)
    assert count and _suggestions(searcher, "ledgre", 2) == first and len(measured) == count
    assert first == searcher.corrector(SPELLING).suggest("ledgre", limit=8, maxdist=2, prefix=PREFIX)
    writer = ix.writer()
    writer.add_document(**{SPELLING: "ledgre"[:-2] + "er"})  # "ledger" once more, in a third segment
    writer.add_document(**{SPELLING: "ledgrs"})
    writer.commit(merge=False)
    fresh = refreshed(searcher, ix)  # as a worker does (with the speed-ups, the unchanged segments' readers are kept)
    count = len(measured)
    assert "ledgrs" in _suggestions(fresh, "ledgre", 2)
    assert 0 < len(measured) - count <= 2  # only the new segment's words were measured
    assert _suggestions(fresh, "ledgre", 2) == fresh.corrector(SPELLING).suggest("ledgre", limit=8, maxdist=2,
                                                                                   prefix=PREFIX)
    fresh.close()
