"""Speed-ups that reach into Whoosh's internals: the only modules that use a private Whoosh
name or change a Whoosh object's behaviour.

- ``postings``: a codec whose posting blocks hold arrays, and a build's pool that writes each
  term's postings a block at a time;
- ``scoring``: a query's terms and phrases scored over whole posting blocks with numpy;
- ``termcache``: each segment's term lookups remembered;
- ``refresh``: a searcher refreshed with the readers of unchanged segments kept;
- ``build``: the build's children make the documents from rows and write through the pool.

``enabled()`` is the contract every caller goes by: true when ``settings.KB_SEARCH_SPEEDUPS``
is (the environment's ``KB_SEARCH_SPEEDUPS=0`` turns it off) and the installed Whoosh is the
release these modules were written against (``WRITTEN_FOR``); any other release turns them off,
with one warning in the log. While they are off, none of the modules above is imported and
search runs on Whoosh's public API only (``articles.search.whoosh``). The two kinds of index
differ (this codec, or Whoosh's own): each carries its own schema version, so an index of the
other kind is rebuilt rather than opened.
"""
import logging

logger = logging.getLogger(__name__)
WRITTEN_FOR = "2.7.4"  # whoosh.versionstring() of the release these modules read the internals of
_release_matches = None  # None until checked (once per process)


def enabled():
    """Whether search uses the speed-ups now (read at every call: tests change the setting)."""
    from django.conf import settings

    return bool(getattr(settings, "KB_SEARCH_SPEEDUPS", True)) and release_matches()


def release_matches():
    """Whether the installed Whoosh is ``WRITTEN_FOR``; the first ``False`` is logged."""
    global _release_matches
    if _release_matches is None:
        import whoosh

        installed = whoosh.versionstring()
        _release_matches = installed == WRITTEN_FOR
        if not _release_matches:
            logger.warning("search speed-ups are off: they were written for Whoosh %s and Whoosh %s is installed; "
                           "search uses Whoosh's public API only", WRITTEN_FOR, installed)
    return _release_matches
