"""``EditorLanguageMiddleware``: remembers the site's language each signed-in editor last used
in the editor (``/<lang>/editor/…``), the language of their e-mails unless they chose one
(``preferences.remember_editor_language``: no query while it stays the same)."""
import logging

from .. import languages
from .preferences import remember_editor_language

logger = logging.getLogger("articles.notifications")


class EditorLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "/editor/" in request.path and response.status_code < 400:
            code = languages.normalize_language(getattr(request, "LANGUAGE_CODE", "") or "")
            user = getattr(request, "user", None)
            if code and user is not None and user.is_authenticated:
                try:
                    remember_editor_language(user.pk, code)
                except Exception:  # noqa: BLE001 — a page is never failed for this
                    logger.exception("the editor language of user %s could not be stored", user.pk)
        return response
