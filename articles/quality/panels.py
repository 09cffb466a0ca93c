"""What the editor pages show of quality scores: the panel on an article's editor page and the
scoring form. Reads only.

``article_panel(article, user)`` -> ``{"latest", "scores", "may_coach", "languages"}``: the
article's latest score, its last ``SCORES_LISTED`` scores newest first (each with ``.coach``),
whether ``user`` may score, and the languages of its translations (source language first).

``score_form(translation, user, language, posted=None)`` -> ``{"translation", "revision",
"questions", "authors"}``: the translation's current revision (a ``Revision``), the active
questions, each as ``{"question", "text", "weight", "suggestion", "value", "error"}`` —
``suggestion`` the automatic check's ``Finding`` or None, ``value`` what the form shows chosen
(``posted``'s answer, else the suggestion's, else none) — and the revision's authors' names.
"""
from django.contrib.auth import get_user_model

from ..editing.permissions import can_coach
from ..models import Revision
from .checklist import active_questions, suggestions
from .models import Score

SCORES_LISTED = 10


def article_panel(article, user):
    scores = list(Score.objects.filter(article=article).select_related("coach").order_by("-id")[:SCORES_LISTED])
    codes = sorted(article.translations.values_list("language", flat=True),
                   key=lambda code: (code != article.source_language, code))
    return {"latest": scores[0] if scores else None, "scores": scores, "may_coach": can_coach(user),
            "languages": codes}


def score_form(translation, user, language, posted=None, errors=None):
    revision = Revision.objects.get(translation=translation, number=translation.latest_revision)
    questions = active_questions()
    found = suggestions(translation, revision, user, questions)
    posted, errors = posted or {}, errors or {}
    rows = [{"question": q, "text": q.text_in(language), "weight": q.weight, "suggestion": found.get(q.key),
             "value": posted.get(q.key) or (found[q.key].answer if q.key in found else ""),
             "error": errors.get(q.key)} for q in questions]
    authors = (get_user_model().objects.filter(article_revisions__translation=translation,
                                               article_revisions__number__lte=revision.number)
               .distinct().order_by("username").values_list("username", flat=True))
    return {"translation": translation, "revision": revision, "questions": rows, "authors": list(authors)}
