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
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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
    return list(Score.objects.dates("month", "month", order="DESC"))


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
    """Each (score, team) once, however many of the team's members the score credits."""
    teams = Group.objects.exclude(name__in=(*ROLES, COACH))
    member_of = Group.user_set.through.objects.filter(group__in=teams)
    credited = (Score.authors.through.objects.filter(score__in=scores)
                .filter(**{f"{_user_column()}__in": member_of.values("user_id")}))
    members = defaultdict(set)
    for user, group in member_of.values_list("user_id", "group_id"):
        members[user].add(group)
    pairs = {}
    for score, month, index, user in credited.values_list("score_id", "score__month", "score__aqi", _user_column()):
        for group in members[user]:
            pairs[(score, group)] = (month, index)
    sums = defaultdict(lambda: [0, 0.0])
    for (score, group), (month, index) in pairs.items():
        sums[(month, group)][0] += 1
        sums[(month, group)][1] += index
    names = dict(teams.values_list("pk", "name"))
    rows = [{"month": month, "name": names[group], "scores": n, "aqi": _rounded(total / n)}
            for (month, group), (n, total) in sums.items()]
    return sorted(rows, key=lambda r: (-r["month"].toordinal(), r["aqi"], r["name"]))


def _user_column():
    """The through table's column naming the user (``user_id`` for the default user model)."""
    return Score.authors.field.m2m_reverse_name()


def _rounded(value):
    return None if value is None else round(value, 1)
