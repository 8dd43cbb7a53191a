"""CSV records -> the typed keyword arguments of ``leads.services.lead_create_many``'s items.

A record's cells become snake_case values as an API request's keys would (a blank cell is a
field not sent, as an absent key is: a blank ``userId`` lets ``idType``+``identifier`` name the
customer, and a blank ``status`` is OPEN), typed by ``leads.inputs.new_lead`` as the API's are.
A cell that cannot be read as its field (a date that is no date) is refused with its code, and
reported by the service with the rest of the row. The batch's owners are looked up together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm.core.parsing import parse_moment
from customers.inputs import CustomerDetails

from ..errors import ErrorCode, ErrorCollector, Refusals
from ..inputs import new_lead
from ..resolvers import staff_users_named
from . import columns as cols
from .reader import Header, Record


@dataclass
class MappedRow:
    row: int
    # The row's values, snake_case, as sent (the item once typed: ``typed_items``).
    kwargs: dict[str, Any]
    # Cells that cannot be read as their field (reported with the service's own findings).
    refused: Refusals = field(default_factory=Refusals)
    # A row whose cells do not line up with the header is not read at all (with why).
    errors: ErrorCollector = field(default_factory=ErrorCollector)
    unreadable: bool = False


def typed_items(rows: list[MappedRow]) -> list[dict[str, Any]]:
    """The rows' items for lead_create_many (the owners they name read together)."""
    names = {row.kwargs.get("owner") for row in rows} - {None}
    owners = staff_users_named(names)
    return [{**new_lead(row.kwargs, row.refused, owners), "refused": row.refused} for row in rows]


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
            mapped.refused.on("next_follow_up").add(
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
