"""Addresses of notifications: the editor's inbox and preferences, and the API; included from
``kb.urls``."""
from django.urls import path

from ..urls import LanguageConverter  # noqa: F401 — registers the ``lang`` converter
from . import api, views

app_name = "notifications"
INBOX = "<lang:lang>/editor/notifications/"
urlpatterns = [
    path(INBOX, views.inbox_page, name="inbox"),
    path(INBOX + "preferences/", views.preferences_page, name="preferences"),
    path(INBOX + "read/", views.mark_all_read, name="read-all"),
    path(INBOX + "<int:pk>/", views.open_notification, name="open"),
    path(INBOX + "<int:pk>/read/", views.mark_read, name="read"),
    path("api/notifications/", api.notification_list, name="api-list"),
    path("api/notifications/read/", api.notifications_read_all, name="api-read-all"),
    path("api/notifications/preferences/", api.preferences, name="api-preferences"),
    path("api/notifications/<int:notification_id>/", api.notification_detail, name="api-detail"),
    path("api/notifications/<int:notification_id>/read/", api.notification_read, name="api-read"),
]
