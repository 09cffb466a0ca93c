"""``GET /api/analytics/searches/?days=7&lang=fr`` — the editors' search figures as JSON, for staff."""
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser

from .. import languages
from ..api.errors import error_response
from ..api.schema import EDITOR, LanguageField, error_responses, language_parameter
from ..switching import whole_number
from . import reports


class QueryCount(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()


class SearchFigures(serializers.Serializer):
    days = serializers.IntegerField()
    language = LanguageField(allow_null=True, help_text="null: every language.")
    searches = serializers.IntegerField()
    click_rate = serializers.FloatField(help_text="0 to 1.")
    top = QueryCount(many=True)
    no_results = QueryCount(many=True)
    no_clicks = QueryCount(many=True)


@extend_schema(parameters=[OpenApiParameter("days", {"type": "integer", "minimum": 1, "maximum": reports.MAX_DAYS,
                                                     "default": reports.DEFAULT_DAYS}),
                           language_parameter(description="Absent: every language. Any usual spelling of a served "
                                                          "language is accepted too.")],
               responses={200: SearchFigures,
                          **error_responses(EDITOR, {400: ["invalid_parameter", "unknown_language"]})},
               description="Staff only: searches, click_rate, top, no_results, no_clicks (queries grouped "
                           "case- and space-insensitively).")
@api_view(["GET"])
@permission_classes([IsAdminUser])
def search_figures(request):
    """``{"days", "language", "searches", "click_rate", "top": [{"query", "count"}], "no_results": […],
    "no_clicks": […]}``; ``lang`` absent means every language. 401/403 for anyone but staff."""
    days = whole_number(request.GET.get("days") or str(reports.DEFAULT_DAYS))
    if not (days and days <= reports.MAX_DAYS):
        return error_response("invalid_parameter", _("Parameter 'days' must be a whole number from 1 to %(max)d.")
                              % {"max": reports.MAX_DAYS}, field="days")
    language = None
    if request.GET.get("lang"):
        language = languages.normalize_language(request.GET["lang"])
        if language is None:
            return error_response("unknown_language", _("Parameter 'lang' names no language served here."))
    return JsonResponse(reports.search_report(days, language).as_dict())
