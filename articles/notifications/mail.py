"""E-mails of notifications, through Django's mail framework (``EMAIL_BACKEND``: the console
unless ``KB_EMAIL_HOST`` names an SMTP server).

    message_for(recipient, notifications, language, digest=False) -> EmailMultiAlternatives
    send_at_once(notifications)      -> ids e-mailed: each ``immediate`` one, a mail of its own

A message is rendered under ``translation.override(language)``: subject, plain text
(``notifications/mail.txt``) and an HTML alternative (``notifications/mail.html``), links
absolute under ``KB_EMAIL_SITE_URL``. One notification's subject is its sentence; a digest's
says how many it holds.

``send_at_once`` claims each notification (``emailed_at`` set while it is still None) before
sending, so the daily digest never sends it too, and gives it back when the sending fails: it
is then owed and goes with the next digest. A failure is logged, never raised.
"""
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import describe
from .models import Mode, Notification
from .preferences import email_language, preferences_for

logger = logging.getLogger("articles.notifications")
SUBJECT_CHARS = 150


def message_for(recipient, notifications, language, digest=False):
    with translation.override(language):
        entries = describe.entries(notifications, language)
        origin = settings.KB_EMAIL_SITE_URL.rstrip("/")
        context = {"entries": entries, "origin": origin, "digest": digest, "LANG": language,
                   "name": recipient.get_username(),
                   "preferences_url": origin + reverse("notifications:preferences", kwargs={"lang": language}),
                   "inbox_url": origin + reverse("notifications:inbox", kwargs={"lang": language})}
        if digest:
            subject = _("Notifications from the knowledge base (%(count)s)") % {"count": len(entries)}
        else:
            subject = entries[0].text
        text = render_to_string("notifications/mail.txt", context)
        html = render_to_string("notifications/mail.html", context)
    subject = settings.KB_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())[:SUBJECT_CHARS]
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def send_at_once(notifications):
    notifications = [n for n in notifications if n.delivery == Mode.IMMEDIATE]
    if not notifications:
        return []
    languages = {pk: email_language(p) for pk, p in preferences_for({n.recipient_id for n in notifications}).items()}
    sent = []
    connection = get_connection()
    try:
        for item in notifications:
            if _claim(item):
                try:
                    connection.send_messages([message_for(item.recipient, [item], languages[item.recipient_id])])
                except Exception:
                    logger.exception("e-mail of notification %s to user %s failed; it goes with the next digest",
                                     item.pk, item.recipient_id)
                    _give_back(item)
                else:
                    sent.append(item.pk)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 — a connection that cannot close has sent what it sent
            logger.exception("closing the mail connection failed")
    return sent


def _claim(item):
    return Notification.objects.filter(pk=item.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()) == 1


def _give_back(item):
    Notification.objects.filter(pk=item.pk, digest__isnull=True).update(emailed_at=None)
