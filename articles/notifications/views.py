"""Editor pages of notifications: the inbox and the preferences. Thin: validate, call
``inbox`` or ``preferences``, render or redirect. Only the signed-in user's own notifications
are ever shown or changed; another's id is a 404."""
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from .. import languages
from ..editing.errors import Invalid
from ..editor.shortcuts import editor_page
from . import describe, inbox, preferences as choices
from .models import Kind, Mode


class PreferencesForm(forms.Form):
    """A mode per kind of event (fields named as the kinds) and the language of e-mails."""

    language = forms.ChoiceField(label=gettext_lazy("Language of your e-mails"), required=False)

    def __init__(self, *args, editor_language="", **kwargs):
        super().__init__(*args, **kwargs)
        following = _("As in the editor (%(language)s)") % {
            "language": languages.native_name(editor_language or "en")}
        self.fields["language"].choices = [("", following)] + [
            (code, languages.native_name(code)) for code in languages.site_languages()]
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(label=kind.label, choices=Mode.choices)


@editor_page
def inbox_page(request, lang):
    """The signed-in user's notifications, newest first, 50 a page (``?page=``; ``?unread=1``
    for the unread only). Template ``notifications/inbox.html``; context ``page``
    (``inbox.InboxPage``), ``entries`` (``describe.Entry``), ``unread_only``."""
    unread_only = request.GET.get("unread") == "1"
    try:
        page = inbox.inbox_page(request.user, request.GET.get("page") or 1, unread_only=unread_only)
    except Invalid:
        raise Http404("no such page") from None
    return render(request, "notifications/inbox.html", {
        "page": page, "entries": describe.entries(page.notifications, lang), "unread_only": unread_only})


@editor_page
def open_notification(request, lang, pk):
    """Marks the notification read and goes where it leads (the inbox when its article is gone)."""
    found = inbox.mark_read(request.user, pk)
    target = describe.path_of(found, lang)
    return redirect(target) if target else redirect("notifications:inbox", lang=lang)


@require_POST
@editor_page
def mark_read(request, lang, pk):
    inbox.mark_read(request.user, pk)
    return _back(request, lang)


@require_POST
@editor_page
def mark_all_read(request, lang):
    marked = inbox.mark_all_read(request.user)
    if marked:
        messages.success(request, _("All notifications marked as read."))
    return _back(request, lang)


@editor_page
def preferences_page(request, lang):
    """The user's mode per kind of event and the language of their e-mails. Template
    ``notifications/preferences.html``; context ``form``, ``email`` (their address, "" when
    none: e-mails cannot reach them)."""
    current = choices.preferences_of(request.user)
    initial = {"language": current.language, **{kind.value: current.mode(kind) for kind in Kind}}
    form = PreferencesForm(request.POST or None, initial=initial, editor_language=current.editor_language or lang)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        choices.set_preferences(request.user, modes={kind.value: values[kind.value] for kind in Kind},
                                language=values["language"])
        messages.success(request, _("Notification preferences saved."))
        return redirect("notifications:preferences", lang=lang)
    return render(request, "notifications/preferences.html", {"form": form, "email": request.user.email})


def _back(request, lang):
    """To the inbox page the form was on (``page``, ``unread`` sent with it)."""
    page = request.POST.get("page", "")
    query = "&".join(part for part in (f"page={int(page)}" if page.isdigit() and int(page) > 1 else "",
                                        "unread=1" if request.POST.get("unread") == "1" else "") if part)
    target = redirect("notifications:inbox", lang=lang)
    if query:
        target["Location"] += "?" + query
    return target
