"""A translation's history: its revisions, a diff between any two, restoring one."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..editing import actions, queries
from ..editing.errors import InvalidTransition
from ..switching import whole_number
from .diffs import field_diffs
from .shortcuts import article_language, editor_page


def _translation(request, number, language):
    article = queries.get_article(number, request.user)
    return queries.get_translation(article, article_language(language), request.user)


@editor_page
def history(request, lang, number, language):
    """Revisions newest first (who, when, message), with a form choosing two to compare.
    Template ``editor/history.html``; context ``translation``, ``revisions``."""
    translation = _translation(request, number, language)
    return render(request, "editor/history.html", {"translation": translation, "article": translation.article,
                                                   "revisions": queries.revisions_of(translation)})


@editor_page
def diff(request, lang, number, language):
    """GET ``from`` and ``to`` (revision numbers; by default the latest and the one before):
    each changed field side by side on a wide screen, inline on a phone. Template
    ``editor/diff.html``; context ``translation``, ``old``, ``new`` (revisions), ``changes``
    (``diffs.field_diffs``). The 400 page when either is given and is not a whole number."""
    translation = _translation(request, number, language)
    latest = translation.latest_revision
    numbers = []
    for name, default in (("from", max(latest - 1, 1)), ("to", latest)):
        raw = request.GET.get(name)
        numbers.append(whole_number(raw) if raw else default)
        if numbers[-1] is None:
            return render(request, "400.html", {
                "message": _("Parameter '%(name)s' must be a revision number.") % {"name": name}}, status=400)
    old, new = (queries.get_revision(translation, n) for n in numbers)
    changes = field_diffs(queries.diff_revisions(translation, old.number, new.number))
    return render(request, "editor/diff.html", {"translation": translation, "article": translation.article,
                                                "old": old, "new": new, "changes": changes})


@require_POST
@editor_page
def restore(request, lang, number, language, revision):
    """Make a new revision holding ``revision``'s content, then back to the history."""
    translation = _translation(request, number, language)
    try:
        restored = actions.restore_revision(request.user, translation.article.number, translation.language, revision)
    except InvalidTransition as error:
        messages.error(request, error.message)
        return redirect("editor:history", lang=lang, number=translation.article.number, language=translation.language)
    messages.success(request, _("Revision %(old)d restored as revision %(new)d.")
                     % {"old": revision, "new": restored.number})
    return redirect("editor:history", lang=lang, number=translation.article.number, language=translation.language)

