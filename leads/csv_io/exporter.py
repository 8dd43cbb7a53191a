"""Exporting leads as CSV in the import's columns, streamed with constant memory.

Each lead is written so that importing the file creates an equivalent lead for the same
customer: ``userId`` names the customer (``idType``/``identifier`` and the names are there for
people and for another system, and are not used while ``userId`` is given); ``reasonId`` and
``notes`` are those of the lead's current status row.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import StreamingHttpResponse
from django.utils import timezone

from customers.services import IdType

from ..models import Lead, LeadStatus, ReferenceLookups
from . import columns as cols

EXPORT_CHUNK_SIZE = 2000


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def export_columns(extended_fields: list[str]) -> list[str]:
    return [*cols.COLUMNS, *(cols.extended_field_column(name) for name in extended_fields)]


def export_queryset(queryset: QuerySet[Lead]) -> QuerySet[Lead]:
    """``queryset`` with what a CSV line needs joined, and the current status row's reason and
    notes as two subqueries (one row each, by the (lead, created_on, id) index)."""
    current = LeadStatus.objects.filter(lead=OuterRef("pk")).order_by("-created_on", "-id")
    return queryset.select_related("customer", "owner", "sub_status", "store").annotate(
        current_reason_id=Subquery(current.values("reason_id")[:1]),
        current_notes=Subquery(current.values("notes")[:1]),
    )


def export_lines(queryset: QuerySet[Lead]) -> Iterator[str]:
    """The CSV text, one line at a time: the header, then one line per lead of ``queryset``
    in its order. Reads the rows in chunks through one cursor, whatever their number."""
    extended = list(ReferenceLookups.active_extended_fields().values_list("name", flat=True))
    writer = csv.writer(_Line())
    yield writer.writerow(export_columns(extended))
    for lead in export_queryset(queryset).iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield writer.writerow(_line(lead, extended))


def _line(lead: Lead, extended: list[str]) -> list[str]:
    customer = lead.customer
    id_type, identifier = _identifier(customer)
    values = {
        cols.TYPE: lead.type,
        cols.LEAD_FOR: cols.guard_formula(lead.lead_for),
        cols.USER_ID: str(lead.customer_id),
        cols.ID_TYPE: id_type,
        cols.IDENTIFIER: cols.guard_formula(identifier),
        cols.FIRST_NAME: cols.guard_formula(customer.first_name),
        cols.LAST_NAME: cols.guard_formula(customer.last_name),
        cols.STATUS: lead.status,
        cols.SUB_STATUS: cols.guard_formula(lead.sub_status.name) if lead.sub_status else "",
        cols.REASON_ID: _text(lead.current_reason_id),
        cols.OWNER: lead.owner.username if lead.owner else "",
        cols.ORG_SOURCE_ID: str(lead.org_source_id),
        cols.NEXT_FOLLOW_UP: _text(lead.next_follow_up),
        cols.NOTES: cols.guard_formula(lead.current_notes or ""),
        cols.STORE_CODE: cols.guard_formula(lead.store.code) if lead.store else "",
    }
    line = [values[name] for name in cols.COLUMNS]
    stored = lead.extended_fields if isinstance(lead.extended_fields, dict) else {}
    line.extend(cols.guard_formula(_text(stored.get(name))) for name in extended)
    return line


def _identifier(customer: Any) -> tuple[str, str]:
    for id_type in (IdType.MOBILE, IdType.EMAIL, IdType.EXTERNAL_ID):
        value = getattr(customer, IdType.FIELD[id_type])
        if value:
            return id_type, value
    return "", ""


def _text(value: Any) -> str:
    """A cell as the import reads it back (booleans as true/false, times in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return str(value)


def csv_response(lines: Any, *, bom: bool) -> StreamingHttpResponse:
    def body() -> Any:
        if bom:
            # Excel opens a UTF-8 file as such only when it starts with a BOM.
            yield "\ufeff"
        yield from lines

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
    return response
