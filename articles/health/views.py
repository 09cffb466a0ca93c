"""Editor pages of ``articles.health``: the owner of an article. Thin: validate, call the
editing service (``editing.health``), redirect or render."""
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..editing import health as care
from ..editing.errors import Invalid
from ..editor.shortcuts import editor_page
from . import owners


@require_POST
@editor_page
def set_owner(request, lang, number):
    """POST ``owner`` (``user:<name>``, ``group:<name>`` or "" for nobody): publishers name
    the article's owner; back to the article's editor page."""
    kind, name = owners.parse(request.POST.get("owner", ""))
    try:
        care.set_owner(request.user, number, owner_user=name if kind == "user" else None,
                       owner_group=name if kind == "group" else None)
    except Invalid as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Owner changed."))
    return redirect("editor:article", lang=lang, number=number)
