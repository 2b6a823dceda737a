"""Many revisions at once, each as django-reversion would record it, in a few statements.

``revisions_create`` gives every (comment, saved rows) pair the revision that a
``reversion.create_revision()`` block around those saves would give it: the same
versions with byte-for-byte the same serialized data, object ids and descriptions.
What it saves is the cost of going through Django's serializer framework and model
instances for each row: rows are serialized by a plan made once per model, and the
versions are written as plain rows with one executemany.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from json.encoder import encode_basestring as _encode_text

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
            times = {}
            texts.update((id(obj), plan.serialize(obj, times)) for obj in rows)
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

    The document is written a value at a time, each encoded as the encoder encodes it
    inside the document: text, whole numbers and None directly, the rest by the encoder.
    """

    def __init__(self, model, fields):
        self.head = '[{"model": ' + _ENCODER.encode(str(model._meta)) + ', "pk": '
        self.pk = self._planned(model._meta.pk)
        self.fields = [
            (_ENCODER.encode(field.name) + ": ", *self._planned(field)) for field in fields
        ]

    @staticmethod
    def _planned(field) -> tuple:
        """(attname, field, whether the field writes a value that is not protected its own
        way); every field reads its value from the attribute (``Field.value_from_object``)."""
        return field.attname, field, type(field).value_to_string is not Field.value_to_string

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
        if any(type(field).value_from_object is not Field.value_from_object for field in fields):
            return None
        return cls(model, fields)

    def serialize(self, obj, times: dict) -> str:
        """``obj``'s document; ``times`` keeps the datetimes already written."""
        fields = ", ".join(
            [
                key + _json(obj, attname, field, own_to_string, times)
                for key, attname, field, own_to_string in self.fields
            ]
        )
        return self.head + _json(obj, *self.pk, times) + ', "fields": {' + fields + "}}]"


def _json(obj, attname: str, field, own_to_string: bool, times: dict) -> str:
    """The field's value in the serializer's document, as ``DjangoJSONEncoder`` writes it."""
    value = getattr(obj, attname)
    kind = type(value)
    if kind is str:
        if own_to_string:  # a field that writes even text its own way
            return _ENCODER.encode(field.value_to_string(obj))
        return _encode_text(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is datetime:
        # Many rows share a time (a story's tag links, its ``live_from``): each is written
        # once. Equal instants with the same offset are written alike.
        key = (value, value.utcoffset())
        try:
            return times[key]
        except KeyError:
            times[key] = text = _ENCODER.encode(value)
            return text
    if is_protected_type(value):
        return _ENCODER.encode(value)
    return _ENCODER.encode(field.value_to_string(obj) if own_to_string else str(value))
