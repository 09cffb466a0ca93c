"""Addresses of ``articles.health``: editor pages, the readers' flag form and the API; included
from ``kb.urls``."""
from django.urls import path

from ..urls import LanguageConverter  # noqa: F401 — registers the ``lang`` converter
from . import api, views

app_name = "health"
ARTICLE = "<lang:lang>/editor/articles/<str:number>/"
urlpatterns = [
    path(ARTICLE + "owner/", views.set_owner, name="owner"),
    path(ARTICLE + "verify/", views.verify, name="verify"),
    path(ARTICLE + "review-interval/", views.set_interval, name="interval"),
    path("<lang:lang>/editor/review-settings/", views.review_settings, name="settings"),
    path("<lang:lang>/editor/attention/", views.attention, name="attention"),
    path("<lang:lang>/editor/tasks/<int:task_id>/", views.task_detail, name="task"),
    path("<lang:lang>/editor/tasks/<int:task_id>/move/", views.move_task, name="move"),
    path("<lang:lang>/articles/<str:number>/flag", views.flag_article, name="flag"),
    path("api/articles/<str:number>/owner/", api.owner, name="api-owner"),
    path("api/articles/<str:number>/review/", api.review, name="api-review"),
    path("api/articles/<str:number>/verifications/", api.verifications, name="api-verifications"),
    path("api/articles/<str:number>/flags/", api.flags, name="api-flags"),
    path("api/tasks/", api.task_list, name="api-tasks"),
    path("api/tasks/<int:task_id>/", api.task_detail, name="api-task"),
    path("api/tasks/<int:task_id>/transitions/", api.task_transitions, name="api-task-transitions"),
    path("api/review-settings/", api.review_settings, name="api-review-settings"),
]
