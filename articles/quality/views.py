"""Pages of ``articles.quality``: the scoring form of an article (coaches) and the editors' AQI
report. Thin: validate, call the editing service (``editing.quality``) or the report, render."""
import re
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import languages
from ..editing import quality as scoring
from ..editing.errors import Invalid, InvalidTransition
from ..editing.permissions import can_coach
from ..editing.queries import get_article
from ..editor.shortcuts import editor_page, forbidden
from . import panels, report

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
MAX_LISTED, MORE = 500, 100


@editor_page
def score(request, lang, number):
    """Coaches score the current revision of one translation (``?language=``, else the page's
    language, else the source's). GET: the form, answers pre-filled by the automatic checks;
    POST ``answer-<key>`` per question, ``comment``, ``revision`` (the one read), ``language``:
    the score, then back to the article's editor page; a refused answer or a revision saved
    meanwhile shows the form again (400, 409). Template ``quality/score.html``; context
    ``article``, ``languages``, ``form`` (``panels.score_form``), ``comment``, ``panel``."""
    if not can_coach(request.user):
        return forbidden(request, _("Only coaches and publishers may score articles."))
    article = get_article(number, request.user)
    translations = {t.language: t for t in article.translations.all() if t.latest_revision}
    if not translations:
        raise Http404(f"no translation of {article.number}")
    asked = languages.normalize_language(request.POST.get("language") or request.GET.get("language") or "")
    code = next(c for c in (asked, lang, article.source_language, *sorted(translations)) if c in translations)
    posted, errors, status = None, {}, 200
    if request.method == "POST":
        posted = {key[len("answer-"):]: value for key, value in request.POST.items() if key.startswith("answer-")}
        try:
            made = scoring.score_article(request.user, article.number, code, posted, request.POST.get("comment", ""),
                                         revision=_whole(request.POST.get("revision")))
        except scoring.RevisionMoved as error:
            messages.error(request, error.message)
            status = 409
        except (Invalid, InvalidTransition) as error:
            field = (getattr(error, "field", "") or "").removeprefix("answers.")
            errors[field] = error.message
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("Score saved: AQI %(aqi)s.") % {"aqi": _shown(made.aqi)})
            return redirect(reverse("editor:article", kwargs={"lang": lang, "number": article.number}) + "#quality")
    return render(request, "quality/score.html", {
        "article": article, "languages": sorted(translations, key=lambda c: (c != article.source_language, c)),
        "form": panels.score_form(translations[code], request.user, lang, posted, errors),
        "comment": request.POST.get("comment", ""), "panel": panels.article_panel(article, request.user),
    }, status=status)


@editor_page
def quality_report(request, lang):
    """Editors: AQI per article (the latest score, lowest first: ``?limit=`` of them, 20 to
    start with, up to ``MAX_LISTED``), per author and team per month; ``?month=YYYY-MM``
    narrows it to one month. A refused value is named in a message on the page (400).
    Template ``quality/report.html``; context ``report`` (``report.Report``), ``months``,
    ``month`` (as given), ``more`` (the next ``limit`` when more articles are scored, else None)."""
    given = request.GET.get("month", "")
    month = parse_month(given) if given else None
    limit = parse_limit(request.GET.get("limit") or str(report.LOWEST), MAX_LISTED)
    refused = [message for wrong, message in (
        (given and month is None, _("The month is written YYYY-MM, as 2026-03.")),
        (limit is None, _("Parameter '%(name)s' is a whole number from 1 to %(max)d.") % {"name": "limit",
                                                                                         "max": MAX_LISTED})) if wrong]
    for message in refused:
        messages.error(request, message)
    found = report.build_report(month, limit or report.LOWEST)
    more = min(len(found.lowest) + MORE, MAX_LISTED) if found.articles > len(found.lowest) else None
    return render(request, "quality/report.html", {"report": found, "months": report.months(),
                                                   "month": given if month else "", "more": more},
                  status=400 if refused else 200)


def parse_limit(value, most):
    """A whole number from 1 to ``most`` written in ASCII digits, else None."""
    number = int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 0
    return number if 1 <= number <= most else None


def parse_month(value):
    """``"2026-03"`` → ``date(2026, 3, 1)``; None for anything else."""
    found = MONTH_RE.match(value or "")
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        return None
    return date(int(found.group(1)), int(found.group(2)), 1)


def _whole(value):
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12 else None


def _shown(value):
    return "—" if value is None else f"{value:g}"
