from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Inboxes, e-mails, digests and each user's choices: tables of their own."""

    name = "articles.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"
