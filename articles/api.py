"""The JSON API. Errors are ``{"error": {"code": "...", "message": "..."}}`` with a stable code."""
from django.db.models import Count
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .models import Article, ImportRun, Translation


def error_response(code, message, status=400):
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


@require_GET
def stats(request):
    """Counts for monitoring: articles, translations (per language) and the last import's failures."""
    per_language = dict(
        Translation.objects.values_list("language").annotate(n=Count("id")).order_by("language"))
    last = ImportRun.objects.order_by("-finished_at").first()
    return JsonResponse({
        "articles": Article.objects.count(),
        "translations": Translation.objects.count(),
        "translations_per_language": per_language,
        "last_import": None if last is None else {
            "finished_at": last.finished_at.isoformat(),
            "imported": last.imported, "updated": last.updated, "unchanged": last.unchanged,
            "failed": last.failed, "failures": last.failures[:100],
        },
    })
