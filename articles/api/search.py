"""Reading: ``GET /api/search`` (the contract in ../shared/eval/README.md) and ``GET /api/stats``.
Errors are ``{"error": {"code": "...", "message": "..."}}`` with a stable code."""
from django.core.cache import cache
from django.db.models import Count
from django.http import JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from .. import languages
from ..models import Article, ImportRun, Translation
from ..links import article_url
from .errors import error_response
from .schema import (PARAMETER_SCHEMA, TEXT_PARAMETER_SCHEMA, Bcp47LanguageField, error_responses,
                     language_parameter)


class IndexServer(serializers.Serializer):
    server = serializers.CharField()
    position = serializers.IntegerField(allow_null=True)
    lag = serializers.IntegerField(allow_null=True, help_text="Journal entries not applied yet.")
    documents = serializers.IntegerField(required=False, allow_null=True)
    reported_seconds_ago = serializers.FloatField(required=False)


class IndexStatus(serializers.Serializer):
    journal_head = serializers.IntegerField()
    journal_pruned_through = serializers.IntegerField(allow_null=True)
    servers = IndexServer(many=True)
    this_server = IndexServer()


class LastImport(serializers.Serializer):
    finished_at = serializers.DateTimeField()
    imported = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    failed = serializers.IntegerField()
    failures = serializers.ListField(child=serializers.DictField(), help_text="The first 100.")


class SemanticStatus(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="false: search runs lexical-only (reason says why).")
    model = serializers.CharField(allow_null=True, help_text="The embedding model's name and version.")
    reason = serializers.CharField(allow_null=True)
    translations = serializers.IntegerField()
    embedded = serializers.IntegerField(help_text="Translations with an embedding of the current model.")


class Stats(serializers.Serializer):
    articles = serializers.IntegerField()
    translations = serializers.IntegerField()
    translations_per_language = serializers.DictField(child=serializers.IntegerField())
    last_import = LastImport(allow_null=True, help_text="null for anyone but staff.")
    index = IndexStatus(required=False, help_text="Staff only.")
    semantic = SemanticStatus(required=False, help_text="Staff only: semantic search and its embeddings.")


class SearchResult(serializers.Serializer):
    article_number = serializers.CharField()
    language = Bcp47LanguageField(help_text="The translation shown.")
    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    snippet = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()
    error_codes = serializers.ListField(child=serializers.CharField())
    products = serializers.ListField(child=serializers.CharField())


class SearchFacets(serializers.Serializer):
    products = serializers.DictField(child=serializers.IntegerField(), help_text="Product → articles.")
    languages = serializers.DictField(child=serializers.IntegerField(), help_text="Language → articles.")


class SearchOut(serializers.Serializer):
    query = serializers.CharField(help_text="The query searched (its first 2,000 characters).")
    language = Bcp47LanguageField(help_text="The searcher's language.")
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField(), help_text="The error codes recognised in the query.")
    did_you_mean = serializers.CharField(allow_null=True)
    results = SearchResult(many=True)
    facets = SearchFacets()


class Suggestion(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["code", "article"])
    label = serializers.CharField()
    url = serializers.CharField()
    title = serializers.CharField(required=False, allow_blank=True,
                                  help_text="A code's: the title of the article that best explains it.")
    count = serializers.IntegerField(required=False, help_text="A code's: how many articles cite it.")


class SuggestOut(serializers.Serializer):
    suggestions = Suggestion(many=True)


@extend_schema(responses={200: Stats, **error_responses()},
               description="Counts of what the caller may see; staff also get the "
               "last import's failures, each server's index position and lag, and semantic search's state.")
@api_view(["GET"])
@permission_classes([AllowAny])
def stats(request):
    """Counts for monitoring: articles, translations (per language) and the last import.

    Anonymous callers get what readers may see (``Translation.objects.public()``) and
    ``last_import: null``; staff get every article and the last import's failures, whose
    ``path`` is a path on the server. The field names are the same for both."""
    if not request.user.is_staff:
        # Counted at most every PUBLIC_STATS_SECONDS per process: monitoring polls this, and the
        # counts of a large knowledge base take tens of milliseconds.
        body = cache.get(PUBLIC_STATS_KEY)
        if body is None:
            body = _counts(Translation.objects.public(), public=True)
            cache.set(PUBLIC_STATS_KEY, body, PUBLIC_STATS_SECONDS)
        return JsonResponse(body)
    body = _counts(Translation.objects.all(), public=False)
    last = ImportRun.objects.order_by("-finished_at").first()
    body["last_import"] = None if last is None else {
        "finished_at": last.finished_at.isoformat(),
        "imported": last.imported, "updated": last.updated, "unchanged": last.unchanged,
        "failed": last.failed, "failures": last.failures[:100],
    }
    body["index"] = index_status()
    from ..search.semantic.status import semantic_status

    body["semantic"] = semantic_status()
    return JsonResponse(body)


PUBLIC_STATS_KEY = "kb:api-stats:public"
PUBLIC_STATS_SECONDS = 10


def _counts(translations, public):
    per_language = dict(translations.values_list("language").annotate(n=Count("id")).order_by("language"))
    articles = Article.objects.filter(translations__in=translations).distinct() if public else Article.objects.all()
    return {"articles": articles.count(), "translations": sum(per_language.values()),
            "translations_per_language": per_language, "last_import": None}


