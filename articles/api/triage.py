"""``POST /api/triage`` — ``{"text", "lang"?}`` (a log excerpt or stack trace, up to 1 MB) →
``{"codes": [...], "products": [...], "versions": [...], "results": [{"article_number",
"language", "title", "url", "score", "lines", "codes"}]}`` (``articles.triage.ranking``).
Errors: 400 ``missing_text``/``unknown_language``, 413 ``paste_too_large``, 503 ``index_unavailable``."""
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from .. import languages
from ..links import article_url
from ..triage import budget
from ..triage.forms import MAX_PASTE_BYTES
from .errors import error_response
from .schema import JSON_BODY, Bcp47LanguageField, LanguageField, RequestBody, TextField, error_responses


class TriageIn(RequestBody):
    text = TextField(help_text="A log excerpt or stack trace, up to 1 MB (UTF-8).")
    lang = LanguageField(required=False, help_text="The reader's language (default en); any usual spelling of a "
                                                   "served one is accepted too (fr-FR, zh-Hans).")


class TriageResult(serializers.Serializer):
    article_number = serializers.CharField()
    language = Bcp47LanguageField(help_text="The translation shown.")
    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    score = serializers.FloatField()
    lines = serializers.ListField(child=serializers.IntegerField(), help_text="1-based lines of the paste it explains.")
    codes = serializers.ListField(child=serializers.CharField(), help_text="The paste's signals the article cites.")


class TriageOut(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(),
                                  help_text="The signals found: error codes, exceptions, HTTP error statuses.")
    products = serializers.ListField(child=serializers.CharField())
    versions = serializers.ListField(child=serializers.CharField())
    results = TriageResult(many=True)


@extend_schema(request=TriageIn, operation_id="triage_log",
               responses={200: TriageOut, **error_responses(JSON_BODY, {
                   400: ["missing_text", "unknown_language"], 413: ["paste_too_large"], 429: ["too_many_requests"], 503: ["index_unavailable"]})},
               description="Rank the articles that explain a pasted log or stack trace (up to 1 MB).")
@api_view(["POST"])
@permission_classes([AllowAny])
def triage(request):
    from ..search import IndexUnavailable
    from ..triage.ranking import triage as run_triage

    data = request.data if isinstance(request.data, dict) else {}
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return error_response("missing_text", _("Field 'text' is required and must not be empty."), field="text")
    if len(text.encode("utf-8")) > MAX_PASTE_BYTES:
        return error_response("paste_too_large", _("The paste is larger than 1 MB."), status=413, field="text")
    language = languages.normalize_language(data.get("lang") or "en") if isinstance(data.get("lang", ""), str) else None
    if language is None:
        return error_response("unknown_language", _("Field 'lang' names no language served here."), field="lang")
    if not budget.allowed(request):
        response = error_response("too_many_requests", _("Too many pastes from here: please try again in a minute."),
                                  status=429)
        response["Retry-After"] = budget.RETRY_AFTER
        return response
    try:
        found = run_triage(text, language, request.user)
    except IndexUnavailable:
        response = error_response("index_unavailable", _("Search is unavailable for a moment. Please try again."),
                                  status=503)
        response["Retry-After"] = "2"
        return response
    return JsonResponse({
        "codes": found.codes, "products": found.paste.products, "versions": found.paste.versions,
        "results": [{
            "article_number": r.article_number, "language": languages.bcp47(r.language), "title": r.title,
            "url": article_url(language, r.article_number), "score": r.score, "lines": r.lines, "codes": r.codes,
        } for r in found.results],
    })
