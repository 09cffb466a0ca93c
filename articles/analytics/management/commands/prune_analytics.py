from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.analytics.reports import prune_searches


class Command(BaseCommand):
    help = "Deletes logged searches older than KB_ANALYTICS_RETENTION_DAYS (default 90) or --days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = settings.KB_ANALYTICS_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = prune_searches(days)
        self.stdout.write(f"Deleted {deleted} searches older than {days} days.")
