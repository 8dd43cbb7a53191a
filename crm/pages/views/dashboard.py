"""The dashboard: counts by status, win rate, follow-ups due, leads by source, type and week;
every figure links to the lead list filtered to what it counts."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from leads.models import LeadType, Status
from leads.selectors import dashboard_stats

from ..access import staff_required

ACTIVE = f"{Status.OPEN},{Status.ON_HOLD}"


def _list_url(**params: Any) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse("lead-list") + ("?" + urlencode(query) if query else "")


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    mine = request.GET.get("scope") == "mine"
    owner = request.user.get_username() if mine else None
    today = timezone.localdate()
    stats = dashboard_stats(owner=request.user if mine else None, today=today)
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
    return render(request, "leads/dashboard.html", context)
