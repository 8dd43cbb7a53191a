"""The lead list page's rows, made by one plain function from the leads the page already holds.

A table row used to be a nest of template tags, includes and filters per lead (a status badge
tag, an include for the lead cell, ``with``, five ``date`` filters): most of what the page cost.
Here each row is a dict of ready-made text, and the template only prints it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from leads.models import Lead

from .reference import ReferenceLists
from .templatetags.ui import initials, status_badge


class _Moments:
    """Dates as the template's ``date`` filter wrote them ("03 Dec, 21:36", "03 Dec 2026"), in
    the active (the user's) time zone, without its per-call format parsing: the month names are
    translated once per page."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.months = {number: str(name).title() for number, name in MONTHS_3.items()}

    def day_time(self, value: datetime.datetime) -> str:
        local = value.astimezone(self.zone)
        return f"{local.day:02d} {self.months[local.month]}, {local.hour:02d}:{local.minute:02d}"

    def day(self, value: datetime.datetime) -> str:
        local = value.astimezone(self.zone)
        return f"{local.day:02d} {self.months[local.month]} {local.year}"

    def full(self, value: datetime.datetime) -> str:
        local = value.astimezone(self.zone)
        return f"{self.day(local)}, {local.hour:02d}:{local.minute:02d} {local.tzname()}"


def _url_maker(name: str) -> Any:
    # reverse() once per page, not once per row: the pk is the only part that changes.
    marker = 2147483647
    template = reverse(name, args=[marker]).replace(str(marker), "{}")
    return template.format


def lead_list_rows(
    leads: Iterable[Lead],
    *,
    now: datetime.datetime,
    item_names: Mapping[tuple[str, str], str],
    lists: ReferenceLists,
    bulk_by_id: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The list page's rows: one dict per lead (of ``lead_list_rows_queryset()``) holding the
    text of each cell, with the bulk action's result for the lead when there is one. The
    lead's source, sub-status and store are named from the reference ``lists``."""
    lead_url, customer_url = _url_maker("lead-detail"), _url_maker("customer-detail")
    moments = _Moments()
    bulk_by_id = bulk_by_id or {}
    badges: dict[tuple[str, Any], str] = {}  # a page holds a few of them, many times
    sources, sub_statuses, stores = lists.source_names, lists.sub_status_by_id, lists.store_by_id
    # get_type_display() builds the dict of the field's choices again for every lead.
    type_labels = {value: str(label) for value, label in Lead._meta.get_field("type").flatchoices}
    rows = []
    for lead in leads:
        item_name = item_names.get((lead.type, lead.lead_for), "")
        customer, owner, result = lead.customer, lead.owner, bulk_by_id.get(str(lead.pk))
        # (A row the lists do not hold yet, in a process whose cached lists are older than
        # it, is read by itself.)
        store = (stores.get(lead.store_id) or lead.store) if lead.store_id else None
        sub_status = (
            (sub_statuses.get(lead.sub_status_id) or lead.sub_status)
            if lead.sub_status_id
            else None
        )
        details = [lead.lead_for] if item_name else []
        source = sources.get(lead.org_source_id) or lead.org_source.name
        details += [f"#{lead.pk}", type_labels.get(lead.type, lead.type), source]
        follow_up = lead.next_follow_up
        rows.append(
            {
                "id": lead.pk,
                "css": ("row-ok" if result["ok"] else "row-failed") if result else "",
                "url": lead_url(lead.pk),
                "item": item_name or lead.lead_for,
                "details": " · ".join(details),
                "customer_url": customer_url(lead.customer_id),
                "customer": customer.full_name or "Unnamed customer",
                "contact": customer.mobile or customer.email or "",
                "status": badges.get((lead.status, lead.sub_status_id))
                or badges.setdefault(
                    (lead.status, lead.sub_status_id),
                    status_badge(lead.status, sub_status, stacked=True),
                ),
                "store": store.code if store else "",
                "store_name": store.name if store else "",
                "owner": owner.get_username() if owner else "",
                "owner_initials": initials(owner) if owner else "",
                "follow_up": moments.day_time(follow_up) if follow_up else "",
                "follow_up_title": moments.full(follow_up) if follow_up else "",
                "overdue": bool(follow_up and follow_up < now and not lead.is_closed),
                "created": moments.day(lead.created_on),
                "created_title": moments.full(lead.created_on),
                "updated": moments.day_time(lead.last_updated_on),
                "updated_title": moments.full(lead.last_updated_on),
            }
        )
    return rows


def _row_html(row: Mapping[str, Any]) -> str:
    """One ``<tr>`` of the list, as the template wrote it from the row's text (escaped here)."""
    e = escape
    owner = (
        f'<span class="owner"><span class="avatar avatar-sm" aria-hidden="true">'
        f"{e(row['owner_initials'])}</span>{e(row['owner'])}</span>"
        if row["owner"]
        else '<span class="muted">Unassigned</span>'
    )
    store = (
        f'<span title="{e(row["store_name"])}">{e(row["store"])}</span>'
        if row["store"]
        else '<span class="muted" title="No store: an org-level lead">—</span>'
    )
    follow_up = (
        f'<span class="{"overdue" if row["overdue"] else ""}" '
        f'title="{e(row["follow_up_title"])}">{e(row["follow_up"])}</span>'
        if row["follow_up"]
        else '<span class="muted">—</span>'
    )
    return (
        f'<tr class="{e(row["css"])}">'
        f'<td class="cell-check"><input type="checkbox" name="lead_ids" value="{row["id"]}" '
        f'aria-label="Select lead {row["id"]}"></td>'
        f'<td data-label="Lead" class="cell-lead"><a class="row-link" href="{e(row["url"])}">'
        f'{e(row["item"])}</a> <span class="muted small">{e(row["details"])}</span></td>'
        f'<td data-label="Customer" class="cell-customer"><a href="{e(row["customer_url"])}">'
        f'{e(row["customer"])}</a> <span class="muted small">{e(row["contact"])}</span></td>'
        f'<td data-label="Store" class="cell-store">{store}</td>'
        f'<td data-label="Status" class="cell-status">{row["status"]}</td>'
        f'<td data-label="Owner">{owner}</td>'
        f'<td data-label="Next follow-up" class="cell-date">{follow_up}</td>'
        f'<td data-label="Created / updated" class="cell-date"><span class="stack-inline">'
        f'<span title="Created {e(row["created_title"])}">{e(row["created"])}</span>'
        f'<span class="muted small" title="Last updated {e(row["updated_title"])}">upd. '
        f"{e(row['updated'])}</span></span></td>"
        "</tr>\n"
    )


def lead_list_rows_html(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The table body's rows (of ``lead_list_rows``): one string, without a template lookup
    per value. ``status`` is the badge's HTML already; every other value is escaped here."""
    return mark_safe("".join(_row_html(row) for row in rows))
