"""Scoring a query: ``top_documents(searcher, query, limit, lengths=None, exclude=())`` returns
the ``limit`` best ``[(docnum, score)]``, best first (ties: the lower document number), leaving
out the documents ``exclude`` names (an iterable or a numpy array of document numbers) and
those the query's ``AndNot`` excludes.

It is ``searcher.search(query, limit=limit, mask=exclude)``: with the speed-ups on, the same
ranking worked out over whole posting blocks (``speedups.scoring``, which reads field lengths
through ``lengths``, a ``Summaries.lengths``); with them off, Whoosh's own search, ``lengths``
unused.
"""
import numpy as np

from . import speedups


def top_documents(searcher, query, limit, lengths=None, exclude=()):
    if speedups.enabled():
        from .speedups.scoring import FieldLengths, top_documents as over_blocks

        return over_blocks(searcher, query, limit, FieldLengths() if lengths is None else lengths, exclude)
    if limit <= 0:
        return []
    excluded = np.asarray(exclude if isinstance(exclude, np.ndarray) else list(exclude), dtype=np.int64)
    results = searcher.search(query, limit=limit, mask=set(excluded.tolist()) if len(excluded) else None)
    return [(results.docnum(n), results.score(n)) for n in range(results.scored_length())]
