"""Addresses of ``articles.quality``: the scoring page, the editors' report and the API; included
from ``kb.urls``."""
from django.urls import path

from ..urls import LanguageConverter  # noqa: F401 — registers the ``lang`` converter
from . import api, views

app_name = "quality"
urlpatterns = [
    path("<lang:lang>/editor/articles/<str:number>/quality/", views.score, name="score"),
    path("<lang:lang>/editor/quality/", views.quality_report, name="report"),
    path("api/quality/checklist/", api.checklist, name="api-checklist"),
    path("api/quality/report/", api.quality_report, name="api-report"),
    path("api/articles/<str:number>/scores/", api.scores, name="api-scores"),
]
