"""Everything that knows the search engine is Whoosh: analysis, schema, documents, queries,
scoring, summaries and spelling over a searcher, the index's storage, build and backend.

``speedups/`` holds what reaches into Whoosh's internals; the rest uses its public API only.
"""
