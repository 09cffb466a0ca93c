"""Telling people what needs them (issue 28): an inbox per user, e-mails at once or in a daily
digest, and each user's choices.

- ``models``: ``Notification`` (one per recipient and event), ``Preferences`` (one row per user:
  a mode per kind, the language of e-mails), ``Digest`` (one per user and day).
- ``events``: the hooks the editing service calls; they notify after its transaction commits.
- ``people``: who each event concerns. ``preferences``: choices, read and changed.
- ``inbox``: a user's notifications, unread count, marking read. ``describe``: what a
  notification says, in the active language. ``mail``: e-mails in the recipient's language.
- ``daily``: review-due reminders and digests, from ``manage.py kb_daily``.
- ``views``, ``api``, ``urls``, ``middleware``: thin edges.
"""
