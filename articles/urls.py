from django.urls import path, register_converter

from . import api, views


class LanguageConverter:
    """A locale-looking URL segment; views map it to a served language or answer 404."""

    regex = r"[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8}){0,2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LanguageConverter, "lang")

app_name = "articles"
urlpatterns = [
    path("", views.root, name="root"),
    path("api/stats", api.stats, name="api-stats"),
    path("api/search", api.search, name="api-search"),
    path("<lang:lang>/", views.home, name="home"),
    path("<lang:lang>/articles/<str:number>/", views.article_detail, name="article"),
    path("<lang:lang>/search", views.search_page, name="search"),
    path("<lang:lang>/codes/<str:code>/", views.code_page, name="code"),
]
