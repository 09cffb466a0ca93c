"""Pages: the click redirect of search results, the editors' search and feedback pages,
"write an article for this", and the readers' vote. Thin: validate, call a service, render."""
import re
import secrets
from urllib.parse import urlsplit

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import languages, listings
from ..editing.errors import EditingError
from ..editing.permissions import can_edit
from ..health import tasks as health_tasks
from ..models import Translation
from ..readercache import posted_from_this_site
from ..switching import whole_number
from ..views import with_language
from . import feedback, reports
from .limits import client_address
from .recorder import QUERY_CHARS, record_click, record_query_click

SEARCH_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
READER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PERIODS = (1, 7, 30, 90, 365)
MAX_RANK = 10_000
TITLE_CHARS = 200
READER_COOKIE_AGE = 365 * 24 * 3600


def _article_path(to, request):
    """``(path, article number)`` of ``to`` when it is the page of an article or of a
    documentation page (an article too) of this site, else None (no open redirect:
    ``https://evil.example/``, ``//evil.example/``, ``/admin/`` are all refused)."""
    if not to or not to.startswith("/") or to.startswith("//") or "\\" in to or any(c.isspace() for c in to):
        return None
    if not url_has_allowed_host_and_scheme(to, allowed_hosts={request.get_host()}):
        return None
    path = urlsplit(to).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name == "articles:article":
        return path, match.kwargs["number"]
    if match.view_name == "articles:doc":  # the page the user may open: staff also internal ones
        number = listings.doc_index(request.user).find_slug(match.kwargs["address"])
        return (path, number) if number else None
    return None


@csrf_exempt  # a beacon (navigator.sendBeacon) carries no token; it can only mark a search it knows the key of
@require_http_methods(["GET", "POST"])
@with_language
def open_result(request, lang):
    """``?s=<search key>&r=<rank>&to=<article path>``: records the click on the logged search;
    ``q=<query>`` in place of ``s``: on the latest search of that query in this language
    (``recorder.record_query_click``: a search page is the same for every reader, and names its
    query). GET redirects to the article (for integrations and links); POST is the search page's
    beacon (``static/kb/analytics.js``) and answers 204. 400 when ``to`` is not the page of an
    article or a documentation page of this site, or ``r`` is given and is not a whole number
    from 1 to ``MAX_RANK``."""
    found = _article_path(request.GET.get("to", ""), request)
    if found is None:
        return render(request, "analytics/message.html", {"message": _("This link does not lead to an article.")},
                      status=400)
    key, raw_rank = request.GET.get("s", ""), request.GET.get("r", "")
    rank = whole_number(raw_rank)
    if raw_rank and not (rank and rank <= MAX_RANK):
        return _bad_parameter(request, _("Parameter '%(name)s' must be a whole number from 1 to %(max)d.")
                              % {"name": "r", "max": MAX_RANK})
    query = request.GET.get("q", "").strip()[:QUERY_CHARS]
    path, number = found
    if SEARCH_KEY_RE.match(key) and rank:
        record_click(key, rank, number)
    elif query and rank:
        record_query_click(query, lang, rank, number)
    return HttpResponse(status=204) if request.method == "POST" else redirect(path)


def _forbidden(request):
    return render(request, "analytics/message.html",
                  {"message": _("This page is for editors: sign in with an editor or publisher account.")}, status=403)


def _bad_parameter(request, message):
    """The 400 page; ``message`` names the parameter refused."""
    return render(request, "400.html", {"message": message}, status=400)


def _filters(request):
    """``days`` (1 to MAX_DAYS, DEFAULT_DAYS when absent or empty, None when anything else) and
    ``language`` (a served code or None)."""
    raw = request.GET.get("days", "")
    days = whole_number(raw) if raw else reports.DEFAULT_DAYS
    if days is not None and not 1 <= days <= reports.MAX_DAYS:
        days = None
    return days, languages.normalize_language(request.GET.get("language") or "")


def _bad_days(request):
    return _bad_parameter(request, _("Parameter 'days' must be a whole number from 1 to %(max)d.")
                          % {"max": reports.MAX_DAYS})


@require_GET
@with_language
def search_dashboard(request, lang):
    """Editors: top queries, queries without results or clicks, click rate. Template
    ``analytics/searches.html``; context ``report`` (``reports.SearchReport``), ``days``,
    ``language``, ``periods``, ``write_language``."""
    if not can_edit(request.user):
        return _forbidden(request)
    days, language = _filters(request)
    if days is None:
        return _bad_days(request)
    return render(request, "analytics/searches.html", {
        "report": reports.search_report(days, language), "days": days, "language": language,
        "periods": sorted(set(PERIODS) | {days}), "write_language": language or lang})


