import signal

from django.core.management.base import BaseCommand

from articles.search.sync.indexer import Indexer

from ._progress import build_progress


class Command(BaseCommand):
    help = ("Keep this server's search index in step with the database: build it when missing or "
            "unreadable, apply the index journal as it grows, tidy old files, prune the journal.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="catch up once and exit")
        parser.add_argument("--poll", type=float, default=0.1, help="seconds between journal checks")
        parser.add_argument("--related", action="store_true",
                            help="with --once: also work out every missing or outdated related-articles list "
                                 "(the running indexer does it in idle moments)")

    def handle(self, *args, once, poll, related, verbosity, **options):
        indexer = Indexer(poll=poll)
        if once:
            with build_progress(self.stderr, enabled=verbosity > 0):  # when the index is built
                applied = indexer.run_once(housekeeping=True)
            self.stdout.write(f"{applied} journal entries applied; position {indexer.backend.position()}")
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
