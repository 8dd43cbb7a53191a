"""The lead list page's rows, made by one plain function from the leads the page already holds.

A table row used to be a nest of template tags, includes and filters per lead (a status badge
tag, an include for the lead cell, ``with``, five ``date`` filters): most of what the page cost.
Here each row is a dict of ready-made text, and the template only prints it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from crm.core.db import PreparedQuery
from crm.core.paging import DEEP_OFFSET_FROM, count_rows, page_rows
from leads.access import visible_q
from leads.filters import ordering
from leads.models import CLOSED_STATUSES, Lead, Status
from leads.selectors import lead_list_rows_queryset

from .templatetags.ui import name_initials, status_badge

NO_TEXTS = ("", "", "")


class _Moments:
    """Dates as the template's ``date`` filter wrote them ("03 Dec, 21:36", "03 Dec 2026"), in
    the active (the user's) time zone, without its per-call format parsing: the month names are
    translated once per page."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.months = {number: str(name).title() for number, name in MONTHS_3.items()}

    def texts(self, value: datetime.datetime) -> tuple[str, str, str]:
        """The day and time ("03 Dec, 21:36"), the day ("03 Dec 2026") and the whole moment
        with its zone ("03 Dec 2026, 21:36 IST") of ``value``, converted once."""
        local = value.astimezone(self.zone)
        day = f"{local.day:02d} {self.months[local.month]}"
        clock = f"{local.hour:02d}:{local.minute:02d}"
        return (
            f"{day}, {clock}",
            f"{day} {local.year}",
            f"{day} {local.year}, {clock} {local.tzname()}",
        )


def _url_maker(name: str) -> Any:
    # reverse() once per page, not once per row: the pk is the only part that changes.
    marker = 2147483647
    template = reverse(name, args=[marker]).replace(str(marker), "{}")
    return template.format


# The first pages of the list as it opens (no filter, the default order) for whoever sees
# every lead, in SQL compiled once (``crm.core.db.PreparedQuery``): building and compiling the
# page's query cost more CPU than running it.
_FIRST_PAGES = PreparedQuery(
    lambda: lead_list_rows_queryset().order_by(*ordering(None, None)).exclude(status=Status.DELETED)
)
# What the list's address may hold and still be those pages.
_PAGING_ONLY = frozenset({"page", "per_page"})


class FirstPages:
    """The first pages of every lead, as ``ListPaginator`` reads them: the rows of a page by
    ``_FIRST_PAGES``, the total by a cache key of its own (``count_rows``). ``leads()`` makes
    the view's own query of the same rows, built only when the total is not kept or for a deep
    page (found by its keys first, ``page_rows``)."""

    def __init__(self, leads: Callable[[], QuerySet]) -> None:
        self._leads = functools.cache(leads)

    def __len__(self) -> int:
        name = connection.settings_dict["NAME"]
        return count_rows(self._leads, key=f"rows:first-pages:{name}")

    def __getitem__(self, window: slice) -> list[tuple]:
        start = window.start or 0
        if start >= DEEP_OFFSET_FROM:
            return page_rows(self._leads(), offset=start, limit=window.stop - start)
        return _FIRST_PAGES.rows(limit=window.stop - start, offset=start)


def first_pages(request: HttpRequest, leads: Callable[[], QuerySet]) -> FirstPages | None:
    """The rows of the list page when the request asks for nothing but a page of every lead,
    read as ``leads()`` reads them (``tests/pages/test_lead_list_rows.py`` compares the two);
    None for any other request."""
    if request.GET.keys() - _PAGING_ONLY or visible_q(request.user) is not None:
        return None
    return FirstPages(leads)


def lead_list_rows(
    values: Iterable[tuple[Any, ...]],
    *,
    now: datetime.datetime,
    bulk_by_id: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The list page's rows: one dict per lead (a tuple of ``lead_list_rows_queryset()``)
    holding the text of each cell, with the bulk action's result for the lead when there is
    one."""
    lead_url, customer_url = _url_maker("lead-detail"), _url_maker("customer-detail")
    moments = _Moments()
    bulk_by_id = bulk_by_id or {}
    badges: dict[tuple[str, Any], str] = {}  # a page holds a few of them, many times
    # get_type_display() builds the dict of the field's choices again for every lead.
    type_labels = {value: str(label) for value, label in Lead._meta.get_field("type").flatchoices}
    rows = []
    for (
        pk,
        kind,
        lead_for,
        status,
        sub_status,
        source,
        store,
        store_name,
        customer_id,
        first_name,
        last_name,
        mobile,
        email,
        owner,
        owner_first_name,
        owner_last_name,
        follow_up,
        created_on,
        updated_on,
        item_name,
    ) in values:
        result = bulk_by_id.get(str(pk))
        details = [lead_for] if item_name else []
        details += [f"#{pk}", type_labels.get(kind, kind), source]
        owner_name = f"{owner_first_name} {owner_last_name}".strip() if owner else ""
        follow_up_text, _, follow_up_title = moments.texts(follow_up) if follow_up else NO_TEXTS
        _, created, created_title = moments.texts(created_on)
        updated, _, updated_title = moments.texts(updated_on)
        rows.append(
            {
                "id": pk,
                "css": ("row-ok" if result["ok"] else "row-failed") if result else "",
                "url": lead_url(pk),
                "item": item_name or lead_for,
                "details": " · ".join(details),
                "customer_url": customer_url(customer_id),
                "customer": f"{first_name} {last_name}".strip() or "Unnamed customer",
                "contact": mobile or email or "",
                "status": badges.get((status, sub_status))
                or badges.setdefault(
                    (status, sub_status), status_badge(status, sub_status, stacked=True)
                ),
                "store": store or "",
                "store_name": store_name or "",
                "owner": owner or "",
                "owner_initials": name_initials(owner_name, owner or ""),
                "follow_up": follow_up_text,
                "follow_up_title": follow_up_title,
                "overdue": bool(follow_up and follow_up < now and status not in CLOSED_STATUSES),
                "created": created,
                "created_title": created_title,
                "updated": updated,
                "updated_title": updated_title,
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
