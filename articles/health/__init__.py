"""Keeping articles trustworthy after they are published (issue 28): who owns each article,
when it is due for review, readers' flags that become tasks for the owner, and the daily run
that marks due articles.

- ``models``: one ``ArticleHealth`` row per article (owner, review clock), and its records.
- ``owners``: what lists and forms need to know about owners (choices, the owner filter).
- ``views``, ``api``, ``urls``: editor pages, the reader's flag form and the JSON API, thin.

Changes to an article's owner and review state are actions of the editing service
(``articles/editing/health.py``); pages, the API and the importer call them.
"""
