"""Inserting many new rows of one model, as ``bulk_create`` does, with less Python per row.

An import inserts tens of thousands of rows; Django's SQL compiler works out every
value of every row through a chain of generic steps that a plain row does not need.
``insert_rows`` prepares each value as the compiler would (``pre_save`` for add, then
``get_db_prep_save``) and sends multi-row INSERT statements of the same size
``bulk_create`` uses, reading the new primary keys back with RETURNING. Models or
databases it does not handle go through ``bulk_create`` itself.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import (
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.fields import AutoFieldMixin


def insert_rows(objs: Sequence) -> None:
    """Insert ``objs`` (new, unsaved, all of one model, no primary key set) and set their
    primary keys, as ``Model.objects.bulk_create(objs)`` would."""
    if not objs:
        return
    model = type(objs[0])
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or not getattr(meta.pk, "db_returning", False)  # not a key the database numbers
        or any(_computed_by_database(field) for field in fields)
        or any(obj.pk is not None for obj in objs)
    ):
        model._base_manager.using(using).bulk_create(objs)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    preparers = [_preparer(field, connection) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [prepare(obj) for obj in chunk for prepare in preparers]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * len(chunk))} RETURNING {quote(meta.pk.column)}",
                params,
            )
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = using


def _preparer(field, connection) -> Callable[[Model], Any]:
    """A function giving the value to insert for ``field`` of a new object.

    It is ``field.get_db_prep_save(field.pre_save(obj, True), connection)``, with the
    generic steps left out for the values they would return unchanged: text in a text
    field, whole numbers in an integer field or a key to one, an aware datetime.
    """
    attname = field.attname
    pre_save = type(field).pre_save
    if pre_save is not Field.pre_save and not (
        isinstance(field, DateTimeField)
        and pre_save is DateTimeField.pre_save
        and not (field.auto_now or field.auto_now_add)
    ):

        def generic(obj):
            return field.get_db_prep_save(field.pre_save(obj, True), connection)

        return generic
    if (
        isinstance(field, DateTimeField)
        and _is_own_step(field, DateTimeField)
        and type(field).to_python is DateTimeField.to_python
    ):
        adapt = connection.ops.adapt_datetimefield_value
        # Rows made together often share a time (a story's tag links carry its
        # ``live_from``): each different time is adapted once.
        adapted = {}

        def datetime_value(obj):
            value = getattr(obj, attname)
            if type(value) is datetime and value.tzinfo is not None:
                key = (value, value.tzinfo)  # equal times in other zones adapt differently
                try:
                    return adapted[key]
                except KeyError:
                    adapted[key] = result = adapt(value)
                    return result
            return field.get_db_prep_save(value, connection)

        return datetime_value
    unchanged = _unchanged_types(field, connection)

    def value(obj):
        value = getattr(obj, attname)
        if type(value) in unchanged:
            return value
        return field.get_db_prep_save(value, connection)

    return value


def _unchanged_types(field, connection) -> frozenset[type]:
    """The types of value that ``field.get_db_prep_save()`` returns as they are."""
    if isinstance(field, ForeignKey):
        if _is_own_step(field, ForeignKey) and _keeps_integers(field.target_field, connection):
            return frozenset({int, type(None)})
    elif isinstance(field, IntegerField):
        if _keeps_integers(field, connection):
            return frozenset({int, type(None)})
    elif isinstance(field, CharField | TextField):
        base = CharField if isinstance(field, CharField) else TextField
        if _is_own_step(field, base) and type(field).to_python is base.to_python:
            return frozenset({str, type(None)})
    return frozenset()


def _keeps_integers(field, connection) -> bool:
    """Whether ``field``, an integer field or the key of a table, saves an int as it is."""
    if not isinstance(field, IntegerField) or type(field).get_prep_value is not (
        IntegerField.get_prep_value
    ):
        return False
    ops = type(connection.ops)
    if isinstance(field, AutoFieldMixin):
        return (
            type(field).get_db_prep_save is Field.get_db_prep_save
            and type(field).get_db_prep_value is AutoFieldMixin.get_db_prep_value
            and ops.validate_autopk_value is BaseDatabaseOperations.validate_autopk_value
        )
    return (
        _is_own_step(field, IntegerField)
        and ops.adapt_integerfield_value is BaseDatabaseOperations.adapt_integerfield_value
    )


def _is_own_step(field, base: type) -> bool:
    """Whether ``field`` saves values as ``base`` does, no subclass changing how."""
    return all(
        getattr(type(field), name) is getattr(base, name)
        for name in ("get_db_prep_save", "get_db_prep_value", "get_prep_value")
    )


def _computed_by_database(field) -> bool:
    return bool(
        getattr(field, "generated", False)
        or getattr(field, "db_returning", False)
        or getattr(field, "has_db_default", lambda: False)()
    )
