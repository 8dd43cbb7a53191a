"""One CSV record -> the keyword arguments of ``leads.services.lead_create``.

This layer only reads cells; every rule about their values is the service's. A blank cell is
a field not sent, as an absent key in an API request is (so a blank ``userId`` lets
``idType``+``identifier`` name the customer, and a blank ``status`` is OPEN).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm.core.parsing import parse_moment
from customers.inputs import CustomerDetails

from ..errors import ErrorCode, ErrorCollector
from . import columns as cols
from .reader import Header, Record


@dataclass
class MappedRow:
    row: int
    kwargs: dict[str, Any]
    # Cells that cannot be read as their field (reported with the service's own findings).
    errors: ErrorCollector = field(default_factory=ErrorCollector)
    # A row whose cells do not line up with the header is not read at all.
    unreadable: bool = False


def map_record(record: Record, header: Header) -> MappedRow:
    mapped = MappedRow(row=record.row, kwargs={})
    width = len(header.keys)
    extra = record.cells[width:]
    if any(cell.strip() for cell in extra):
        mapped.errors.add(None, ErrorCode.CSV_ROW_TOO_LONG, len(record.cells), width)
        mapped.unreadable = True
        return mapped

    values: dict[str, str] = {}
    extended: dict[str, str] = {}
    for key, cell in zip(header.keys, record.cells, strict=False):
        if key is None:
            continue
        value = cell.strip()
        if not value:
            continue
        if value[0] == "'":
            value = cols.unguard_formula(value)
        field_name = cols.extended_field_name(key)
        if field_name is not None:
            extended[field_name] = value
        else:
            values[key] = value

    kwargs = mapped.kwargs
    kwargs["lead_for"] = values.get(cols.LEAD_FOR)
    if cols.TYPE in values:
        kwargs["type"] = values[cols.TYPE]
    if cols.USER_ID in values:
        kwargs["user_id"] = values[cols.USER_ID]
    kwargs["id_type"] = values.get(cols.ID_TYPE)
    kwargs["identifier"] = values.get(cols.IDENTIFIER)
    if cols.FIRST_NAME in values or cols.LAST_NAME in values:
        kwargs["customer_data"] = CustomerDetails(
            first_name=values.get(cols.FIRST_NAME, ""), last_name=values.get(cols.LAST_NAME, "")
        )
    if cols.STATUS in values:
        kwargs["status"] = values[cols.STATUS]
    kwargs["sub_status"] = values.get(cols.SUB_STATUS)
    kwargs["reason_id"] = values.get(cols.REASON_ID)
    kwargs["notes"] = values.get(cols.NOTES, "")
    kwargs["owner"] = values.get(cols.OWNER)
    if cols.ORG_SOURCE_ID in values:
        kwargs["org_source_id"] = values[cols.ORG_SOURCE_ID]
    if cols.NEXT_FOLLOW_UP in values:
        # The lead list's date reading: an ISO 8601 date-time, or a date (its start), in the
        # org's time zone when no offset is given.
        moment = parse_moment(values[cols.NEXT_FOLLOW_UP], end_of_day=False)
        if moment is None:
            mapped.errors.add(
                "next_follow_up",
                ErrorCode.INVALID_FIELD,
                cols.NEXT_FOLLOW_UP,
                "expected an ISO 8601 date-time",
            )
        else:
            kwargs["next_follow_up"] = moment
    if cols.STORE_CODE in values:
        kwargs["store_code"] = values[cols.STORE_CODE]
    if extended:
        kwargs["extended_fields"] = extended
    return mapped