@require_POST
@with_language
def write_article(request, lang):
    """"Write an article for this": a new work-in-progress article titled with the query, in
    ``language``, with a placeholder body; opens it in the editor."""
    if not can_edit(request.user):
        return _forbidden(request)
    query = " ".join(request.POST.get("query", "").split())[:TITLE_CHARS]
    language = languages.normalize_language(request.POST.get("language") or "") or lang
    if not query:
        return render(request, "analytics/message.html", {"message": _("There is no query to write about.")},
                      status=400)
    with translation.override(language):
        body = _("Readers searched for “%(query)s” and found no answer. Describe the symptoms, the cause "
                 "and the resolution.") % {"query": query}
    try:
        from ..editing.actions import create_article

        article = create_article(request.user, translation={"language": language, "title": query, "body": body},
                                 message=_("Written for a search: %(query)s") % {"query": query})
    except EditingError as error:
        return render(request, "analytics/message.html", {"message": error.message}, status=error.status)
    # Straight into the editor, where the placeholder is replaced by the article.
    return redirect("editor:edit", lang=lang, number=article.number, language=language)


@require_GET
@with_language
def feedback_dashboard(request, lang):
    """Editors: helpfulness per article and language, the low-rated ones, recent comments.
    Template ``analytics/feedback.html``; context ``rows``, ``low_rated``, ``comments``, ``language``."""
    if not can_edit(request.user):
        return _forbidden(request)
    days, language = _filters(request)
    if days is None:
        return _bad_days(request)
    rows = feedback.helpfulness(language)
    return render(request, "analytics/feedback.html", {
        "rows": rows, "low_rated": feedback.low_rated(rows), "language": language,
        "comments": feedback.recent_comments(language), "min_votes": feedback.LOW_RATED_MIN_VOTES})


@csrf_exempt  # its form is on stored reader pages, which hold no token: checked by origin instead
@require_POST
@with_language
def vote(request, lang, number):
    """A reader's "Did this solve your problem?" (``helpful`` yes/no, ``comment``, ``language``
    of the translation read). One vote per reader (anonymous cookie), a new one replaces it;
    "no" with a comment reports the article to its owner (``health.tasks.flag_from_vote``), and
    votes meeting the low-rating rule open a task for it (``health.tasks.task_from_votes``);
    429 past ``feedback.VOTES_PER_MINUTE`` from one client; 403 when a browser says another
    site sent it (``readercache.posted_from_this_site``). Redirects back with a thank-you."""
    shown, language, reader_id, refused = reader_post(request, lang, number)
    if refused:
        return refused
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        return render(request, "analytics/message.html", {"message": _("Choose yes or no.")}, status=400)
    voted = feedback.vote(shown.article, language, feedback.reader_hash(reader_id), helpful == "yes",
                          request.POST.get("comment", ""))[0]
    health_tasks.flag_from_vote(voted)  # "no" with a comment: a task for the article's owner
    health_tasks.task_from_votes(shown.article)  # most readers say it does not help: one too
    target = reverse("articles:article", kwargs={"lang": lang, "number": shown.article.number})
    return with_reader_cookie(redirect(f"{target}?feedback=thanks#feedback"), request, reader_id)


def reader_post(request, lang, number, counted=True):
    """What a form posted from an article's stored page (a vote, a report) checks first: that a
    browser did not send it from another site (403), the translation read, ``language`` in the
    form (404 when the reader may not see it), and, when ``counted``, the answers per address
    (``feedback.allow_vote``: 429). Returns ``(translation, language, reader_id, None)``, or
    ``(None, None, None, response)`` to answer with; ``reader_id`` is the ``kb_reader``
    cookie's, or a new one."""
    if not posted_from_this_site(request):
        from ..views import csrf_failure

        return None, None, None, csrf_failure(request)
    language = languages.normalize_language(request.POST.get("language") or "") or lang
    shown = (Translation.objects.visible_to(request.user).select_related("article")
             .filter(article__number__iexact=number, language=language).first())
    if shown is None:
        raise Http404(f"no article {number!r} in {language}")
    if counted and not feedback.allow_vote(client_address(request)):
        response = render(request, "analytics/message.html",
                          {"message": _("Too many answers from here: please try again in a minute.")}, status=429)
        response["Retry-After"] = "60"
        return None, None, None, response
    reader_id = request.COOKIES.get(feedback.READER_COOKIE, "")
    if not READER_ID_RE.match(reader_id):
        reader_id = secrets.token_urlsafe(24)
    return shown, language, reader_id, None


def with_reader_cookie(response, request, reader_id):
    """``response`` keeping the reader's id a year (one vote per reader and article)."""
    response.set_cookie(feedback.READER_COOKIE, reader_id, max_age=READER_COOKIE_AGE, httponly=True,
                        samesite="Lax", secure=request.is_secure())
    return response
