"""Search before you create: the articles close to a draft, and the pairs of existing articles
that may be duplicates (``search.similar``, ``search.semantic.duplicates``)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import languages
from ..models import Article
from ..search import semantic
from ..search.similar import MAX_BODY_CHARS, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, Draft, similar_to_draft
from ..switching import pager_window
from .shortcuts import editor_page

PAIRS_PER_PAGE = 50


@require_POST
@editor_page
def similar(request, lang):
    """The existing articles close to the draft posted (``title``, ``description``, ``body``; each
    cut at its ``search.similar`` limit: the page helps, it does not refuse) in the draft's
    ``language`` (the form's, else the query string's, else ``lang``), leaving out the article
    ``exclude`` names (the one being translated). Template ``editor/similar.html``, or its panel
    alone (``editor/_similar.html``) when ``fragment`` is posted (``static/kb/similar.js``);
    context ``similar`` (``[SimilarArticle]``), ``searched`` (the draft had text), ``draft``."""
    data = request.POST
    draft = Draft(data.get("title", "")[:MAX_TITLE_CHARS], data.get("description", "")[:MAX_DESCRIPTION_CHARS],
                  data.get("body", "")[:MAX_BODY_CHARS])
    language = languages.normalize_language(data.get("language") or request.GET.get("language") or lang) or lang
    exclude = [number for number in (data.get("exclude") or request.GET.get("exclude") or "").split(",") if number]
    searched = any(part.strip() for part in draft)
    found = similar_to_draft(draft, language, request.user, exclude=exclude, shown_in=lang) if searched else []
    context = {"similar": found, "searched": searched, "draft": draft}
    template = "editor/_similar.html" if data.get("fragment") else "editor/similar.html"
    return render(request, template, context)


@editor_page
def duplicates(request, lang):
    """Pairs of distinct articles whose closest translations are nearly the same in meaning, in
    any two languages, closest first; POST ``first`` and ``second`` (article numbers) dismisses
    a pair for good. Template ``editor/duplicates.html``; context ``enabled`` (semantic search
    is on), ``pairs`` (the ``Paginator`` page), ``rows`` (its ``duplicates.DescribedPair``),
    ``total``, ``threshold``, ``pager`` (``switching.pager_window``)."""
    from ..search.semantic import duplicates as found

    if request.method == "POST":
        first = Article.objects.by_number(request.POST.get("first", "")[:100])
        second = Article.objects.by_number(request.POST.get("second", "")[:100])
        if first is None or second is None or first.pk == second.pk:
            messages.error(request, _("No such pair of articles."))
        else:
            found.dismiss(first.pk, second.pk, request.user)
            messages.success(request, _("%(first)s and %(second)s will not be offered as duplicates again.")
                             % {"first": first.number, "second": second.number})
        return redirect(request.get_full_path())
    context = {"enabled": semantic.enabled(), "threshold": found.THRESHOLD, "pairs": None, "total": 0}
    if context["enabled"]:
        pairs = found.duplicate_candidates()
        page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(pairs=page, rows=found.described(page.object_list, lang), total=len(pairs),
                       pager=pager_window(page.number, page.paginator.num_pages))
    return render(request, "editor/duplicates.html", context)
