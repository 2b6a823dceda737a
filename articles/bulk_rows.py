"""Inserting many new rows of one model, as ``bulk_create`` does, with less Python per row.

An import inserts tens of thousands of rows; Django's SQL compiler works out every
value of every row through a chain of generic steps that a plain row does not need.
``insert_rows`` prepares each value as the compiler would (``pre_save`` for add, then
``get_db_prep_save``) and sends multi-row INSERT statements of the same size
``bulk_create`` uses, reading the new primary keys back with RETURNING. Models or
databases it does not handle go through ``bulk_create`` itself. ``row_maker`` makes
the new instances themselves with less Python than ``Model.__init__``.
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
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


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
    ready = _related_check(model)
    for obj in objs:
        if not ready(obj):
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


def row_maker(model: type[Model], *attnames: str) -> Callable[..., Model]:
    """A function making an unsaved ``model`` from values of ``attnames``, in that order.

    The fields not named get their defaults, as ``Model.__init__`` gives them. When
    nothing listens to the model's ``pre_init`` or ``post_init`` signals and its fields
    keep their values as set, the instance is filled in as ``Model.__init__`` would
    fill it, without its generic steps (a tenth of an import's time went into them);
    otherwise it is made by ``Model.__init__``.
    """
    fields = model._meta.concrete_fields
    where = {attname: index for index, attname in enumerate(attnames)}
    if (
        pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or not all(type(vars(model).get(field.attname)) in _PLAIN_ATTRIBUTES for field in fields)
    ):

        def make(*values):
            return model(**dict(zip(attnames, values, strict=True)))

        return make
    named = [(attname, where[attname]) for attname in attnames]
    # Defaults that are not computed are the same value for every instance.
    fixed, computed = {}, []
    for field in fields:
        if field.attname not in where:
            if (field.has_default() and callable(field.default)) or field.has_db_default():
                computed.append((field.attname, field.get_default))
            else:
                fixed[field.attname] = field.get_default()
    new = model.__new__

    def fill(*values):
        obj = new(model)
        obj._state = ModelState()
        state = obj.__dict__
        state.update(fixed)
        for attname, default in computed:
            state[attname] = default()
        for attname, index in named:
            state[attname] = values[index]
        return obj

    return fill


# How a model's class holds a plain field and a foreign key: setting either only stores
# the value on a new instance.
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _related_check(model: type[Model]) -> Callable[[Model], bool]:
    """A function telling whether ``obj._prepare_related_fields_for_save()`` would do
    nothing: every related object it holds is saved, and its key is the one stored."""
    meta = model._meta
    if meta.private_fields:
        return lambda obj: False
    relations = [
        (field.cache_name, field.attname, field.target_field.attname)
        for field in meta.concrete_fields
        if field.is_relation
    ]

    def ready(obj) -> bool:
        cached = obj._state.fields_cache
        for cache_name, attname, target_attname in relations:
            related = cached.get(cache_name)
            if related is None:
                continue
            key = getattr(related, target_attname)
            if key is None or key != getattr(obj, attname) or not related._is_pk_set():
                return False
        return True

    return ready


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
