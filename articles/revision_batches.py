"""Many revisions at once, each as django-reversion would record it, in a few statements.

``revisions_create`` gives every (comment, saved rows) pair the revision that a
``reversion.create_revision()`` block around those saves would give it: the same
versions with byte-for-byte the same serialized data, object ids and descriptions.
What it saves is the cost of going through Django's serializer framework and model
instances for each row: rows are serialized by a plan made once per model, and the
versions are written as plain rows with one executemany.
"""

from collections.abc import Callable, Iterable

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import CompositePrimaryKey, Field, Model
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from django.utils.translation import gettext
from reversion.models import Revision, Version
from reversion.revisions import (
    _get_content_type,  # the content type reversion files a model's versions under
    _get_options,  # the options a model was registered with
    create_revision,
    post_revision_commit,
    pre_revision_commit,
)
from taggit.models import ItemBase

from .bulk_rows import insert_rows, row_maker

_ENCODER = DjangoJSONEncoder(ensure_ascii=False)  # as json.dumps(cls=..., ensure_ascii=False)
_VERSION_FIELDS = [
    "revision",
    "object_id",
    "content_type",
    "db",
    "format",
    "serialized_data",
    "object_repr",
]


def revisions_create(revisions: Iterable[tuple[str, list]]) -> None:
    """One revision per (comment, saved rows), with no user, as reversion would record it.

    Reversion's ``pre_revision_commit`` and ``post_revision_commit`` signals are sent
    for each revision, with its versions, when anything listens to them.
    """
    using = router.db_for_write(Revision)
    revisions = list(revisions)
    new_revision = row_maker(Revision, "date_created", "comment")
    saved = [new_revision(timezone.now(), comment) for comment, _objects in revisions]
    insert_rows(saved)
    serialized = _serialize([obj for _comment, objects in revisions for obj in objects])
    models = {}
    rows = [
        [_version_row(obj, serialized[id(obj)], revision.pk, using, models) for obj in objects]
        for revision, (_comment, objects) in zip(saved, revisions, strict=True)
    ]
    signalled = pre_revision_commit.has_listeners() or post_revision_commit.has_listeners()
    with_versions = list(zip(saved, map(_versions, rows), strict=True)) if signalled else []
    for revision, versions in with_versions:
        pre_revision_commit.send(sender=create_revision, revision=revision, versions=versions)
    _insert_versions([row for revision_rows in rows for row in revision_rows], using)
    for revision, versions in with_versions:
        post_revision_commit.send(sender=create_revision, revision=revision, versions=versions)


def _version_row(obj, serialized_data: str, revision_id: int, using: str, models: dict) -> tuple:
    """The values of ``_VERSION_FIELDS`` that ``reversion.add_to_revision`` would store.

    ``models`` keeps each model's registration and content type between calls.
    """
    model = obj.__class__
    if model not in models:
        models[model] = (_get_options(model), _get_content_type(model, using).pk, _label(model))
    options, content_type, label = models[model]
    return (
        revision_id,
        force_str(getattr(obj, options.object_id_field)),
        content_type,
        # What router.db_for_write(model, instance=obj) answers when no router is set.
        router.db_for_write(model, instance=obj)
        if router.routers
        else obj._state.db or DEFAULT_DB_ALIAS,
        options.format,
        serialized_data,
        label(obj),
    )


def _label(model) -> Callable[[Model], str]:
    """``force_str(obj)`` for objects of ``model``, as reversion labels a version.

    A tag link (taggit's ``ItemBase.__str__``) is written from taggit's template,
    translated once rather than once a link.
    """
    if model.__str__ is not ItemBase.__str__:
        return force_str
    template = gettext("%(object)s tagged with %(tag)s")
    return lambda obj: template % {"object": obj.content_object, "tag": obj.tag}


def _versions(rows: list[tuple]) -> list[Version]:
    """Unsaved ``Version`` objects for rows of ``_VERSION_FIELDS``, for signal receivers."""
    attnames = [Version._meta.get_field(name).attname for name in _VERSION_FIELDS]
    return [Version(**dict(zip(attnames, row, strict=True))) for row in rows]


def _insert_versions(rows: list[tuple], using: str) -> None:
    """Insert version rows with one executemany: they are many and have no computed fields."""
    fields = [Version._meta.get_field(name) for name in _VERSION_FIELDS]
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Version._meta.db_table)} ({columns}) VALUES ({placeholders})",
            rows,
        )


def _serialize(objects: list) -> dict[int, str]:
    """Each object's serialized data as its model's registration asks, by ``id()``."""
    by_model = {}
    for obj in objects:
        by_model.setdefault(obj.__class__, []).append(obj)
    texts = {}
    for model, rows in by_model.items():
        options = _get_options(model)
        plan = _JsonPlan.for_model(model, options)
        if plan is None:
            texts.update(
                (
                    id(obj),
                    serializers.serialize(
                        options.format,
                        (obj,),
                        fields=options.fields,
                        use_natural_foreign_keys=options.use_natural_foreign_keys,
                    ),
                )
                for obj in rows
            )
        else:
            texts.update((id(obj), plan.serialize(obj)) for obj in rows)
    return texts


class _JsonPlan:
    """What ``serializers.serialize("json", (obj,))`` writes for one object, done directly.

    Django's JSON serializer writes ``[{"model": ..., "pk": ..., "fields": {...}}]`` with
    each local field that serializes, its value as is when it is a protected type (None,
    numbers, dates) and ``field.value_to_string()`` otherwise, encoded by
    ``DjangoJSONEncoder`` without escaping non-ASCII text; many-to-many fields through
    a model of their own (bylines) are left out. Only that plain case is planned: JSON,
    no natural keys, no many-to-many field the serializer would list, no composite
    primary key; anything else goes through the serializer itself.
    """

    def __init__(self, model, fields):
        self.label = str(model._meta)
        self.pk = model._meta.pk
        # (name, attname, field), attname None when the field reads or writes its value
        # its own way: most read the attribute and write what is not protected with str().
        self.fields = [
            (
                field.name,
                field.attname
                if type(field).value_from_object is Field.value_from_object
                and type(field).value_to_string is Field.value_to_string
                else None,
                field,
            )
            for field in fields
        ]

    @classmethod
    def for_model(cls, model, options) -> "_JsonPlan | None":
        concrete = model._meta.concrete_model._meta
        selected = options.fields
        if (
            options.format != "json"
            or options.use_natural_foreign_keys
            or isinstance(model._meta.pk, CompositePrimaryKey)
            or any(
                field.serialize
                and field.remote_field.through._meta.auto_created
                and (selected is None or field.attname in selected)
                for field in concrete.local_many_to_many
            )
        ):
            return None
        fields = [
            field
            for field in concrete.local_fields
            if field.serialize
            and (
                selected is None
                or (field.attname if field.remote_field is None else field.attname[:-3]) in selected
            )
        ]
        return cls(model, fields)

    def serialize(self, obj) -> str:
        fields = {}
        for name, attname, field in self.fields:
            if attname is None:
                fields[name] = _value(obj, field)
            else:
                value = getattr(obj, attname)
                plain = type(value) is str or is_protected_type(value)
                fields[name] = value if plain else str(value)
        data = {"model": self.label, "pk": _value(obj, self.pk), "fields": fields}
        return "[" + _ENCODER.encode(data) + "]"


def _value(obj, field):
    value = field.value_from_object(obj)
    return value if is_protected_type(value) else field.value_to_string(obj)
