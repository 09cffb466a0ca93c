import os
import signal

from django.core.management.base import BaseCommand

from articles.search.sync.indexer import Indexer

from ._progress import build_progress


def embed_everything():
    """Semantic search's embeddings made current (``--once`` returns when they are); the line to print."""
    from articles.search.semantic import _setting
    from articles.search.semantic.compute import catch_up
    from articles.search.semantic.model import SemanticUnavailable, use_threads

    use_threads(os.cpu_count() or 1)  # this process answers no query
    if not _setting():
        return "semantic search is off (KB_SEMANTIC)"
    try:
        report = catch_up(wait=True)  # also for the batches another server's indexer is embedding
    except SemanticUnavailable as error:
        return f"semantic search is off: {error}"
    waited = f"; waited {report.waited:.0f} s for another server's batches" if report.waited else ""
    return f"{report.embedded} translations embedded, {report.unchanged} unchanged{waited}"


class Command(BaseCommand):
    help = ("Keep this server's search index in step with the database: build it when missing or "
            "unreadable, apply the index journal as it grows, tidy old files, prune the journal.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="catch up once (the index and semantic search's embeddings) and exit")
        parser.add_argument("--poll", type=float, default=0.1, help="seconds between journal checks")
        parser.add_argument("--no-query-embeddings", action="store_true",
                            help="do not run the process that embeds this server's queries for its web workers "
                                 "(run manage.py serve_query_embeddings in a unit of its own instead)")
        parser.add_argument("--related", action="store_true",
                            help="with --once: also work out every missing or outdated related-articles list "
                                 "(the running indexer does it in idle moments)")

    def handle(self, *args, once, poll, related, no_query_embeddings, verbosity, **options):
        indexer = Indexer(poll=poll, query_embeddings=not no_query_embeddings)
        if once:
            with build_progress(self.stderr, enabled=verbosity > 0):  # when the index is built
                applied = indexer.run_once(housekeeping=True)
            self.stdout.write(f"{applied} journal entries applied; position {indexer.backend.position()}")
            self.stdout.write(embed_everything())
            if related:
                from articles.search.related import refresh

                total = 0
                while done := refresh(budget=5.0, batch=500):
                    total += done
                self.stdout.write(f"{total} related-articles lists worked out")
            return
        signal.signal(signal.SIGTERM, lambda *_: indexer.stop())
        signal.signal(signal.SIGINT, lambda *_: indexer.stop())
        indexer.run_forever()
