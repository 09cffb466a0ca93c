"""The load benchmark's floor (``bench/load.py``): the least a request can cost on this site, a
view that answers a few bytes through the same gunicorn and the same middleware as every page.

Its address exists only in a server started with ``KB_BENCH_FLOOR=1`` (``kb.urls``), never in
production.
"""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

FLOOR_PATH = "_bench/floor"


@require_safe
def floor(request):
    """No model, no template, no session read: ``ok`` as text/plain."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH, floor, name="bench-floor")]
