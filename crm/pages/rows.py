"""The lead list page's rows, made by one plain function from the leads the page already holds.

A table row used to be a nest of template tags, includes and filters per lead (a status badge
tag, an include for the lead cell, ``with``, five ``date`` filters): most of what the page cost.
Here each row is a dict of ready-made text, and the template only prints it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from leads.models import Lead

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
    bulk_by_id: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The list page's rows: one dict per lead (of ``lead_list_page_queryset()``) holding the
    text of each cell, with the bulk action's result for the lead when there is one."""
    lead_url, customer_url = _url_maker("lead-detail"), _url_maker("customer-detail")
    moments = _Moments()
    bulk_by_id = bulk_by_id or {}
    rows = []
    for lead in leads:
        item_name = item_names.get((lead.type, lead.lead_for), "")
        customer, owner, result = lead.customer, lead.owner, bulk_by_id.get(str(lead.pk))
        details = [lead.lead_for] if item_name else []
        details += [f"#{lead.pk}", lead.get_type_display(), lead.org_source.name]
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
                "status": status_badge(lead.status, lead.sub_status, stacked=True),
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
