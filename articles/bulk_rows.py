"""Inserting many new rows of one model, as ``bulk_create`` does, with less Python per row.

An import inserts tens of thousands of rows; Django's SQL compiler works out every
value of every row through a chain of generic steps that a plain row does not need.
``insert_rows`` prepares each value as the compiler would (``pre_save`` for add, then
``get_db_prep_save``) and sends multi-row INSERT statements of the same size
``bulk_create`` uses, reading the new primary keys back with RETURNING. Models or
databases it does not handle go through ``bulk_create`` itself.
"""

from collections.abc import Sequence

from django.db import connections, router


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
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [
                field.get_db_prep_save(field.pre_save(obj, True), connection)
                for obj in chunk
                for field in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * len(chunk))} RETURNING {quote(meta.pk.column)}",
                params,
            )
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = using


def _computed_by_database(field) -> bool:
    return bool(
        getattr(field, "generated", False)
        or getattr(field, "db_returning", False)
        or getattr(field, "has_db_default", lambda: False)()
    )
