"""The CSV columns of a lead, shared by the import and the export.

Columns are named like the API's fields; ``ef_<name>`` holds the extended field ``<name>``.
"""

from __future__ import annotations

import re

TYPE = "type"
LEAD_FOR = "leadFor"
USER_ID = "userId"
ID_TYPE = "idType"
IDENTIFIER = "identifier"
FIRST_NAME = "firstName"
LAST_NAME = "lastName"
STATUS = "status"
SUB_STATUS = "subStatus"
REASON_ID = "reasonId"
OWNER = "owner"
ORG_SOURCE_ID = "orgSourceId"
NEXT_FOLLOW_UP = "nextFollowUp"
NOTES = "notes"
STORE_CODE = "storeCode"

COLUMNS: tuple[str, ...] = (
    TYPE,
    LEAD_FOR,
    USER_ID,
    ID_TYPE,
    IDENTIFIER,
    FIRST_NAME,
    LAST_NAME,
    STATUS,
    SUB_STATUS,
    REASON_ID,
    OWNER,
    ORG_SOURCE_ID,
    NEXT_FOLLOW_UP,
    NOTES,
    STORE_CODE,
)
EXTENDED_PREFIX = "ef_"

# Spreadsheet users retype headers: "LeadFor" or " leadfor " mean leadFor.
_BY_LOWER = {name.lower(): name for name in COLUMNS}


def canonical_column(header: str) -> str | None:
    """The column a header names, or None when it names none (``ef_`` columns aside)."""
    return _BY_LOWER.get(header.strip().lower())


def extended_field_column(name: str) -> str:
    return f"{EXTENDED_PREFIX}{name}"


def extended_field_name(column: str) -> str | None:
    """``budget`` for the column ``ef_budget``; None for other columns."""
    return column[len(EXTENDED_PREFIX) :] if column.startswith(EXTENDED_PREFIX) else None


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection). The export prefixes such cells with an apostrophe and the import removes it, so
# a value survives a round trip unchanged. Plain numbers ("+9198...", "-5") are left alone.
_FORMULA_START = ("=", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-][0-9][0-9 .]*")


def _looks_like_formula(value: str) -> bool:
    if value.startswith(_FORMULA_START):
        return True
    return value.startswith(("+", "-")) and not _SIGNED_NUMBER.fullmatch(value)


def guard_formula(value: str) -> str:
    """The cell text to write: a value a spreadsheet would run gets a leading apostrophe."""
    return f"'{value}" if value and _looks_like_formula(value) else value


def unguard_formula(value: str) -> str:
    """The value behind a cell written by guard_formula()."""
    if value.startswith("'") and _looks_like_formula(value[1:]):
        return value[1:]
    return value
