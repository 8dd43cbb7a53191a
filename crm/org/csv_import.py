"""CSV import of org units and staff (the org-settings page): a chain sets up hundreds of
stores and their people at once.

The file is read whole (a chain's structure, not a million leads), checked column by column,
then each row goes through the same service as the API (``org_unit_create`` / ``_update``,
``staff_create`` / ``_update``): a code or username that exists is updated with the columns
the row fills, any other is created. All or nothing: every row is tried, in order (a store may
name a zone created a few rows above), and when any row is refused nothing is kept and every
refused row is reported with its codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from crm.core.errors import ErrorCode, ErrorCollector, check_all, coded_error, error_items

from . import services
from .models import OrgUnit, unit_type_of
from .selectors import staff_get

# Column -> the service's argument; the first columns are required.
UNIT_COLUMNS = {
    "type": "type",
    "code": "code",
    "name": "name",
    "parentCode": "parent_code",
    "isActive": "is_active",
}
UNIT_REQUIRED = ("type", "code", "name")
STAFF_COLUMNS = {
    "username": "username",
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "password": "password",
    "role": "role",
    "units": "units",
    "isActive": "is_active",
}
STAFF_REQUIRED = ("username",)
MAX_BYTES = 5 * 1024 * 1024
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}


@dataclass
class RowResult:
    row: int
    key: str
    created: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    # A problem of the whole file (not CSV, a missing or unknown column): no row was tried.
    file_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.refused

    @property
    def created(self) -> int:
        return sum(row.created for row in self.rows)

    @property
    def updated(self) -> int:
        return len(self.rows) - self.created


def _file_error(code: int, *args: object) -> ImportResult:
    return ImportResult(file_errors=error_items(coded_error(code, *args)))


def read_rows(
    data: bytes, columns: dict[str, str], required: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], ImportResult | None]:
    """(spreadsheet row number, {column: text}) of each non-empty row, or the file's error.
    Column names are matched whatever their case."""
    if len(data) > MAX_BYTES:
        return [], _file_error(ErrorCode.NOT_CSV, f"it is over {MAX_BYTES // 1024 // 1024} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _file_error(ErrorCode.NOT_CSV, "it is not UTF-8 text")
    if "\x00" in text:
        return [], _file_error(ErrorCode.NOT_CSV, "it holds binary data")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], _file_error(ErrorCode.NOT_CSV, "it is empty")
    known = {name.lower(): name for name in columns}
    names: list[str] = []
    errors: list[dict[str, Any]] = []
    for raw in header:
        name = known.get(raw.strip().lower())
        if name is None:
            errors += error_items(coded_error(ErrorCode.UNKNOWN_CSV_COLUMN, raw.strip() or "?"))
        elif name in names:
            errors += error_items(coded_error(ErrorCode.DUPLICATE_CSV_COLUMN, name))
        names.append(name or "")
    for name in required:
        if name not in names:
            errors += error_items(coded_error(ErrorCode.CSV_COLUMN_MISSING, name))
    if errors:
        return [], ImportResult(file_errors=errors)
    rows = []
    for number, record in enumerate(reader, start=2):
        if not any(value.strip() for value in record):
            continue
        if len(record) > len(names):
            result = _file_error(ErrorCode.CSV_ROW_TOO_LONG, len(record), len(names))
            result.file_errors[0]["message"] = f"Row {number}: {result.file_errors[0]['message']}"
            return [], result
        rows.append((number, dict(zip(names, record, strict=False))))
    return rows, None


def _kwargs(
    values: dict[str, str], columns: dict[str, str], errors: list[dict[str, Any]]
) -> dict[str, Any]:
    """The service's arguments of a row's filled cells (an empty cell changes nothing)."""
    kwargs: dict[str, Any] = {}
    for column, value in values.items():
        value = value.strip()
        if not value:
            continue
        if column == "isActive":
            if value.lower() not in TRUE | FALSE:
                errors += error_items(
                    coded_error(ErrorCode.INVALID_FIELD, "isActive", "true or false")
                )
                continue
            kwargs["is_active"] = value.lower() in TRUE
        else:
            kwargs[columns[column]] = value
    return kwargs


class _Refused(Exception):
    """Rolls the whole import back."""


def _import(
    data: bytes,
    columns: dict[str, str],
    required: tuple[str, ...],
    key: str,
    apply: Callable[[dict[str, Any]], bool],
) -> ImportResult:
    rows, refused = read_rows(data, columns, required)
    if refused is not None:
        return refused
    result = ImportResult()
    try:
        with transaction.atomic():
            for number, values in rows:
                row = RowResult(row=number, key=values.get(key, "").strip())
                kwargs = _kwargs(values, columns, row.errors)
                if not row.errors:
                    try:
                        with transaction.atomic():
                            row.created = apply(kwargs)
                    except ValidationError as exc:
                        row.errors = error_items(exc)
                result.rows.append(row)
            if result.refused:
                raise _Refused
    except _Refused:
        pass
    return result


def org_units_import(*, data: bytes, imported_by: Any = None) -> ImportResult:
    """Zones, stores and tills from CSV (``type,code,name,parentCode,isActive``)."""

    def apply(kwargs: dict[str, Any]) -> bool:
        errors = ErrorCollector()
        if "type" in kwargs:
            kwargs["type"] = unit_type_of(kwargs["type"], errors)
        code = kwargs.get("code", "")
        if OrgUnit.objects.filter(code=code).exists():
            check_all(
                errors,
                lambda check_only: services.org_unit_update(
                    unit_code=code, check_only=check_only, **kwargs
                ),
            )
            return False
        kwargs = {"type": None, "code": None, "name": None, "parent_code": None, **kwargs}
        check_all(
            errors, lambda check_only: services.org_unit_create(check_only=check_only, **kwargs)
        )
        return True

    return _import(data, UNIT_COLUMNS, UNIT_REQUIRED, "code", apply)


def staff_import(*, data: bytes, imported_by: Any = None) -> ImportResult:
    """Staff users from CSV (``username,firstName,lastName,email,password,role,units,
    isActive``; ``units`` separated by ``;`` or ``,``)."""

    def apply(kwargs: dict[str, Any]) -> bool:
        username = kwargs.get("username", "")
        if username and staff_get(username=username) is not None:
            services.staff_update(changed_by=imported_by, **kwargs)
            return False
        services.staff_create(**{"username": None, **kwargs})
        return True

    return _import(data, STAFF_COLUMNS, STAFF_REQUIRED, "username", apply)
