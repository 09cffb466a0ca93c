import signal

from django.core.management.base import BaseCommand

from articles.search.indexer import Indexer


class Command(BaseCommand):
    help = ("Keep this server's search index in step with the database: build it when missing or "
            "unreadable, apply the index journal as it grows, tidy old files, prune the journal.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="catch up once and exit")
        parser.add_argument("--poll", type=float, default=0.1, help="seconds between journal checks")

    def handle(self, *args, once, poll, **options):
        indexer = Indexer(poll=poll)
        if once:
            applied = indexer.run_once(housekeeping=True)
            self.stdout.write(f"{applied} journal entries applied; position {indexer.backend.position()}")
            return
        signal.signal(signal.SIGTERM, lambda *_: indexer.stop())
        signal.signal(signal.SIGINT, lambda *_: indexer.stop())
        indexer.run_forever()
