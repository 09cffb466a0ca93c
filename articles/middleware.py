"""Two guards at the edge of every request: characters no URL or form may hold, and a database
that has gone away. Both answer in JSON under ``/api/`` (``{"error": {"code", "message",
"field"?}}``) and with a page for readers elsewhere.
"""
import codecs
import logging
import re
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponseNotAllowed, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy

from . import languages, textgate
from .api.errors import error_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 10

# A URL or form may hold no character the text gate refuses, and no C0 control or DEL either;
# a parameter's value may hold the tab and line breaks of a textarea. "/en/articles/%00/"
# decodes to a NUL, which PostgreSQL refuses in a text parameter.
CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
CONTROLS_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
SHOWN_NAME_CHARS = 100
NOT_ALLOWED = gettext_lazy("Parameter '%(name)s' holds a character that is not allowed (%(character)s).")
NOT_DECODABLE = gettext_lazy("Parameter '%(name)s' holds bytes that are not valid %(encoding)s text.")


def is_api(request):
    return request.path_info.startswith(API_PREFIX)


def refused_character(text, controls=CONTROLS_IN_VALUE):
    """The first character of ``text`` a URL or form may not hold (one the text gate refuses, or
    one of ``controls``), or None."""
    control = controls.search(text)
    gated = textgate.INVALID_RE.search(text)
    found = min((m for m in (control, gated) if m), key=lambda m: m.start(), default=None)
    return found.group() if found else None


def shown_name(name):
    """A parameter's name as an error message shows it: each refused character as ``?``."""
    return textgate.INVALID_RE.sub("?", CONTROLS.sub("?", name))[:SHOWN_NAME_CHARS]


class Refusal(Exception):
    """A request no view should see: ``status``, error ``code``, ``message`` (lazy, with
    ``%(name)s`` placeholders filled from ``params`` once the reader's language is active) and
    the parameter's ``field`` name or None."""

    def __init__(self, status, code, message, field=None, **params):
        super().__init__(code)
        self.status, self.code, self.field = status, code, field
        self.template, self.params = message, params

    def message(self):
        return str(self.template) % self.params if self.params else str(self.template)


def check_pairs(pairs, encoding):
    """Raises ``Refusal`` (400 ``invalid_characters`` naming the parameter) for the first name or
    value a URL or form may not hold. A lone surrogate stands for bytes that were not valid in
    ``encoding`` (``read_pairs``)."""
    for name, value in pairs:
        for text, controls in ((name, CONTROLS), (value, CONTROLS_IN_VALUE)):
            character = refused_character(text, controls) if isinstance(text, str) else None
            if character is None:
                continue
            field = shown_name(name)
            if "\ud800" <= character <= "\udfff":
                raise Refusal(400, "invalid_characters", NOT_DECODABLE, field, name=field,
                              encoding="UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding)
            raise Refusal(400, "invalid_characters", NOT_ALLOWED, field, name=field,
                          character=textgate.describe(character))


def read_pairs(raw, encoding):
    """``(name, value)`` of a query string or urlencoded body (bytes), as ``QueryDict`` reads
    them, except that bytes not valid in ``encoding`` become lone surrogates (where ``QueryDict``
    puts U+FFFD, a character like any other). Raises ``TooManyFieldsSent`` as ``QueryDict`` does."""
    try:
        text = raw.decode(encoding, "surrogateescape")
        return parse_qsl(text, keep_blank_values=True, encoding=encoding, errors="surrogateescape",
                         max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    except UnicodeError:  # an encoding whose errors surrogateescape cannot stand for (UTF-16)
        raise Refusal(400, "invalid_characters", gettext_lazy("The request holds characters that are not allowed.")) \
            from None
    except ValueError:
        raise TooManyFieldsSent() from None


def check_parameters(request):
    """Raises ``Refusal`` for a query string or POSTed form (urlencoded or multipart) that no
    view should read: a refused character (400 ``invalid_characters``), more parameters than
    ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (400 ``too_many_parameters``), a form beyond
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413 ``request_too_large``) or a multipart body that cannot
    be parsed (400 ``unreadable_form``). Multipart fields are read as Django decodes them
    (invalid UTF-8 as U+FFFD); other characters are refused there as anywhere."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        check_pairs(read_pairs(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""), encoding), encoding)
        if request.method != "POST":
            return
        if request.content_type == FORM:
            check_pairs(read_pairs(request.body, encoding), encoding)
        elif request.content_type == MULTIPART:
            check_pairs(((name, value) for name, values in request.POST.lists() for value in values), encoding)
            check_pairs(((name, upload.name or "") for name, uploads in request.FILES.lists() for upload in uploads),
                        encoding)
    except TooManyFieldsSent:
        raise Refusal(400, "too_many_parameters", gettext_lazy("The request has more than %(limit)s parameters."),
                      limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS) from None
    except TooManyFilesSent:
        raise Refusal(400, "too_many_parameters", gettext_lazy("The request has more than %(limit)s files."),
                      limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES) from None
    except RequestDataTooBig:
        raise Refusal(413, "request_too_large", gettext_lazy("The request is larger than the server accepts.")) \
            from None
    except (MultiPartParserError, UnreadablePostError):
        raise Refusal(400, "unreadable_form", gettext_lazy("The form's data cannot be read.")) from None


def host_free_language_options(request, current):
    """The header's language switcher for a page answered before any view: each language with
    nothing read from the Host header (which may be the very thing refused)."""
    here = request.get_full_path()
    switch = reverse("articles:root")
    return [LanguageOption(code, languages.native_name(code), f"{switch}?{urlencode({'lang': code, 'next': here})}",
                           reverse("articles:home", kwargs={"lang": code}), code == current, True)
            for code in languages.site_languages()]


def refusal_response(request, refusal):
    """JSON under ``/api/``; elsewhere ``400.html`` (context ``title``, ``message``,
    ``error_language_options``) in the reader's language. Neither reads the database, the
    session or the Host header. The only log line is this one, at debug level: Django's warning
    for each 4xx answer is skipped (``_has_been_logged``), so refused requests cannot flood the log."""
    logger.debug("refused %s %s: %s %s", request.method, request.path_info[:200], refusal.code, refusal.field or "")
    with translation.override(reader_language(request)):
        message = refusal.message()
        if is_api(request):
            response = error_response(refusal.code, message, status=refusal.status, field=refusal.field)
        else:
            title = _("Request too large") if refusal.status == 413 else _("Bad request")
            response = render(request, "400.html", {
                "title": title, "message": message,
                "error_language_options": host_free_language_options(request, translation.get_language())},
                status=refusal.status)
    response._has_been_logged = True
    return response


SERVED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class RejectInvalidCharactersMiddleware:
    """A path with a character a URL may not hold is 404 (no page can have that name); a query
    string or form that no view should read is answered here (``check_parameters``), before
    the session, the user or the Host header are read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SERVED_METHODS:  # TRACE, CONNECT, made-up ones: no view answers them
            response = (error_response("method_not_allowed", _("This method is not allowed here."), status=405)
                        if is_api(request) else HttpResponseNotAllowed(SERVED_METHODS))
            response["Allow"] = ", ".join(SERVED_METHODS)
            return response
        if refused_character(request.path_info, CONTROLS) is not None:
            if is_api(request):
                return error_response("not_found", _("No such address."), status=404)
            raise Http404("invalid character in the path")
        try:
            check_parameters(request)
        except Refusal as refusal:
            return refusal_response(request, refusal)
        return self.get_response(request)


from .switching import LanguageOption, reader_language  # noqa: E402 — the URL's, the remembered or the browser's


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
