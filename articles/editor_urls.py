"""Editor pages (``articles.editor``) and signing in and out; included from ``kb.urls``."""
from django.urls import path

from .editor import account, history, review, similar, upload, views
from .urls import LanguageConverter  # noqa: F401 — registers the ``lang`` converter

app_name = "editor"
ARTICLE = "<lang:lang>/editor/articles/<str:number>/"
TRANSLATION = ARTICLE + "<lang:language>/"
urlpatterns = [
    path("accounts/login/", account.SignInView.as_view(), name="login"),
    path("accounts/logout/", account.SignOutView.as_view(), name="logout"),
    path("<lang:lang>/editor/", review.dashboard, name="dashboard"),
    path("<lang:lang>/editor/review/", review.review_queue, name="review"),
    path("<lang:lang>/editor/translations/<lang:language>/", review.translation_list, name="translations"),
    path("<lang:lang>/editor/new/", views.create_article, name="create"),
    path("<lang:lang>/editor/preview/", views.preview, name="preview"),
    path("<lang:lang>/editor/upload/", upload.upload, name="upload"),
    path("<lang:lang>/editor/similar/", similar.similar, name="similar"),
    path("<lang:lang>/editor/duplicates/", similar.duplicates, name="duplicates"),
    path(ARTICLE, review.article_overview, name="article"),
    path(ARTICLE + "transition/", review.transition, name="transition"),
    path(ARTICLE + "audience/", review.audience, name="audience"),
    path(TRANSLATION + "edit/", views.edit_translation, name="edit"),
    path(TRANSLATION + "history/", history.history, name="history"),
    path(TRANSLATION + "diff/", history.diff, name="diff"),
    path(TRANSLATION + "restore/<int:revision>/", history.restore, name="restore"),
]
