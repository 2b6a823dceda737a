"""Cursor pagination that stays put while stories are added.

A page ends at one row; the cursor is that row's position in the list's ordering, signed so
that it cannot be forged, and the next page is whatever comes after it. A story published
in the meantime lands either before the cursor (the reader has moved past it) or after it
(it is read in turn): never twice, and it never pushes another story out of sight, as page
numbers would.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as FieldValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 100


class CursorPageInput(Schema):
    cursor: str | None = Field(
        None,
        max_length=500,
        description="Where the page starts: copy it from the previous page's `next` link.",
    )
    page_size: int = Field(
        settings.NEWSROOM_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"How many results a page holds, 1 to {MAX_PAGE_SIZE}.",
    )


class CursorPagination(PaginationBase):
    """Pages of ``queryset`` in ``ordering``, which must end with a unique field (``pk``)."""

    Input = CursorPageInput

    class Output(Schema):
        next: str | None = Field(
            description="The address of the next page, or null on the last page."
        )
        results: list[Any]

    items_attribute = "results"

    def __init__(self, *, ordering: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ordering = ordering
        self.fields = [(name.lstrip("-"), name.startswith("-")) for name in ordering]

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict:
        queryset = queryset.order_by(*self.ordering)
        if pagination.cursor:
            queryset = queryset.filter(self.after(queryset.model, pagination.cursor))
        rows = list(queryset[: pagination.page_size + 1])
        page = rows[: pagination.page_size]
        more = len(rows) > pagination.page_size
        return {
            "next": self.next_url(request, page[-1]) if more else None,
            "results": page,
        }

    def after(self, model: type[Model], cursor: str) -> Q:
        """Rows that come after the position ``cursor`` names, in this ordering."""
        values = self.decode(model, cursor)
        after = Q()
        for index, (name, descending) in enumerate(self.fields):
            earlier = zip(self.fields[:index], values[:index], strict=True)
            ties = {tied: value for (tied, _descending), value in earlier}
            beyond = {f"{name}__{'lt' if descending else 'gt'}": values[index]}
            after |= Q(**ties, **beyond)
        return after

    def decode(self, model: type[Model], cursor: str) -> list:
        try:
            values = signing.loads(cursor, salt=self.salt(model))
            return [
                field_of(model, name).to_python(value)
                for (name, _descending), value in zip(self.fields, values, strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError, FieldValidationError):
            raise ValidationError(
                [
                    {
                        "loc": ["query", "cursor"],
                        "msg": "This cursor is not valid. Use a `next` link as it was given.",
                        "type": "invalid_cursor",
                    }
                ]
            ) from None

    def encode(self, row: Model) -> str:
        values = [getattr(row, name) for name, _descending in self.fields]
        values = [value.isoformat() if isinstance(value, date) else value for value in values]
        return signing.dumps(values, salt=self.salt(type(row)))

    def salt(self, model: type[Model]) -> str:
        """A cursor only works on the list that made it."""
        return f"api-cursor:{model._meta.label}:{','.join(self.ordering)}"

    def next_url(self, request: HttpRequest, last: Model) -> str:
        query = request.GET.copy()
        query["cursor"] = self.encode(last)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def field_of(model: type[Model], name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)
