"""The daily run (``manage.py kb_daily``): every article has its row, every review date
follows the intervals as they are now (a save may have changed an article's products), and
each published article past its review date has a review task for its owner.

    run_daily(day=None, again=False) -> DailyReport

Idempotent and safe on several servers at once: the day's ``DailyRun`` row is made by the
first server and locked for the run's transaction; another server starting the same day waits
for it and then finds the day done (``ran`` False) unless ``again``. Marking itself never
doubles a task: an article has at most one active review task (a unique constraint), so even
``again`` on two servers at once marks each article once.
"""
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from ..editing.health import refresh_due_dates
from ..models import Article
from .models import ArticleHealth, DailyRun, Task


@dataclass
class DailyReport:
    day: date
    ran: bool  # False: another run had finished this day's work
    rows_made: int = 0
    dates_moved: int = 0
    marked: int = 0  # review tasks opened


def run_daily(day=None, again=False):
    day = day or timezone.localdate()
    with transaction.atomic():
        run = DailyRun.objects.get_or_create(day=day, defaults={"started_at": timezone.now()})[0]
        run = DailyRun.objects.select_for_update().get(pk=run.pk)  # a second server waits here
        if run.finished_at is not None and not again:
            return DailyReport(day, False, run.rows_made, run.dates_moved, run.marked)
        report = DailyReport(day, True, rows_made=_make_missing_rows(), dates_moved=refresh_due_dates(),
                             marked=_mark_due(day))
        run.finished_at = timezone.now()
        run.rows_made, run.dates_moved, run.marked = report.rows_made, report.dates_moved, report.marked
        run.save()
    return report


def _make_missing_rows():
    missing = list(Article.objects.filter(health__isnull=True).values_list("pk", flat=True))
    ArticleHealth.objects.bulk_create([ArticleHealth(article_id=pk) for pk in missing], batch_size=500,
                                      ignore_conflicts=True)
    return len(missing)


def _mark_due(day):
    """A review task for each published article due by ``day`` that has none open."""
    active = Task.objects.filter(kind=Task.Kind.REVIEW, state__in=Task.ACTIVE)
    due = (ArticleHealth.objects.filter(article__status=Article.Status.VALIDATED, review_due__lte=day)
           .exclude(article_id__in=active.values("article_id")).values_list("article_id", flat=True))
    before, now = active.count(), timezone.now()
    Task.objects.bulk_create([Task(article_id=pk, kind=Task.Kind.REVIEW, opened_at=now) for pk in due],
                             batch_size=500, ignore_conflicts=True)
    return active.count() - before
