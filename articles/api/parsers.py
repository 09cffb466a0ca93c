"""Request bodies: JSON, refused above ``MAX_REQUEST_BYTES`` before it is read into memory,
nested deeper than ``textgate.MAX_DEPTH`` (400 ``too_deep``), or holding a character the text
gate refuses at any depth (400 ``invalid_characters`` naming the field)."""
import io

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .. import textgate
from ..editing.errors import Invalid

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # a 1 MB body, escaped, fits


class RequestTooLarge(ParseError):
    status_code = 413
    default_code = "request_too_large"


class TooDeep(ParseError):
    default_code = "too_deep"


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            too_large = int(length or 0) > MAX_REQUEST_BYTES
        except ValueError:
            too_large = True
        if too_large:
            raise RequestTooLarge(_("The request is larger than 2 MB."))
        data = stream.read(MAX_REQUEST_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_REQUEST_BYTES:
            raise RequestTooLarge(_("The request is larger than 2 MB."))
        try:
            parsed = super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:  # the C decoder recurses once per level
            raise TooDeep(_("The request's JSON is nested deeper than %(limit)d levels.")
                          % {"limit": textgate.MAX_DEPTH}) from None
        if not textgate.check_depth(parsed):
            raise TooDeep(_("The request's JSON is nested deeper than %(limit)d levels.")
                          % {"limit": textgate.MAX_DEPTH})
        found = textgate.first_invalid(parsed)
        if found is not None:
            field, character = found
            raise Invalid(field, _("This field holds a character that is not allowed (%(character)s).")
                          % {"character": textgate.describe(character)}, code="invalid_characters")
        return parsed
