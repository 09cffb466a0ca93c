import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Embed this server's queries for its web workers, in the foreground (run_indexer runs this "
            "process itself unless given --no-query-embeddings): for a unit of its own under a service manager.")

    def handle(self, *args, **options):
        from articles.search.semantic import _setting, served

        if not _setting():
            raise CommandError("semantic search is off (KB_SEMANTIC)")
        if not served.supported():
            raise CommandError("the embedding process needs Linux (abstract Unix sockets); each worker embeds by itself")
        status = served.main([served.address(settings.KB_INDEX_DIR).lstrip("\0"), "0"])
        if status == served.EXIT_UNAVAILABLE:
            raise CommandError("the model cannot run here (see the warning above)")
        if status == served.EXIT_TAKEN:
            raise CommandError("another process embeds this server's queries already (see the warning above)")
        sys.exit(status)
