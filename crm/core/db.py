"""Inserting many rows at once: ``COPY`` on PostgreSQL, ``bulk_create``/``executemany`` elsewhere.

The one bulk insert helper: the CSV import inserts model instances with ``insert_all``, the
data generator plain rows with ``copy_rows``.

On PostgreSQL, ``bulk_create`` spends most of an import's time turning each value into SQL
text in Python; ``COPY`` hands the values to the database as they are. The ids are taken from
the table's sequence first, so the instances end up as ``bulk_create`` leaves them: with their
ids, saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from .errors import coded_error


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
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]

    def rows() -> Iterable[Sequence[Any]]:
        for pk, obj in zip(ids, objs, strict=True):
            _take_related_ids(obj, relations)
            yield [pk, *(value(obj) for value in values)]

    copy_rows(opts.db_table, [opts.pk.column, *(f.column for f in fields)], rows())
    for pk, obj in zip(ids, objs, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_rows(objs: Sequence[models.Model]) -> None:
    """Inserts ``objs`` (instances of one model, not saved yet) in one statement whatever
    their number (``COPY``; one ``executemany`` elsewhere, where ``bulk_create`` would cut
    them in slices under SQLite's limit of parameters), without reading their ids back: for
    rows that nothing goes on to use in the same transaction (the lead events' outbox)."""
    if not objs:
        return
    opts = type(objs[0])._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    copy_rows(
        opts.db_table,
        [f.column for f in fields],
        (
            [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            for obj in objs
        ),
    )


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows of plain values (ints, text, None; date-times as objects or database text) into
    one table: ``COPY`` on PostgreSQL, one ``executemany`` elsewhere."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":

            def copy_in(sql: str, params: Any, many: bool, context: Any) -> None:
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)

            # Through Django's execute wrappers, as every other statement goes: a wrapper that
            # watches or refuses writes (connection.execute_wrapper) sees the COPY too.
            cursor._execute_with_wrappers(
                f"COPY {quote(table)} ({names}) FROM STDIN", None, False, copy_in
            )
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


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


def save_unique(instance: models.Model, field: str, code: int, *args: object) -> None:
    """Saves a checked ``instance`` in a savepoint. A unique value a parallel request took
    meanwhile (the database's IntegrityError) is the registry's ``code`` on ``field``, as
    ``full_clean()`` would have reported it a moment earlier."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError({field: [coded_error(code, *args)]}) from exc


# Values that stand for a query's own values while its SQL is compiled (``PreparedQuery``):
# of the field's type, and held by nothing else in a query.
ID_MARK = -7_031_965_417
MOMENT_MARKS = (
    datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC),
    datetime.datetime(1902, 3, 4, 5, 6, 7, 891, tzinfo=datetime.UTC),
)


class PreparedQuery:
    """A query compiled to SQL once per process and database, then run with new values.

    ``build(*marks)`` returns the queryset with each of ``marks`` where a value goes (a
    filter's value; a mark is a value of the field's type that nothing else in the query
    holds). Building and compiling a queryset costs more CPU than running a small indexed
    query; a query run on every request (the user behind an API token, the first page of
    leads) pays it once.
    """

    def __init__(self, build: Callable[..., models.QuerySet], *marks: Any) -> None:
        self._build = build
        self._marks = marks
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self) -> _Compiled:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            marks = self._marks
            queryset = self._build(*marks)
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            params = list(params)
            converters = compiler.get_converters(
                [select[0] for select in compiler.select[: compiler.col_count]]
            )
            compiled = _Compiled(
                queryset.model,
                sql,
                params,
                [_positions(params, mark) for mark in marks],
                converters,
                # (A query of values has the model's columns too, but no instances.)
                _instance_maker(compiler)
                if issubclass(queryset._iterable_class, models.query.ModelIterable)
                else None,
            )
            self._compiled[connection.vendor] = compiled
        return compiled

    def _params(self, compiled: _Compiled, values: Sequence[Any]) -> list[Any]:
        params = list(compiled.params)
        for places, value in zip(compiled.positions, values, strict=True):
            for position, adapt in places:
                params[position] = value if adapt is None else adapt(value)
        return params

    def instances(self, *values: Any) -> list[models.Model]:
        """The query's rows as model instances, with its annotations as attributes (a query of
        one model's fields and annotations, without ``select_related``)."""
        make = self._compile().make_instance
        if make is None:
            raise ValueError("not a query of one model's instances")
        return [make(row) for row in self.rows(*values)]

    def first(self, *values: Any) -> tuple | None:
        """The query's first row (a count grouped by one key has none for a key without
        rows), or None."""
        rows = self.rows(*values)
        return rows[0] if rows else None

    def rows(self, *values: Any, limit: int | None = None, offset: int = 0) -> list[tuple]:
        """The query's rows as ``values_list()`` gives them; ``limit`` and ``offset`` page a
        query that has neither."""
        compiled = self._compile()
        sql, params = compiled.sql, self._params(compiled, values)
        if limit is not None:
            # Written into the SQL, as the ORM writes them: as parameters of a prepared
            # statement, PostgreSQL's generic plan cannot know how few rows are wanted (a page
            # of ten leads cost 2.3 ms of its CPU instead of 0.6 ms).
            sql = f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in compiled.converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


def _positions(params: list[Any], mark: Any) -> list[tuple[int, Callable[[Any], Any] | None]]:
    """Where ``mark`` stands in ``params`` (it may stand several times), each with how a value
    in its place is adapted: a date-time the backend wrote as text (SQLite) is written so."""
    adapt: Callable[[Any], Any] | None = None
    written = mark
    if isinstance(mark, datetime.datetime):
        adapt = connection.ops.adapt_datetimefield_value
        written = adapt(mark)
        if written == mark:  # the backend takes date-times as they are
            adapt = None
    places = [(i, adapt) for i, param in enumerate(params) if param == written]
    if not places:
        raise ValueError(f"{mark!r} is not a value of the query")
    return places


def _instance_maker(compiler: Any) -> Callable[[tuple], models.Model] | None:
    """How Django's ModelIterable makes an instance of a compiled query's row: the model's
    fields by ``from_db``, then each annotation set as an attribute. None for a query of
    values or with ``select_related``."""
    info = compiler.klass_info
    if not info or info.get("related_klass_infos"):
        return None
    model, fields = info["model"], info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in compiler.select[start:end]]
    annotations = list(compiler.annotation_col_map.items())
    alias = connection.alias

    def make(row: tuple) -> models.Model:
        instance = model.from_db(alias, names, row[start:end])
        for name, position in annotations:
            setattr(instance, name, row[position])
        return instance

    return make


@dataclass(frozen=True)
class _Compiled:
    model: type[models.Model]
    sql: str
    params: list[Any]
    # Per mark: where it stands, and how a value there is adapted.
    positions: list[list[tuple[int, Callable[[Any], Any] | None]]]
    converters: dict[int, tuple[list[Callable], Any]]
    make_instance: Callable[[tuple], models.Model] | None


class PreparedWindow:
    """A queryset whose windows (``[a:b]``) are read with ``prepared``, a query of the same
    rows compiled once; anything else (an index, a method) is asked of the queryset. For the
    paging of ``crm.core.paging``, which takes a window of what it is given."""

    def __init__(self, prepared: PreparedQuery, queryset: models.QuerySet) -> None:
        self._prepared = prepared
        self._queryset = queryset

    def __getitem__(self, window: Any) -> Any:
        if isinstance(window, slice) and window.step is None and window.stop is not None:
            start = window.start or 0
            return self._prepared.rows(limit=max(window.stop - start, 0), offset=start)
        return self._queryset[window]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queryset, name)
