"""Addresses of ``articles.health``: editor pages, the readers' flag form and the API; included
from ``kb.urls``."""
from django.urls import path

from ..urls import LanguageConverter  # noqa: F401 — registers the ``lang`` converter
from . import api, views

app_name = "health"
ARTICLE = "<lang:lang>/editor/articles/<str:number>/"
urlpatterns = [
    path(ARTICLE + "owner/", views.set_owner, name="owner"),
    path("api/articles/<str:number>/owner/", api.owner, name="api-owner"),
]
