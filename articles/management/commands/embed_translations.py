import os

from django.core.management.base import BaseCommand, CommandError

from articles.search.semantic.compute import BATCH, catch_up
from articles.search.semantic.model import SemanticUnavailable, use_threads
from articles.search.semantic.upkeep import lower_priority


class Command(BaseCommand):
    help = ("Embed every translation whose semantic-search embedding is missing or stale "
            "(each server's run_indexer does it in the background).")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="stop after about this many texts")
        parser.add_argument("--batch", type=int, default=BATCH, help="texts per call to the model")
        parser.add_argument("--recheck", action="store_true",
                            help="hash every translation's text again, not only those saved since")
        parser.add_argument("--nice", type=int, default=0, help="lower this process's CPU priority by N")
        parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="texts embedded at once, one a core")

    def handle(self, *args, limit, batch, recheck, nice, threads, **options):
        if nice:
            lower_priority(nice)
        use_threads(threads)
        try:
            report = catch_up(limit=limit, batch=batch, recheck=recheck)
        except SemanticUnavailable as error:
            raise CommandError(str(error)) from error
        more = "; more are due" if report.remaining else ""
        self.stdout.write(f"{report.embedded} translations embedded, {report.unchanged} unchanged{more}")
