"""The editors' AQI report: reads only, a handful of grouped queries whatever the corpus.

    months()                               -> [date] first days of the months that have scores, newest first
    build_report(month=None, limit=LOWEST) -> Report

``Report``:

    month       the month shown (a date, its first day), or None for every month
    articles    how many articles have a score (in the month)
    average     the mean of their latest scores' AQI, or None
    lowest      [Score] the latest score of each article, lowest AQI first (then the article's
                number), at most ``limit``; each with ``.article`` and ``.coach``
    authors     [Group row] per month and author: {"month", "name", "scores", "aqi"}
    teams       [Group row] per month and team (a Django group other than the roles')

An article's AQI is its latest score's (the one with the highest id: the last made), in the
month when one is given. An author's or a team's AQI in a month is the mean AQI of the scores
made that month that credit them (``Score.authors``; a team's, one of its members), each score
counted once. Scores with no applicable answer (AQI None) are left out. Without a month, the
groups cover the ``MONTHS_SHOWN`` latest months with scores.
"""
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Avg, Count, F, Max

from ..editing.permissions import COACH, ROLES
from .models import Score

LOWEST = 20
MONTHS_SHOWN = 12


@dataclass
class Report:
    month: date = None
    articles: int = 0
    average: float = None
    lowest: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    teams: list = field(default_factory=list)


def months():
    return list(Score.objects.values_list("month", flat=True).distinct().order_by("-month"))


def build_report(month=None, limit=LOWEST):
    scored = Score.objects.filter(aqi__isnull=False)
    if month is not None:
        scored = scored.filter(month=month)
        shown = [month]
    else:
        shown = months()[:MONTHS_SHOWN]
        scored_in_months = scored.filter(month__in=shown)
    latest = Score.objects.filter(id__in=scored.values("article_id").annotate(last=Max("id")).values("last"))
    figures = latest.aggregate(articles=Count("id"), average=Avg("aqi"))
    lowest = list(latest.select_related("article", "coach").order_by("aqi", "article__number")[:limit])
    grouped = scored if month is not None else scored_in_months
    return Report(month=month, articles=figures["articles"], average=_rounded(figures["average"]), lowest=lowest,
                  authors=_per_author(grouped), teams=_per_team(grouped))


def _per_author(scores):
    credit = Score.authors.through.objects.filter(score__in=scores)
    rows = list(credit.values(scored_month=F("score__month"), author=F(_user_column()))
                .annotate(scores=Count("score_id"), mean=Avg("score__aqi")).order_by("-scored_month", "mean", "author"))
    names = dict(get_user_model().objects.filter(pk__in={r["author"] for r in rows})
                 .values_list("pk", get_user_model().USERNAME_FIELD))
    return [{"month": r["scored_month"], "name": names.get(r["author"], ""), "scores": r["scores"],
             "aqi": _rounded(r["mean"])} for r in rows]


def _per_team(scores):
    """Each (score, team) once, however many of the team's members the score credits: the
    distinct pairs are grouped in the database (one query; the ORM cannot group a DISTINCT
    subquery, and bringing the pairs to Python cost ten times as much on the corpus)."""
    teams = Group.objects.exclude(name__in=(*ROLES, COACH))
    try:
        scored_sql, scored_params = scores.values("id").query.sql_with_params()
    except EmptyResultSet:  # no month with scores
        return []
    teams_sql, teams_params = teams.values("id").query.sql_with_params()
    credit, member = Score.authors.through._meta, Group.user_set.through._meta
    score_column, user_column = Score.authors.field.m2m_column_name(), _user_column()
    sql = (f"SELECT pair.month, pair.team, COUNT(*), AVG(pair.aqi) FROM ("
           f"SELECT DISTINCT s.id, s.month, s.aqi, m.group_id AS team FROM {Score._meta.db_table} s "
           f"JOIN {credit.db_table} c ON c.{score_column} = s.id JOIN {member.db_table} m ON m.user_id = c.{user_column} "
           f"WHERE s.id IN ({scored_sql}) AND m.group_id IN ({teams_sql})) pair GROUP BY pair.month, pair.team")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*scored_params, *teams_params])
        grouped = cursor.fetchall()
    names = dict(teams.values_list("pk", "name"))
    rows = [{"month": month if isinstance(month, date) else date.fromisoformat(str(month)[:10]), "name": names[team],
             "scores": n, "aqi": _rounded(mean)} for month, team, n, mean in grouped]
    return sorted(rows, key=lambda r: (-r["month"].toordinal(), r["aqi"], r["name"]))


def _user_column():
    """The through table's column naming the user (``user_id`` for the default user model)."""
    return Score.authors.field.m2m_reverse_name()


def _rounded(value):
    return None if value is None else round(value, 1)
