"""Querysets compiled to SQL once per process and run again with other values.

Building a queryset and compiling it costs a list page more than the database takes to
answer it, and a page's queries differ from one request to the next only in their
values: the time ``published()`` compares with, a slug, the page's ids. A
``PreparedQuery`` is compiled once, from the queryset built with marker values, and each
run puts the request's values where the markers were, or the SQL of a subquery where
a marker list of one stood. Rows come back as ``values_list()`` gives them.
"""

from functools import cache

from django.core.exceptions import EmptyResultSet
from django.db import connections


class PreparedQuery:
    def __init__(self, queryset):
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(using=self.alias)
        sql, params = compiler.as_sql()
        self.pieces = sql.split("%s")
        self.params = list(params)
        self.converters = compiler.get_converters([column for column, _s, _a in compiler.select])
        self.found = {}

    def places(self, marker) -> list[int]:
        """Where ``marker`` (already as the database gets it) sits among the parameters."""
        if marker in self.found:
            return self.found[marker]
        places = [n for n, value in enumerate(self.params) if value == marker]
        if not places:
            raise ValueError(f"{marker!r} is not among the query's parameters")
        self.found[marker] = places
        return places

    def rows(self, values: dict[int, object], *, subquery=None) -> list[list]:
        """Run with ``values`` at those places; ``subquery`` is (place, queryset): its SQL
        in place of that one parameter (a marker ``pk__in`` list of one). A subquery that
        can hold nothing (``pk__in=[]``) gives no rows."""
        params = list(self.params)
        for place, value in values.items():
            params[place] = value
        pieces = self.pieces
        if subquery is not None:
            place, queryset = subquery
            try:
                sql, inner = queryset.query.sql_with_params()
            except EmptyResultSet:
                return []
            pieces = [
                *pieces[:place],
                pieces[place] + sql + pieces[place + 1],
                *pieces[place + 2 :],
            ]
            params[place : place + 1] = inner
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute("%s".join(pieces), params)
            rows = cursor.fetchall()
        return [self.converted(row, connection) for row in rows]

    def converted(self, row, connection) -> list:
        """The row as the ORM gives it: times made aware, booleans, and so on."""
        row = list(row)
        for column, (functions, expression) in self.converters.items():
            value = row[column]
            for function in functions:
                value = function(value, expression, connection)
            row[column] = value
        return row


def prepared(build):
    """Decorate ``build(alias, *key)``, which returns a queryset made with marker values:
    the decorated function returns its ``PreparedQuery``, compiled once per arguments."""

    @cache
    def get(alias: str, *key) -> PreparedQuery:
        return PreparedQuery(build(alias, *key))

    return get


def columns(model, names=None) -> list[str]:
    """Attribute names of ``model``'s columns (those in ``names``, else all), in model order."""
    fields = model._meta.concrete_fields
    return [f.attname for f in fields if names is None or f.name in names or f.primary_key]
