"""Hot read queries compiled to SQL once, run many times: a speed-up that ``KB_SEARCH_SPEEDUPS=0``
switches off.

Django compiles a queryset to SQL at every execution, and for the small queries of an article
page that is most of their cost. ``rows(build, shape, values)`` is ``list(build(*shape, values))``
with the values distinct. While ``enabled()``, it compiles ``build(*shape, markers)`` once per
shape, number of values and database, then runs that SQL with ``values`` in place of the
markers; otherwise it runs the queryset through Django's public API. Either way the queryset is
the one definition of the query (visibility rules included): only its SQL is remembered.
``bench/pages.py`` measures what that saves an article page.

``enabled()`` is true when ``settings.KB_SEARCH_SPEEDUPS`` is and the installed Django is the
release whose SQL compiler this module reads (``WRITTEN_FOR``: its ``select``, ``col_count`` and
``get_converters`` are Django's internals); any other release turns it off, with one warning.

``build`` must return a ``values_list`` queryset that uses each marker once as a parameter
(``__in=markers``). Markers are strings, or integers when the values are (``numeric=True``:
ids). Columns are converted from the database as Django would (JSON, dates on SQLite): the
converters are found once with the SQL.

``instances(model, fields, found)`` makes model instances of such rows, as ``.only(*fields)``
would (the other fields deferred).
"""
from functools import lru_cache
import logging

import django
from django.db import connections

logger = logging.getLogger(__name__)
WRITTEN_FOR = (5, 2)  # django.VERSION[:2] of the release whose compiler this module reads
MARKER = "\x00kb-value-{}\x00"
NUMERIC_MARKER = -7_340_912_000_000  # minus the value's place: no id is negative


def enabled():
    """Whether queries are compiled once now (read at every call: tests change the setting)."""
    from django.conf import settings

    return bool(getattr(settings, "KB_SEARCH_SPEEDUPS", True)) and release_matches()


@lru_cache(maxsize=1)
def release_matches():
    """Whether the installed Django is ``WRITTEN_FOR`` (checked once per process; ``False`` is
    logged)."""
    if tuple(django.VERSION[:2]) == WRITTEN_FOR:
        return True
    logger.warning("queries are compiled at every call: articles.prepared was written for Django %s "
                   "and Django %s is installed", ".".join(map(str, WRITTEN_FOR)), django.get_version())
    return False


def rows(build, shape, values, using="default", numeric=False):
    """``list(build(*shape, values))`` as tuples, the values distinct."""
    values = list(dict.fromkeys(values))
    if not values:
        return []
    if not enabled():
        return [tuple(row) for row in build(*shape, values).using(using)]
    connection = connections[using]
    sql, slots, fixed, converters = _compiled(build, tuple(shape), len(values), numeric, using, connection.vendor)
    params = list(fixed)
    for position, index in slots:
        params[position] = values[index]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if converters:
        found = [_converted(row, converters, connection) for row in found]
    return found


def _converted(row, converters, connection):
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return tuple(row)


def instances(model, fields, found, using="default"):
    """Instances of ``model`` from rows of its ``fields`` (attnames, in the model's field order)."""
    return [model.from_db(using, fields, row) for row in found]


def field_names(model, names=None):
    """The attnames of ``model``'s concrete fields, or of those in ``names``, in the model's order
    (the order ``instances`` reads them in)."""
    return tuple(f.attname for f in model._meta.get_fields()
                 if f.concrete and not f.many_to_many and (names is None or f.attname in names))


@lru_cache(maxsize=256)
def _compiled(build, shape, count, numeric, using, vendor):
    markers = [NUMERIC_MARKER - i if numeric else MARKER.format(i) for i in range(count)]
    compiler = build(*shape, markers).query.get_compiler(using)
    sql, params = compiler.as_sql()
    columns = [column for column, _, _ in compiler.select[:compiler.col_count]]
    converters = tuple(sorted(compiler.get_converters(columns).items()))
    index = {marker: i for i, marker in enumerate(markers)}
    kind = int if numeric else str
    slots = tuple((position, index[param]) for position, param in enumerate(params)
                  if type(param) is kind and param in index)
    if len(slots) != count:
        raise ValueError(f"{build.__name__}: each of the {count} markers must be a parameter once")
    return sql, slots, tuple(params), converters
