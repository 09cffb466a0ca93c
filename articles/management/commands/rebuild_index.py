import time

from django.core.management.base import BaseCommand

from articles.search import sync

from ._progress import build_progress


class Command(BaseCommand):
    help = "Rebuild the search index from the database beside the live one, then swap it in."

    def add_arguments(self, parser):
        parser.add_argument("--no-catch-up", action="store_true",
                            help="swap the new index in without applying the journal entries written meanwhile "
                                 "(for the running indexer, which applies them)")

    def handle(self, *args, **options):
        started = time.perf_counter()
        with build_progress(self.stderr, enabled=options["verbosity"] > 0):
            count = sync.rebuild(catch_up=not options["no_catch_up"])
        self.stdout.write(f"{count} translation(s) indexed in {time.perf_counter() - started:.1f} s")
