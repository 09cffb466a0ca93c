"""The lifecycle and the editors' lists: one article's translations and actions, status
transitions, audience, the review queue and the dashboard."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import docnav, languages
from ..editing import actions, permissions, queries
from ..editing.errors import Invalid, InvalidTransition
from ..health import panels as health_panels, reviews as health_reviews
from ..models import Article
from . import lists
from .forms import AudienceForm, TransitionForm
from .shortcuts import article_language, editor_page

Status = Article.Status


def actions_for(article, user):
    """The transitions ``user`` may make from the article's status: ``[(to, label, needs_comment)]``.
    A validated article offers "Publish the drafts" only while a translation has one."""
    status, publish = article.status, permissions.can_publish(user)
    offered = []
    if status == Status.WORK_IN_PROGRESS:
        offered.append((Status.NOT_VALIDATED, _("Submit for review"), False))
    if publish and status not in (Status.ARCHIVED, Status.VALIDATED):
        offered.append((Status.VALIDATED, _("Publish"), False))
    if publish and status == Status.VALIDATED and queries.has_drafts(article):
        offered.append((Status.VALIDATED, _("Publish the drafts"), False))
    if publish and status in (Status.NOT_VALIDATED, Status.VALIDATED):
        offered.append((Status.WORK_IN_PROGRESS, _("Send back"), True))
    if publish and status != Status.ARCHIVED:
        offered.append((Status.ARCHIVED, _("Archive"), False))
    if publish and status == Status.ARCHIVED:
        offered.append((Status.WORK_IN_PROGRESS, _("Restore"), False))
    return offered


@editor_page
def article_overview(request, lang, number):
    """One article for editors: status, audience, each language's translation (revision,
    published revision, draft, outdated) or its absence, the actions the user may take and the
    lifecycle events, its owner and review state (``care``: ``health.panels.article_panel``).
    Template ``editor/article.html``."""
    article = queries.get_article(number, request.user)
    translations = {t.language: t for t in article.translations.all()}
    source = translations.get(article.source_language)
    rows = [{"language": code, "translation": translations.get(code),
             "outdated": code in translations and queries.is_outdated(translations[code], source),
             "draft": code in translations and bool(translations[code].published_revision) and (
                 translations[code].latest_revision > translations[code].published_revision)}
            for code in languages.site_languages()]
    seen = " ".join(f"{code}:{t.latest_revision}" for code, t in sorted(translations.items()))
    return render(request, "editor/article.html", {
        "article": article, "rows": rows, "actions": actions_for(article, request.user), "seen": seen,
        "audience_form": AudienceForm(initial={"audience": article.audience}),
        "events": article.events.select_related("actor").order_by("-at")[:20],
        "care": health_panels.article_panel(article, request.user),
    })


@require_POST
@editor_page
def transition(request, lang, number):
    """POST ``to``, ``comment`` and ``seen`` (the latest revisions the page showed, which
    publishing requires): move the article in its lifecycle, back to its page."""
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not a status."))
    else:
        try:
            article = actions.transition(request.user, number, form.cleaned_data["to"],
                                         comment=form.cleaned_data["comment"], seen=form.cleaned_data["seen"])
        except (Invalid, InvalidTransition) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The article is now %(status)s.") % {"status": article.get_status_display()})
    return redirect("editor:article", lang=lang, number=number)


@require_POST
@editor_page
def audience(request, lang, number):
    """POST ``audience``: who may read the article (publishers)."""
    form = AudienceForm(request.POST)
    if form.is_valid():
        actions.set_audience(request.user, number, form.cleaned_data["audience"])
        messages.success(request, _("Audience changed."))
    return redirect("editor:article", lang=lang, number=number)


@editor_page
def review_queue(request, lang):
    """Articles waiting for review. Template ``editor/review.html``; context ``articles``."""
    return render(request, "editor/review.html", {"articles": lists.waiting_for_review(lang)})


@editor_page
def dashboard(request, lang):
    """The editors' lists: articles past their review date (``due``: ``health.reviews.due_articles``),
    waiting for review, drafts, work in progress, per language the number of outdated and
    missing translations, and links to documentation pages not in the knowledge base. ``?owner=`` (``health.owners``) narrows the lists of articles to an owner's.
    Template ``editor/dashboard.html``; ``owner_filter`` is ``health.panels.owner_filter``'s."""
    gaps = lists.translation_gaps()
    missing_total, missing = docnav.missing_links(request.user)
    owner_filter = health_panels.owner_filter(request)
    narrow = owner_filter["narrow"]
    return render(request, "editor/dashboard.html", {
        "owner_filter": owner_filter,
        "review": lists.waiting_for_review(lang, narrow), "drafts": lists.drafts(narrow),
        "wip": lists.work_in_progress(lang, narrow),
        "due": health_reviews.due_articles(lang, narrow),
        "gaps": [(code, len(gap["outdated"]), len(gap["missing"])) for code, gap in gaps.items()],
        "missing_links": missing, "missing_links_total": missing_total,
    })


@editor_page
def translation_list(request, lang, language):
    """One language's outdated and missing translations. Template ``editor/translations.html``."""
    language = article_language(language)
    gap = lists.translation_gaps()[language]
    return render(request, "editor/translations.html", {"language": language, **gap})
