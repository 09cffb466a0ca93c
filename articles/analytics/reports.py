"""The figures editors read from the search log, per language and period.

    search_report(days, language=None, limit=20) -> SearchReport

Queries are grouped by ``SearchEvent.query_key`` (casefolded, spaces collapsed), so "Ledger
export" and " ledger  EXPORT" are one row; a row shows one of the spellings readers typed.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import SearchEvent

DEFAULT_DAYS = 30
MAX_DAYS = 3650


@dataclass
class QueryCount:
    query: str
    count: int

    def as_dict(self):
        return {"query": self.query, "count": self.count}


@dataclass
class SearchReport:
    days: int
    language: str | None
    searches: int = 0
    clicks: int = 0
    top: list = field(default_factory=list)  # [QueryCount], most searched first
    no_results: list = field(default_factory=list)  # searches that found nothing
    no_clicks: list = field(default_factory=list)  # found something, yet no search of it opened a result

    @property
    def click_rate(self):
        """The share of searches that ended in a click, 0 to 1 (0 without searches)."""
        return round(self.clicks / self.searches, 3) if self.searches else 0.0

    def as_dict(self):
        return {"days": self.days, "language": self.language, "searches": self.searches,
                "click_rate": self.click_rate, "top": [row.as_dict() for row in self.top],
                "no_results": [row.as_dict() for row in self.no_results],
                "no_clicks": [row.as_dict() for row in self.no_clicks]}


def searches_in(days, language=None):
    """The logged searches of the last ``days`` days, in ``language`` when given."""
    events = SearchEvent.objects.filter(searched_at__gte=timezone.now() - timedelta(days=days))
    return events.filter(language=language) if language else events


def _grouped(events, limit, **having):
    rows = (events.values("query_key").annotate(count=Count("id"), shown=Min("query"),
                                                  opened=Count("opened_rank"), found=Min("results"))
            .filter(**having).order_by("-count", "query_key")[:limit])
    return [QueryCount(" ".join(row["shown"].split()), row["count"]) for row in rows]


def search_report(days=DEFAULT_DAYS, language=None, limit=20):
    events = searches_in(days, language)
    totals = events.aggregate(searches=Count("id"), clicks=Count("id", filter=Q(opened_rank__isnull=False)))
    return SearchReport(
        days=days, language=language, searches=totals["searches"], clicks=totals["clicks"],
        top=_grouped(events, limit),
        no_results=_grouped(events.filter(results=0), limit),
        no_clicks=_grouped(events.filter(results__gt=0), limit, opened=0),
    )


def prune_searches(days):
    """Deletes searches older than ``days`` days; returns how many."""
    deleted, _ = SearchEvent.objects.filter(searched_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
