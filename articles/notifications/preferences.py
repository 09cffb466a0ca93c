"""Each user's choices: a mode per kind of event and the language of their e-mails.

    preferences_of(user_or_id)          -> Preferences (unsaved, with the defaults, when they chose nothing)
    preferences_for(ids)                -> {user id: Preferences}, one query
    set_preferences(user, modes=None, language=UNCHANGED) -> Preferences
    remember_editor_language(user_id, code)   the site's language the user works in, for their e-mails
    email_language(preferences)         -> a served code: the one chosen, else the editor's last, else "en"

``set_preferences`` takes ``modes`` as ``{kind: mode}`` (the kinds given change, the others
stay) and ``language`` as a served code in any spelling, or None/"" to follow the editor.
Refused values raise ``Invalid`` naming the field: ``modes`` (``invalid_type``),
``modes.<kind>`` (``unknown_kind``, ``invalid_choice``), ``language`` (``unknown_language``).
"""
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from .. import languages
from ..editing.errors import Invalid
from .models import Kind, Mode, Preferences

UNCHANGED = object()
REMEMBERED_KEY = "notifications:editor-language:{}"


def preferences_of(user):
    user_id = getattr(user, "pk", user)
    return Preferences.objects.filter(user_id=user_id).first() or Preferences(user_id=user_id)


def preferences_for(ids):
    found = {row.user_id: row for row in Preferences.objects.filter(user_id__in=list(ids))}
    return {pk: found.get(pk) or Preferences(user_id=pk) for pk in ids}


def set_preferences(user, modes=None, language=UNCHANGED):
    modes = clean_modes(modes) if modes is not None else {}
    if language is not UNCHANGED:
        language = clean_language(language)
    with transaction.atomic():
        Preferences.objects.get_or_create(user_id=user.pk)
        row = Preferences.objects.select_for_update().get(user_id=user.pk)
        row.modes = {**(row.modes or {}), **modes}
        if language is not UNCHANGED:
            row.language = language
        row.save(update_fields=["modes", "language"])
    return row


def clean_modes(value):
    if not isinstance(value, dict):
        raise Invalid("modes", _("Give the modes as an object: each kind of event and its mode."), code="invalid_type")
    cleaned = {}
    for kind, mode in value.items():
        if kind not in Kind.values:
            raise Invalid(f"modes.{str(kind)[:40]}", _("'%(kind)s' is not a kind of notification (%(kinds)s).")
                          % {"kind": str(kind)[:40], "kinds": ", ".join(Kind.values)}, code="unknown_kind")
        if mode not in Mode.values:
            raise Invalid(f"modes.{kind}", _("'%(mode)s' is not a mode (%(modes)s).")
                          % {"mode": str(mode)[:40], "modes": ", ".join(Mode.values)}, code="invalid_choice")
        cleaned[kind] = mode
    return cleaned


def clean_language(value):
    if value in (None, ""):
        return ""
    code = languages.normalize_language(value) if isinstance(value, str) else None
    if code is None:
        raise Invalid("language", _("'%(language)s' is not a language of the site (%(languages)s).")
                      % {"language": str(value)[:40], "languages": ", ".join(languages.site_languages())},
                      code="unknown_language")
    return code


def remember_editor_language(user_id, code):
    """Stored when it changes; this process remembers what it stored, so an editor page costs
    no query while the user stays in one language."""
    key = REMEMBERED_KEY.format(user_id)
    if cache.get(key) == code:
        return
    if not Preferences.objects.filter(user_id=user_id).update(editor_language=code):
        Preferences.objects.get_or_create(user_id=user_id, defaults={"editor_language": code})
    cache.set(key, code, 3600)


def email_language(preferences):
    return (languages.normalize_language(preferences.language or "")
            or languages.normalize_language(preferences.editor_language or "") or "en")
