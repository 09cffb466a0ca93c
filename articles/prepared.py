"""Hot read queries compiled to SQL once, run many times.

Django compiles a queryset to SQL at every execution: for the small queries of an article page
that is most of their cost (a related-articles query took 0.73 ms, of which the database 0.1).
``rows(build, shape, values)`` compiles ``build(*shape, markers)`` once per shape, number of
values and database, then runs that SQL with ``values`` in place of the markers. The queryset
stays the one definition of the query (visibility rules included); only its SQL is remembered.

``build`` must return a ``values_list`` queryset that uses each marker once as a parameter
(``__in=markers``). Markers are strings, or integers when the values are (``numeric=True``:
ids). Columns are converted from the database as Django would (JSON, dates on SQLite): the
converters are found once with the SQL.

``instances(model, fields, found)`` makes model instances of such rows, as ``.only(*fields)``
would (the other fields deferred).
"""
from functools import lru_cache

from django.db import connections

MARKER = "\x00kb-value-{}\x00"
NUMERIC_MARKER = -7_340_912_000_000  # minus the value's place: no id is negative


def rows(build, shape, values, using="default", numeric=False):
    """``list(build(*shape, values))`` as tuples, the values distinct."""
    values = list(dict.fromkeys(values))
    if not values:
        return []
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
    return tuple(f.attname for f in model._meta.concrete_fields if names is None or f.attname in names)


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
