"""Writing: create an article, edit or translate one of its translations, preview a body.

Each view validates with a form, calls ``editing.actions`` and renders; the service's errors
become form errors (``Invalid``), the conflict screen (``Conflict``), a 403 or a 404 page."""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import docnav
from ..editing import actions, permissions, queries
from ..editing.content import preview_html
from ..editing.errors import Conflict, Invalid, InvalidTransition
from ..models import Article
from ..editing.diff import diff_texts
from .diffs import LABELS, field_diffs
from .forms import CreateForm, TranslationForm, as_text
from .shortcuts import article_language, editor_page, form_field

Status = Article.Status


@editor_page
def create_article(request, lang):
    """A new article and its first translation. Template ``editor/edit.html``; context
    ``form`` (``CreateForm``), ``preview`` (HTML after the Preview button), ``creating``."""
    form, preview = CreateForm(request.POST or None, initial={"language": lang}), ""
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        if "preview" in request.POST:
            preview = _preview(form, language, request)
        else:
            try:
                article = actions.create_article(
                    request.user, translation={"language": language, **form.content()},
                    audience=form.cleaned_data["audience"], message=form.cleaned_data["message"])
            except Invalid as error:
                form.add_error(form_field(form, error), error.message)
            else:
                messages.success(request, _("Article %(number)s created.") % {"number": article.number})
                return redirect("editor:article", lang=lang, number=article.number)
    # The page comes back (an error): so does the preview, unless the body itself was refused
    # (rendering it again would take as long, or fail the same way).
    if request.method == "POST" and not preview and not form.has_error("body"):
        preview = _render_or_empty(request.POST.get("body", ""), request.POST.get("language") or lang, request)
    return render(request, "editor/edit.html", {"form": form, "preview": preview, "creating": True,
                                                "language": request.POST.get("language") or lang})


@editor_page
def edit_translation(request, lang, number, language):
    """Edit a translation, or add a missing one, with the source translation beside it and the
    source's changes since this translation was based on it. Template ``editor/edit.html``;
    context ``article``, ``language``, ``translation`` (None when missing), ``form``,
    ``preview``, ``source`` (see ``source_panel``), ``conflict`` (after a refused save)."""
    article = queries.get_article(number, request.user)
    language = article_language(language)
    translation = article.translations.filter(language=language).first()
    latest = queries.get_revision(translation, translation.latest_revision) if translation and (
        translation.latest_revision) else None
    doc_path = translation.doc_path if translation else ""
    context = {"article": article, "language": language, "translation": translation, "conflict": None,
               "source": source_panel(article, language, latest), "next_steps": next_steps(article, request.user)}
    if request.method != "POST":
        if latest:
            initial = TranslationForm.initial_from(latest)
        elif context["source"]:  # a new translation starts with the source's keywords and products
            source = context["source"]["revision"]
            initial = {"keywords": as_text(source.keywords), "products": as_text(source.products)}
        else:
            initial = {}
        form = TranslationForm(initial=initial)
        preview = _render_or_empty(latest.body, language, request, doc_path) if latest else ""
        return render(request, "editor/edit.html", {**context, "form": form, "preview": preview})
    form, preview = TranslationForm(request.POST), ""
    if form.is_valid():
        choices = _conflict_choices(request, form, translation)
        if "preview" in request.POST:
            preview = _preview(form, language, request, doc_path)
        elif choices is not None and choices["missing"]:
            form.add_error(None, _("Choose which version to keep for: %(fields)s.")
                           % {"fields": ", ".join(str(LABELS[name]) for name in choices["missing"])})
            context["conflict"] = choices["panel"]
        else:
            try:
                revision = actions.save_translation(request.user, article.number, language, form.content(),
                                                    base_revision=form.cleaned_data["base_revision"],
                                                    message=form.cleaned_data["message"])
            except Invalid as error:
                form.add_error(form_field(form, error), error.message)
            except InvalidTransition as error:
                form.add_error(None, error.message)
            except Conflict as conflict:
                form, context["conflict"] = _after_conflict(request, conflict, article, language)
            else:
                then = request.POST.get("then")
                if then in {to for to, _label in context["next_steps"]}:
                    try:
                        # Published: the revision just saved; another language's draft,
                        # which this page did not show, is refused by name.
                        actions.transition(request.user, article.number, then, seen={language: revision.number})
                    except (Invalid, InvalidTransition) as error:
                        messages.error(request, error.message)
                if revision.based_on:
                    messages.success(request, _("Saved revision %(revision)d of %(number)s (%(language)s), with "
                                                "the changes saved since revision %(base)d kept.")
                                     % {"revision": revision.number, "number": article.number,
                                        "language": language, "base": revision.based_on})
                else:
                    messages.success(request, _("Saved revision %(revision)d of %(number)s (%(language)s).")
                                     % {"revision": revision.number, "number": article.number, "language": language})
                return redirect("editor:article", lang=lang, number=article.number)
    if not preview and not form.has_error("body"):  # as in create_article
        preview = _render_or_empty(request.POST.get("body", ""), language, request, doc_path)
    return render(request, "editor/edit.html", {**context, "form": form, "preview": preview})


