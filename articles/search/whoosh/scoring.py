"""Scoring a query: ``top_documents(searcher, query, limit, lengths=None, exclude=(), reads=None)``
returns the ``limit`` best ``[(docnum, score)]``, best first (ties: the lower document number),
leaving out the documents ``exclude`` names (an iterable or a numpy array of document numbers)
and those the query's ``AndNot`` excludes. ``reads`` (from ``shared_reads()``, None while the
speed-ups are off) lets the queries of one search over one searcher decode each posting list once.

It is ``searcher.search(query, limit=limit, mask=exclude)``: with the speed-ups on, the same
ranking worked out over whole posting blocks (``speedups.scoring``, which reads field lengths
through ``lengths``, a ``Summaries.lengths``); with them off, Whoosh's own search, ``lengths``
unused.
"""
import numpy as np

from . import speedups


def shared_reads(whole=False):
    """What the queries of one search over one searcher share (``top_documents``' ``reads``);
    ``whole``: see ``speedups.scoring.Reads``."""
    if speedups.enabled():
        from .speedups.scoring import Reads

        return Reads(whole)
    return None


def top_documents(searcher, query, limit, lengths=None, exclude=(), reads=None):
    if speedups.enabled():
        from .speedups.scoring import FieldLengths, top_documents as over_blocks

        return over_blocks(searcher, query, limit, FieldLengths() if lengths is None else lengths, exclude, reads)
    if limit <= 0:
        return []
    excluded = np.asarray(exclude if isinstance(exclude, np.ndarray) else list(exclude), dtype=np.int64)
    results = searcher.search(query, limit=limit, mask=set(excluded.tolist()) if len(excluded) else None)
    return [(results.docnum(n), results.score(n)) for n in range(results.scored_length())]
