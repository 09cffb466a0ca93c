"""When the indexer's commits merge segments (Whoosh merge policies: ``writer.commit(mergetype=…)``).

Each journal commit writes a new segment of the few translations it names. Whoosh's default
policy (``MERGE_SMALL``) then rewrites every small segment on almost every commit: with an
editor saving every 0.3 s that was 85 ms of CPU per save and up to 1.9 s for some, on every
server. ``tiered`` is a logarithmic policy (Lucene's ``LogMergePolicy``): segments are grouped
in size classes ``TIER_WIDTH`` times apart, and a class is merged only once it holds
``TIER_WIDTH`` segments, so a document is rewritten about log(N) times in all and a commit
usually writes just its own documents. A segment more than half deleted (updates delete the old
copy) is rewritten whatever its size.

``compact`` is for idle moments (the indexer's housekeeping): it merges every segment smaller
than a tenth of the largest or than ``SMALL_DOCUMENTS``, so searches read few segments between
bursts of saves.
"""
import math

from whoosh.reading import SegmentReader

TIER_WIDTH = 8
MOSTLY_DELETED = 0.5
SMALL_SHARE = 0.1
SMALL_DOCUMENTS = 500  # always small enough to merge when idle


def tier(count):
    return int(math.log(max(count, 1), TIER_WIDTH))


def tiered(writer, segments):
    classes = {}
    for segment in segments:
        classes.setdefault(tier(segment.doc_count_all()), []).append(segment)
    merged = set()
    for members in classes.values():
        if len(members) >= TIER_WIDTH:
            merged.update(id(s) for s in members)
    for segment in segments:
        total = segment.doc_count_all()
        if total and (total - segment.doc_count()) / total > MOSTLY_DELETED:
            merged.add(id(segment))
    return _merge(writer, segments, merged)


def compact(writer, segments):
    small = _small(segments)
    return _merge(writer, segments, {id(s) for s in small} if len(small) > 1 else set())


def small_segments(segments):
    """How many segments ``compact`` would merge."""
    small = _small(segments)
    return len(small) if len(small) > 1 else 0


def _small(segments):
    if len(segments) < 2:
        return []
    limit = max(max(s.doc_count_all() for s in segments) * SMALL_SHARE, SMALL_DOCUMENTS)
    return [s for s in segments if s.doc_count_all() < limit]


def _merge(writer, segments, chosen):
    """Add the chosen segments' live documents to the segment being written; returns the rest."""
    kept = []
    for segment in segments:
        if id(segment) in chosen:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        else:
            kept.append(segment)
    return kept
