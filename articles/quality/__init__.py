"""The Article Quality Index (issue 28): coaches score an article's current revision against a
weighted yes/no checklist (the KCS Content Standard); the AQI of a score is its weighted yes
over its weighted applicable answers, 0-100; editors read it per article, author and team per
month.

- ``models``: the checklist's ``Question`` rows, and each ``Score`` with its ``Answer`` rows.
- ``defaults``: the checklist kb ships (installed by a data migration).
- ``checklist``: the active questions in order, each question's text in a language.
- ``checks``: the automatic checks kb makes itself (pure: values in, answers out);
  ``subjects`` gathers what they read from the database and media.
- ``aqi``: the arithmetic. ``report``: the editors' report (reads only).
- ``views``, ``api``, ``urls``, ``admin``: thin.

Every change (a score, a question added, changed or retired) is an action of the editing
service (``articles/editing/quality.py``).
"""