def index_status():
    """For staff: the journal's head and, per server, its index position, lag (entries not yet
    applied) and when its indexer last reported; this server's own position read from its index."""
    from django.utils import timezone

    from ..search import get_backend
    from ..search.sync import journal
    from ..search.sync.indexer import server_name
    from ..search.sync.models import IndexerStatus

    head, pruned = journal.head()
    now = timezone.now()
    servers = [{
        "server": status.server, "position": status.position, "lag": max(0, head - status.position),
        "documents": status.documents, "reported_seconds_ago": round((now - status.updated_at).total_seconds(), 1),
    } for status in IndexerStatus.objects.all()]
    backend = get_backend()
    position = backend.position()
    return {"journal_head": head, "journal_pruned_through": pruned, "servers": servers,
            "this_server": {"server": server_name(backend), "position": position,
                            "lag": None if position is None else max(0, head - position)}}


MAX_LIMIT = 50
MAX_QUERY_CHARS = 2000


def _positive_int(request, name, default, maximum):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= maximum:
        raise ValueError(_("Parameter '%(name)s' must be a whole number from 1 to %(max)d.")
                         % {"name": name, "max": maximum})
    return value


@extend_schema(parameters=[
    OpenApiParameter("q", TEXT_PARAMETER_SCHEMA, required=True,
                     description="Any text (a code, words, a log line); beyond 2,000 characters it is cut."),
    language_parameter(description="The searcher's language (default en); any usual spelling is accepted too "
                                   "(fr-FR, fr_FR, zh-Hans)."),
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10}),
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}),
    OpenApiParameter("product", PARAMETER_SCHEMA, description="Only articles of this product.")],
    responses={200: SearchOut, **error_responses({400: ["missing_query", "unknown_language", "invalid_parameter"],
                                                   503: ["index_unavailable"]})})
@api_view(["GET"])
@permission_classes([AllowAny])
def search(request):
    """``GET /api/search?q=&lang=&limit=&product=&page=`` — the contract in ../shared/eval/README.md."""
    from ..analytics.recorder import record_results
    from ..search import IndexUnavailable
    from ..search.service import search as run_search

    text = request.GET.get("q", "")
    if not text.strip():
        return error_response("missing_query", _("Parameter 'q' is required and must not be empty."))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
    language = languages.normalize_language(request.GET.get("lang") or "en")
    if language is None:
        return error_response("unknown_language", _("Parameter 'lang' names no language served here."))
    try:
        limit = _positive_int(request, "limit", 10, MAX_LIMIT)
        page = _positive_int(request, "page", 1, 1000)
    except ValueError as error:
        return error_response("invalid_parameter", error)
    try:
        found = run_search(text, language, request.user, limit=limit, page=page,
                           product=request.GET.get("product") or None)
    except IndexUnavailable:
        # The index is missing, being rebuilt or was found damaged: the indexer is on it.
        response = error_response("index_unavailable", _("Search is unavailable for a moment. Please try again."),
                                  status=503)
        response["Retry-After"] = "2"
        return response
    record_results(text, language, found, page, "api")
    return JsonResponse({
        "query": text, "language": languages.bcp47(language), "total": found.total, "page": page,
        "codes": found.codes, "did_you_mean": found.suggestion,
        "results": [{
            "article_number": r.article_number, "language": languages.bcp47(r.language), "title": r.title,
            "url": article_url(r.language, r.article_number),
            "snippet": r.snippet, "score": r.score, "error_codes": r.error_codes, "products": r.products,
        } for r in found.results],
        "facets": {"products": found.products, "languages": found.languages},
    })


MAX_SUGGESTIONS = 8


@extend_schema(parameters=[OpenApiParameter("q", PARAMETER_SCHEMA,
                                           description="The text typed so far (its first 100 characters)."),
                           language_parameter(description="The reader's language (default en); any usual spelling "
                                                          "is accepted too.")],
               responses={200: SuggestOut, **error_responses({400: ["unknown_language"]})})
@api_view(["GET"])
@permission_classes([AllowAny])
def suggest(request):
    """``GET /api/suggest?q=&lang=`` — search-as-you-type: ``{"suggestions": [{"kind": "code",
    "label", "url", "title", "count"} | {"kind": "article", "label", "url"}]}``, the codes that
    begin like ``q`` (3+ characters), most cited first, each with the title of the article that
    best explains it, then titles; each url in the reader's language (empty under two characters)."""
    from django.urls import reverse

    from ..listings import suggestions

    language = languages.normalize_language(request.GET.get("lang") or "en")
    if language is None:
        return error_response("unknown_language", _("Parameter 'lang' names no language served here."))
    found = suggestions(request.GET.get("q", "")[:100], language, request.user, MAX_SUGGESTIONS)
    for item in found:
        item["url"] = (reverse("articles:code", kwargs={"lang": language, "code": item.pop("code")})
                       if item["kind"] == "code" else article_url(language, item.pop("number")))
    response = JsonResponse({"suggestions": found})
    # Staff see suggestions readers do not (drafts, internal articles): kept by their browser only.
    staff = request.user.is_authenticated
    response["Cache-Control"] = "private, max-age=60" if staff else "public, max-age=60"
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response
