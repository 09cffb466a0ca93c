"""One error shape for the whole API: ``{"error": {"code": "...", "message": "...", "field"?}}``
with a stable code, plus ``current_revision`` and ``changes`` for a conflict."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..editing.errors import Conflict, EditingError

CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.ParseError: "invalid_json",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code, message, **extra):
    error = {"code": code, "message": str(message)}
    error.update({k: v for k, v in extra.items() if k == "field" and v})
    body = {"error": error}
    body.update({k: v for k, v in extra.items() if k != "field"})
    return body


def error_response(code, message, status=400, **extra):
    """For plain Django views of the API (search, stats)."""
    return JsonResponse(error_body(code, message, **extra), status=status)


def handle(exc, context):
    """DRF's exception handler, reshaped; editing errors keep their code and field."""
    if isinstance(exc, Conflict):
        return Response(error_body(exc.code, exc.message, current_revision=exc.current_revision, changes=exc.changes,
                                   conflicts=exc.conflicts, merged=exc.merged),
                        status=exc.status)
    if isinstance(exc, EditingError):
        return Response(error_body(exc.code, exc.message, field=exc.details.get("field")), status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("request_too_large", _("The request is larger than 2 MB.")), status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message, code = _first_error(exc.detail)
        response.data = error_body(code or "invalid", message, field=field)
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = CODES.get(type(exc)) or getattr(exc, "default_code", "error")
    message = exc.detail if isinstance(exc.detail, str) else _("The request was refused.")
    response.data = error_body(code, message)
    return response


def _first_error(detail, prefix=""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            return _first_error(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
    if isinstance(detail, list) and detail:
        return _first_error(detail[0], prefix)
    return prefix or None, str(detail), getattr(detail, "code", None)
