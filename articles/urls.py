from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter

from drf_spectacular.views import SpectacularAPIView

from . import views
from .readercache import reader_page
from .analytics import api as analytics_api, views as analytics
from .api import articles as articles_api, search as api
from .sitemaps import sitemaps


class LanguageConverter:
    """A locale-looking URL segment; views map it to a served language or answer 404."""

    regex = r"[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8}){0,2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LanguageConverter, "lang")

app_name = "articles"
# The JSON API's addresses, each under /api/ (names as the pages' own: ``articles:api-search``).
API_ROUTES = [
    path("stats", api.stats, name="api-stats"),
    path("search", api.search, name="api-search"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("preview/", articles_api.preview, name="api-preview"),
    path("articles/", articles_api.create_article, name="api-articles"),
    path("articles/<str:number>/", articles_api.article_detail, name="api-article"),
    path("articles/<str:number>/transitions/", articles_api.transitions, name="api-transitions"),
    path("articles/<str:number>/translations/<lang:lang>/", articles_api.translation_detail,
         name="api-translation"),
    path("articles/<str:number>/translations/<lang:lang>/revisions/", articles_api.revisions,
         name="api-revisions"),
    path("articles/<str:number>/translations/<lang:lang>/revisions/<int:revision>/",
         articles_api.revision_detail, name="api-revision"),
    path("articles/<str:number>/translations/<lang:lang>/revisions/<int:revision>/restore/",
         articles_api.restore, name="api-restore"),
    path("articles/<str:number>/translations/<lang:lang>/diff/", articles_api.diff, name="api-diff"),
    path("suggest", api.suggest, name="api-suggest"),
]

urlpatterns = [
    path("", views.root, name="root"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps(), "sitemap_url_name": "articles:sitemap"},
         name="sitemap-index"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": sitemaps()}, name="sitemap"),
    path("api/", include(API_ROUTES)),  # one test of "api/" for every page outside the API
    path("<lang:lang>/", reader_page(views.home, settles=True), name="home"),
    path("<lang:lang>/articles/", reader_page(views.article_list, settles=True), name="list"),
    path("<lang:lang>/articles/<str:number>/", reader_page(views.article_detail, article=views.article_shown),
         name="article"),
    path("<lang:lang>/docs/<path:address>/", reader_page(views.doc_page, article=views.doc_page_shown),
         name="doc"),
    path("_doc/<path:path>", views.doc_link, name="doc-link"),
    path("<lang:lang>/products/<str:product>/", reader_page(views.article_list, settles=True), name="product"),
    path("<lang:lang>/search", views.search_page, name="search"),
    path("<lang:lang>/codes/", reader_page(views.code_list, settles=True), name="codes"),
    path("<lang:lang>/codes/<str:code>/", reader_page(views.code_page, settles=True), name="code"),
    path("api/analytics/searches/", analytics_api.search_figures, name="api-analytics-searches"),
    path("<lang:lang>/search/open", analytics.open_result, name="search-open"),
    path("<lang:lang>/articles/<str:number>/feedback", analytics.vote, name="feedback"),
    path("<lang:lang>/analytics/searches/", analytics.search_dashboard, name="analytics-searches"),
    path("<lang:lang>/analytics/searches/write", analytics.write_article, name="analytics-write"),
    path("<lang:lang>/analytics/feedback/", analytics.feedback_dashboard, name="analytics-feedback"),
]

# Log triage (issue 13).
from .api import triage as triage_api  # noqa: E402
from .triage import views as triage_views  # noqa: E402

urlpatterns += [
    path("api/triage", triage_api.triage, name="api-triage"),
    path("<lang:lang>/triage/", triage_views.triage_page, name="triage"),
]

# Search before you create (issue 27): the existing articles close to a draft.
from .api import similar as similar_api  # noqa: E402

urlpatterns += [path("api/similar-articles", similar_api.similar_articles, name="api-similar-articles")]
