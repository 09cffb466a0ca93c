"""What every editor page shares: the language of the interface, who may enter, and turning
the service's typed errors into pages (Forbidden → 403 page, NotFound → 404)."""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from ..editing.content import clean_language
from ..editing.errors import Forbidden, Invalid, NotFound
from ..editing.permissions import can_edit
from ..views import with_language


def editor_page(view):
    """``view(request, lang, **kwargs)`` in the interface language ``lang``, for people who may
    edit: others are sent to sign in, or shown the 403 page when signed in without a role."""

    @wraps(view)
    def wrapper(request, lang, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_edit(request.user):
            return forbidden(request, None)
        try:
            return view(request, lang, **kwargs)
        except Forbidden as error:
            return forbidden(request, error.message)
        except NotFound as error:
            raise Http404(str(error)) from None

    return with_language(wrapper)


def forbidden(request, message):
    """The 403 page. Template ``editor/forbidden.html``; context ``message``."""
    return render(request, "editor/forbidden.html", {"message": message}, status=403)


def article_language(code):
    """A translation's language from the URL (``fr-FR`` → ``fr``); 404 when not served."""
    try:
        return clean_language(code)
    except Invalid:
        raise Http404(f"unknown language {code!r}") from None


def form_field(form, error):
    """The form field an ``Invalid`` names (``translation.title`` → ``title``), else None
    (a form-wide error)."""
    name = (error.field or "").rsplit(".", 1)[-1]
    return name if name in form.fields else None
