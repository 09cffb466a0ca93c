"""Two guards at the edge of every request: characters no URL or form may hold, and a database
that has gone away. Both answer in JSON under ``/api/`` (``{"error": {"code", "message"}}``) and
with a page for readers elsewhere.
"""
import logging
import re

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from .api.errors import error_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 10

# C0 controls, DEL and lone surrogates. "/en/articles/%00/" decodes to a NUL, which PostgreSQL
# refuses in a text parameter (a 500 before this guard).
FORBIDDEN_IN_PATH = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# Parameter values may hold the line breaks and tabs of a textarea; nothing else of the above.
FORBIDDEN_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request):
    return request.path_info.startswith(API_PREFIX)


def has_forbidden_parameter(query_dict):
    """True when a name or any value of a ``QueryDict`` holds a forbidden character."""
    for name, values in query_dict.lists():
        if FORBIDDEN_IN_PATH.search(name):
            return True
        if any(isinstance(v, str) and FORBIDDEN_IN_VALUE.search(v) for v in values):
            return True
    return False


class RejectInvalidCharactersMiddleware:
    """A path with a control character or lone surrogate is 404 (no page can have that name);
    such a character in a GET or POST parameter's name or value is 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if FORBIDDEN_IN_PATH.search(request.path_info):
            if is_api(request):
                return error_response("not_found", _("No such address."), status=404)
            raise Http404("invalid character in the path")
        if has_forbidden_parameter(request.GET) or (
                request.content_type in FORM_TYPES and has_forbidden_parameter(request.POST)):
            if is_api(request):
                return error_response(
                    "invalid_characters", _("The request holds characters that are not allowed."))
            raise BadRequest("invalid character in a parameter")
        return self.get_response(request)


from .switching import reader_language  # noqa: E402 — the URL's, the remembered or the browser's


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with ``Retry-After`` at once, and the
    error is logged with the request. Nothing is kept: the next request connects afresh
    (``CONN_HEALTH_CHECKS`` replaces a dead persistent connection), so service returns by
    itself when the database does. Template ``503.html`` (no context of its own), which never reads
    ``request.user`` or the session (no account menu): both come from the database, so a signed-in
    reader gets this page too rather than a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s %s", request.method, request.get_full_path(),
                     exc_info=exception)
        with translation.override(reader_language(request)):
            if is_api(request):
                response = error_response(
                    "database_unavailable",
                    _("The database is unavailable; try again in a moment."), status=503)
            else:
                response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
