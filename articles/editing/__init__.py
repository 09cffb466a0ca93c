"""Editing: the one service through which articles change (see ``actions``), who may change
them (``permissions``), revision diffs (``diff``) and what editors and the API read
(``queries``)."""
