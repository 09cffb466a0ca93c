"""Request bodies: JSON, refused above ``MAX_REQUEST_BYTES`` before it is read into memory."""
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # a 1 MB body, escaped, fits


class RequestTooLarge(ParseError):
    status_code = 413
    default_code = "request_too_large"


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
        import io

        return super().parse(io.BytesIO(data), media_type, parser_context)
