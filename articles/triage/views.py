"""``/<lang>/triage/``: paste a log, see the articles that explain it and the lines they explain."""
from django.shortcuts import render

from ..views import with_language
from . import budget
from .display import line_ranges, paste_rows
from .forms import TriageForm


@with_language
def triage_page(request, lang):
    """GET: the form; POST (CSRF): the form, the ranked articles and the paste with the explained
    lines marked. Template ``articles/triage.html``; context ``form``, ``found``
    (``ranking.Triage``), ``ranges`` (per result, its lines as "3–5, 9"), ``rows``
    (``display.Row``), ``unavailable``, ``too_many`` (429 past ``budget.PASTES_PER_MINUTE``)."""
    from ..search import IndexUnavailable
    from .ranking import triage

    form = TriageForm(request.POST if request.method == "POST" else None)
    context, status = {"form": form}, 200
    if form.is_bound and not form.is_valid():
        status = 413 if form.has_error("text", "too_large") else 400
    elif form.is_bound and not budget.allowed(request):
        context["too_many"], status = True, 429
    elif form.is_bound:
        try:
            found = triage(form.cleaned_data["text"], lang, request.user)
        except IndexUnavailable:
            context["unavailable"], status = True, 503
        else:
            explained = {n for r in found.results for n in r.lines}
            context.update(found=found, rows=paste_rows(found.paste, explained),
                           results=[(r, line_ranges(r.lines)) for r in found.results])
    response = render(request, "articles/triage.html", context, status=status)
    if status == 429:
        response["Retry-After"] = budget.RETRY_AFTER
    return response
