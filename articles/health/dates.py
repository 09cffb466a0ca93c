"""Review dates, pure: values in, values out.

    reviewed_on(front_matter)                  -> aware datetime or None
    due_on(start, interval_days)               -> date: start's day (UTC) + interval
    interval_of(own, product_days, default)    -> (days, "article" | "product" | "default")

A file's front matter may say when its article was last reviewed, under the first of
``REVIEWED_FIELDS`` it holds (``last-reviewed: 2024-03-01``, ``last-substantial-update:
2022-10-31T00:00:00Z``, ``10/30/2023 7:26:04 PM``); a value that is no date is ignored, as
the importer ignores an unreadable ``article-published-date``.
"""
from datetime import date, datetime, timedelta, timezone

from ..importing.fields import DATE_FORMATS

REVIEWED_FIELDS = ("last-reviewed", "last-reviewed-date", "last-verified", "last-substantial-update")
MIN_INTERVAL_DAYS, MAX_INTERVAL_DAYS = 1, 3650
EARLIEST, LATEST = date(1990, 1, 1), date(2200, 1, 1)


def reviewed_on(front_matter):
    for name in REVIEWED_FIELDS:
        found = _date(front_matter.get(name) if isinstance(front_matter, dict) else None)
        if found is not None:
            return found
    return None


def due_on(start, interval_days):
    return start.astimezone(timezone.utc).date() + timedelta(days=interval_days)


def interval_of(own, product_days, default):
    """The article's own interval, else the shortest of its products' (``product_days``, any
    iterable), else ``default``; with where it came from."""
    if own:
        return own, "article"
    shortest = min((days for days in product_days if days), default=None)
    return (shortest, "product") if shortest else (default, "default")


def _date(value):
    parsed = _parsed(value)
    if parsed is None or not EARLIEST <= parsed.date() <= LATEST:
        return None  # a typo (0202-10-31) would never fall due, or always
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _parsed(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()[:40] if isinstance(value, str) else ""
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
