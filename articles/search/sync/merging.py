"""The merge policy: which segments a commit folds together, and when an index is worn enough
to be built afresh beside the live one.

Each journal commit writes a new segment of the few translations it names, so segments pile up
under a stream of saves, and each one costs every search and every later commit. Whoosh merges
segments by copying their postings term by term (``add_reader``), many times slower per document
than indexing it afresh from its database row, and its default policy (``MERGE_SMALL``) merges
on almost every commit, on every server, holding the writer (and every save behind it).

So segments are folded by re-indexing: the live documents of the chosen segments are written
again from the database in the commit, and the segments left with no live document are dropped
(the mechanics are the engine's: ``whoosh/writing.py``). The index stays what the database says
(a row newer than the journal position is written as it is now; its journal entry writes the
same again). The policy reads two counts of each segment, ``doc_count_all()`` (documents
written, deleted copies included) and ``doc_count()`` (live ones), as Whoosh's ``Segment``
gives them.

- ``to_fold(segments)``, at every commit: a logarithmic policy (Lucene's ``LogMergePolicy``).
  Segments are grouped in size classes ``TIER_WIDTH`` times apart and a class is folded once it
  holds ``TIER_WIDTH`` segments, so a document is rewritten about log(N) times in all. A segment
  more than half deleted (updates delete the old copy) is folded too. Only classes of fewer
  than ``TIER_WIDTH ** LARGEST_TIER_FOLDED`` (64) documents are folded in a commit: folding the
  next class (4 segments of 64–255 documents) under load holds the writer for seconds, and every
  save made meanwhile waits. Segments of that size are left to the fresh build below. A width of
  4 rather than 8 keeps at most 3 segments of each smaller class (7 with 8), and a fold rewrites
  at most 252 documents (504), each document 3 times rather than 2 on its way to 64
  (bench/wear.py, a commit per save every 0.3 s for a minute: 7 live segments, 9 with the
  width of 8 and the commits of then).
- ``worn(segments)``: folds never rewrite the large segments a build writes, so the old copies
  of the documents saved since stay in them, and every search still reads their postings. When
  deleted copies reach ``RENEW_DELETED`` of the documents, or segments ``RENEW_SEGMENTS``, the
  indexer builds a fresh index beside the live one and swaps it in (``Indexer._renew``): a search
  reads the postings of every deleted copy, and a worn index can take twice as long to search as
  a fresh build. It waits for a quiet moment, unless the index is ``overdue``
  (``RENEW_OVERDUE_SEGMENTS``: saves without a pause for hours).
- ``small(segments)``, for idle moments (the indexer's housekeeping): every segment under
  ``SMALL_DOCUMENTS`` documents, once there are ``SMALL_COUNT`` of them, so searches read few
  segments between bursts of saves. Only the lowest class is folded this way (larger folds
  would hold the writer, and delay saves, for seconds); what it makes outgrows the limit and is
  left to ``to_fold``.
"""
import math

TIER_WIDTH = 4
MOSTLY_DELETED = 0.5
SMALL_DOCUMENTS = TIER_WIDTH  # the lowest size class: folding it costs a fraction of a second
SMALL_COUNT = 4
LARGEST_TIER_FOLDED = 3  # classes of fewer than 4**3 documents: folding costs a fraction of a second
RENEW_DELETED = 0.10
RENEW_SEGMENTS = 20
RENEW_OVERDUE_SEGMENTS = 40


def tier(count):
    return int(math.log(max(count, 1), TIER_WIDTH))


def to_fold(segments):
    classes = {}
    for segment in segments:
        classes.setdefault(tier(segment.doc_count_all()), []).append(segment)
    chosen = []
    for level, members in classes.items():
        if level < LARGEST_TIER_FOLDED and len(members) >= TIER_WIDTH:
            chosen += members
    for segment in segments:
        total = segment.doc_count_all()
        if segment not in chosen and total and total <= TIER_WIDTH ** LARGEST_TIER_FOLDED \
                and (total - segment.doc_count()) / total > MOSTLY_DELETED:
            chosen.append(segment)
    return chosen


def worn(segments):
    """True when the index is due for a fresh build (see the module): too many deleted copies or
    too many segments."""
    total = sum(segment.doc_count_all() for segment in segments)
    deleted = total - sum(segment.doc_count() for segment in segments)
    return bool(total) and (deleted / total >= RENEW_DELETED or len(segments) >= RENEW_SEGMENTS)


def overdue(segments):
    """True when a fresh build should start even under load: segments went on piling up with no
    quiet moment to rebuild in."""
    return len(segments) >= RENEW_OVERDUE_SEGMENTS


def small(segments):
    found = [s for s in segments if s.doc_count_all() < SMALL_DOCUMENTS]
    return found if len(found) >= SMALL_COUNT else []
