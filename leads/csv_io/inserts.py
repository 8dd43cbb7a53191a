"""Inserting many model instances at once: ``bulk_create`` everywhere, ``COPY`` on PostgreSQL.

On PostgreSQL, ``bulk_create`` spends most of an import's time turning each value into SQL
text in Python; ``COPY`` hands the values to the database as they are. The ids are taken from
the table's sequence first, so the instances end up as ``bulk_create`` leaves them: with their
ids, saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models


def insert_all(objs: Sequence[models.Model]) -> None:
    """Inserts ``objs`` (instances of one model, not saved yet) and sets their ids."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    values = [_value_of(field) for field in fields]
    relations = [f for f in fields if f.is_relation]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [opts.pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, obj in zip(ids, objs, strict=True):
                _take_related_ids(obj, relations)
                copy.write_row([pk, *(value(obj) for value in values)])
    for pk, obj in zip(ids, objs, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _take_related_ids(obj: models.Model, relations: list[models.Field]) -> None:
    """A foreign key set to an instance saved after it was set (a customer registered with
    the batch) takes that instance's id, as save() would."""
    for field in relations:
        if getattr(obj, field.attname) is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None:
                if related.pk is None:
                    raise ValueError(f"{field.name} of {obj!r} is not saved")
                setattr(obj, field.attname, related.pk)


def _value_of(field: models.Field) -> Callable[[models.Model], Any]:
    """How to read the field's database value from an instance: as save() would (auto_now
    dates set, JSON adapted), and plainly for the rest, which psycopg adapts itself."""
    if isinstance(field, models.JSONField):
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    attname = field.attname
    return lambda obj: getattr(obj, attname)
