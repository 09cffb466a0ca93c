"""``manage.py kb_daily [--date YYYY-MM-DD] [--again]``: the daily run (``health.daily``), for cron."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ....notifications.daily import run_daily as notify_daily
from ...daily import run_daily


class Command(BaseCommand):
    help = ("Mark articles past their review date with a review task for their owner, remind the owners and "
            "send the day's notification digests (once a day, any server).")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run for (default: today).")
        parser.add_argument("--again", action="store_true", help="Run even if this day's run finished.")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD).") from None
        report = run_daily(day, again=options["again"])
        if not report.ran:
            self.stdout.write(f"{report.day}: already done ({report.marked} marked then).")
        else:
            self.stdout.write(f"{report.day}: {report.marked} articles marked for review, "
                              f"{report.dates_moved} review dates moved, {report.rows_made} rows made.")
        told = notify_daily(report.day)  # reminders and digests: idempotent on its own
        if told.digests or told.failed or options["verbosity"] > 1:
            self.stdout.write(f"{told.day}: {told.digests} digests sent ({told.notifications} notifications, "
                              f"{told.reminders} new review reminders), {told.failed} failed.")
