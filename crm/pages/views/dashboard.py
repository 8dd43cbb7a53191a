"""The dashboard: counts by status, win rate, follow-ups due, leads by source, type and week,
and the ageing of active leads, over the leads the signed-in person may see; for store and
zone managers and admins also conversion and follow-up discipline per store and per associate.
Every figure links to the lead list filtered to what it counts."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from crm.org.models import StaffRole
from crm.org.scope import scope_for
from leads.models import LeadType, Status
from leads.selectors import dashboard_stats, lead_ageing, team_stats

from ..access import staff_required

ACTIVE = f"{Status.OPEN},{Status.ON_HOLD}"
# A chain's admin covers thousands of stores: the team tables show the busiest ones.
TEAM_ROWS_MAX = 50


def _list_url(**params: Any) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse("lead-list") + ("?" + urlencode(query) if query else "")


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    mine = request.GET.get("scope") == "mine"
    owner = request.user.get_username() if mine else None
    today = timezone.localdate()
    stats = dashboard_stats(user=request.user, owner=request.user if mine else None, today=today)
    yesterday = today - datetime.timedelta(days=1)
    by_status = stats["by_status"]
    status_rows = [
        {
            "label": label,
            "key": value,
            "n": by_status[value],
            "url": _list_url(status=value, owner=owner),
            "css": f"bar-{value.lower()}",
        }
        for value, label in Status.choices
    ]
    source_rows = [
        {
            "label": row["org_source__name"],
            "n": row["n"],
            "url": _list_url(orgSourceId=row["org_source_id"], owner=owner),
        }
        for row in stats["by_source"]
    ]
    type_rows = sorted(
        (
            {
                "label": label,
                "n": stats["by_type"].get(value, 0),
                "url": _list_url(type=value, owner=owner),
            }
            for value, label in LeadType.choices
        ),
        key=lambda row: -row["n"],
    )
    week_columns = [
        {
            # The day under each column; the month only where it changes.
            "label": str(row["week"].day),
            "month": row["week"].strftime("%b")
            if index == 0 or row["week"].month != stats["by_week"][index - 1]["week"].month
            else "",
            "title": f"Week of {row['week']:%d %b %Y}",
            "n": row["n"],
            "url": _list_url(
                createdOnFrom=row["week"].isoformat(),
                createdOnTo=(row["week"] + datetime.timedelta(days=6)).isoformat(),
                owner=owner,
            ),
        }
        for index, row in enumerate(stats["by_week"])
    ]
    context = {
        "stats": stats,
        "mine": mine,
        "active_count": by_status[Status.OPEN] + by_status[Status.ON_HOLD],
        "won": by_status[Status.WON],
        "lost": by_status[Status.LOST],
        "status_rows": status_rows,
        "source_rows": source_rows,
        "type_rows": type_rows,
        "week_columns": week_columns,
        "week_total": sum(col["n"] for col in week_columns),
        "urls": {
            "all": _list_url(owner=owner),
            "active": _list_url(status=ACTIVE, owner=owner),
            "won_lost": _list_url(status=f"{Status.WON},{Status.LOST}", owner=owner),
            "due_today": _list_url(
                status=ACTIVE,
                owner=owner,
                nextFollowUpFrom=today.isoformat(),
                nextFollowUpTo=today.isoformat(),
                sortBy="nextFollowUp",
                sortOrder="ASC",
            ),
            "overdue": _list_url(
                status=ACTIVE,
                owner=owner,
                nextFollowUpTo=yesterday.isoformat(),
                sortBy="nextFollowUp",
                sortOrder="ASC",
            ),
        },
    }
    scope = scope_for(request.user)
    context["whose"] = _whose(request.user, scope)
    context["ageing_rows"] = [
        {
            "label": bucket["label"],
            "n": bucket["n"],
            "url": _list_url(
                status=ACTIVE,
                createdOnFrom=bucket["from"].isoformat() if bucket["from"] else None,
                createdOnTo=bucket["to"].isoformat(),
                owner=owner,
            ),
        }
        for bucket in lead_ageing(
            user=request.user, owner=request.user if mine else None, today=today
        )
    ]
    if scope.is_manager and not mine:
        context["team"] = _team(team_stats(user=request.user, today=today))
    return render(request, "leads/dashboard.html", context)


def _whose(user: Any, scope: Any) -> str:
    """What "all leads" means for this person, in words."""
    if scope.everything:
        return "All leads of the org"
    if scope.role is None:
        return "The leads you own or created"
    role = StaffRole.objects.filter(user_id=user.pk).prefetch_related("units").first()
    codes = ", ".join(unit.code for unit in role.units.all()) if role else ""
    return f"Leads of {codes}" if codes else "The leads you own or created"


def _waited(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 48:
        return f"{hours:.0f} h" if hours >= 1 else f"{hours * 60:.0f} min"
    return f"{hours / 24:.1f} d"


def _team_row(row: dict[str, Any], label: str, url: str) -> dict[str, Any]:
    return {
        "label": label,
        "url": url,
        "n": row["n"],
        "active": row["active"],
        "won": row["won"],
        "lost": row["lost"],
        "conversion": row["conversion"],
        "missed": row["missed"],
        "waited": _waited(row["median_hours"]),
    }


def _team(stats: dict[str, Any]) -> dict[str, Any]:
    """The team tables and the conversion chart; the busiest TEAM_ROWS_MAX rows of each."""
    stores = [
        _team_row(
            row,
            f"{row['store__code']} · {row['store__name']}" if row["store_id"] else "No store",
            _list_url(entityType="STORE", entityCode=row["store__code"])
            if row["store_id"]
            else _list_url(),
        )
        for row in stats["stores"]
    ]
    owners = [
        _team_row(
            row,
            (
                f"{row['owner__first_name']} {row['owner__last_name']}".strip()
                or row["owner__username"]
            )
            if row["owner_id"]
            else "Unassigned",
            _list_url(owner=row["owner__username"] if row["owner_id"] else "~none"),
        )
        for row in stats["owners"]
    ]

    def busiest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(rows) <= TEAM_ROWS_MAX:
            return rows
        return sorted(rows, key=lambda r: -r["active"])[:TEAM_ROWS_MAX]

    conversion_rows = [
        {
            "label": row["label"],
            "n": round((row["conversion"] or 0) * 100),
            "display": f"{row['conversion'] * 100:.0f}%" if row["conversion"] is not None else "—",
            "url": row["url"],
        }
        for row in busiest(stores)
        if row["won"] + row["lost"]
    ]
    return {
        "stores": busiest(stores),
        "owners": busiest(owners),
        "store_count": len(stores),
        "owner_count": len(owners),
        "total": _team_row(stats["total"], "All", _list_url()),
        "since": stats["since"],
        "conversion_rows": conversion_rows,
        "max_rows": TEAM_ROWS_MAX,
    }
