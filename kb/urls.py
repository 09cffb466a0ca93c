import os

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.media import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    # Media in every mode, not only with DEBUG: article images are part of the content.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    # Readers' pages first: a request tries each pattern in turn, and these are most requests.
    # No path matches both one of them and a pattern below (``tests/test_urls.py``).
    path("", include("articles.urls")),
    path("", include("articles.editor_urls")),
    path("", include("articles.health.urls")),
    path("", include("articles.notifications.urls")),
    path("", include("articles.quality.urls")),
]
# bench/load.py's floor, in the servers it starts with KB_BENCH_FLOOR=1 and nowhere else.
if os.environ.get("KB_BENCH_FLOOR") == "1":
    urlpatterns.insert(0, path("", include("articles.benchfloor")))
handler400 = "articles.views.bad_request"
handler404 = "articles.views.not_found"