def next_steps(article, user):
    """What the edit page offers besides Save: ``[(to, label)]``, save then submit for review or
    save then publish, for a user who may make that transition now."""
    from .review import actions_for

    labels = {Status.NOT_VALIDATED: _("Save and submit for review"), Status.VALIDATED: _("Save and publish")}
    offered = {to for to, _label, _comment in actions_for(article, user)}
    if article.status == Status.VALIDATED and permissions.can_publish(user):
        offered.add(Status.VALIDATED)  # the save makes a draft: publishing it is the next step
    return [(to, labels[to]) for to in (Status.NOT_VALIDATED, Status.VALIDATED) if to in offered]


@require_POST
@editor_page
def preview(request, lang):
    """The body rendered as the article page renders it, as an HTML fragment for the live
    preview (``static/kb/editor.js``). POST ``body``, ``language``."""
    try:
        language = article_language(request.POST.get("language") or lang)
        html = docnav.resolve_links(preview_html(request.POST.get("body", ""), language), lang, request.user)
    except Invalid as error:
        return HttpResponse(f'<p class="errornote">{escape(error.message)}</p>', status=400)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


def source_panel(article, language, latest):
    """None when ``language`` is the source; else ``{"translation", "revision", "changes",
    "since"}``: the source's current text (published, else latest) and, when it moved since the
    revision this translation was written from (``since``), ``field_diffs`` of that move."""
    if language == article.source_language:
        return None
    source = article.translations.filter(language=article.source_language).first()
    if source is None or not source.latest_revision:
        return None
    current = source.published_revision or source.latest_revision
    since = latest.source_revision if latest is not None else None
    changes = field_diffs(queries.diff_revisions(source, since, current)) if since and since < current else []
    return {"translation": source, "revision": queries.get_revision(source, current), "changes": changes,
            "since": since}


def _after_conflict(request, conflict, article, language):
    """The form again, now based on the current revision, holding every change of both sides
    that did not collide (``Conflict.merged``) and the editor's own text where they did; the
    conflict panel (``_panel``) asks for an explicit choice per colliding field."""
    data = request.POST.copy()
    data["base_revision"] = str(conflict.current_revision)
    for name, value in (conflict.merged or {}).items():
        data[name] = as_text(value) if isinstance(value, list) else value
    data["conflict_fields"] = ",".join(conflict.conflicts)
    form = TranslationForm(data)
    form.is_valid()
    translation = article.translations.filter(language=language).first()
    current = queries.get_revision(translation, conflict.current_revision) if translation else None
    return form, _panel(conflict.current_revision, conflict.message, field_diffs(conflict.changes),
                        conflict.conflicts, current if not conflict.conflicts else None, language)


def _panel(revision, message, changes, conflicts, current, language, chosen=None):
    """The conflict panel: what the other save changed, and per colliding field both versions
    side by side (``{"field", "label", "ops", "chosen"}``, ops from theirs to yours)."""
    return {"revision": revision, "message": message, "changes": changes, "current": current,
            "fields": [{"field": name, "label": LABELS[name], "chosen": (chosen or {}).get(name),
                        "ops": diff_texts(_as_text(values["theirs"]), _as_text(values["yours"]), language)}
                       for name, values in conflicts.items()]}


def _conflict_choices(request, form, translation):
    """After a conflict the form names the colliding fields (``conflict_fields``) and each has a
    ``keep_<field>`` choice: ``theirs`` puts the current revision's value in the form, ``yours``
    keeps the form's. None when the form comes from no conflict; else ``{"missing": [fields
    not chosen], "panel"}``. The choice is made against the revision the form is based on: if
    another save came in since, saving merges again."""
    names = [name for name in request.POST.get("conflict_fields", "").split(",") if name in LABELS]
    if not names:
        return None
    current = None
    base = form.cleaned_data.get("base_revision")
    if translation is not None and base:
        current = queries.revision_or_none(translation, base)
    if current is None:
        return None
    missing = [name for name in names if request.POST.get(f"keep_{name}") not in ("theirs", "yours")]
    for name in names:
        if request.POST.get(f"keep_{name}") == "theirs":
            value = getattr(current, name)
            form.cleaned_data[name] = value
    if not missing:
        return {"missing": [], "panel": None}
    theirs, yours = queries.revision_fields(current), form.content()
    conflicts = {name: {"theirs": theirs[name], "yours": yours[name]} for name in names}
    chosen = {name: request.POST.get(f"keep_{name}") for name in names}
    return {"missing": missing, "panel": _panel(current.number, "", [], conflicts, None, translation.language,
                                                chosen)}


def _as_text(value):
    return as_text(value) if isinstance(value, list) else (value or "")


def _preview(form, language, request=None, doc_path=""):
    try:
        html = preview_html(form.cleaned_data["body"], language, doc_path)
        return docnav.resolve_links(html, language, request.user) if request is not None else html
    except Invalid as error:
        form.add_error(form_field(form, error), error.message)
        return ""


def _render_or_empty(body, language, request=None, doc_path=""):
    try:
        if not body.strip():
            return ""
        html = preview_html(body, article_language(language), doc_path)
        return docnav.resolve_links(html, language, request.user) if request is not None else html
    except (Invalid, Http404):
        return ""
