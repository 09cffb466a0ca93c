import time

from django.core.management.base import BaseCommand

from articles.search import get_backend


class Command(BaseCommand):
    help = "Rebuild the search index from the database beside the live one, then swap it in."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = get_backend().rebuild()
        self.stdout.write(f"{count} translation(s) indexed in {time.perf_counter() - started:.1f} s")
