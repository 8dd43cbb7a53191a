"""My follow-ups: the signed-in owner's active leads with a follow-up overdue, due today and
coming up."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from leads.models import Status
from leads.selectors import followups_due, with_item_names

from ..access import staff_required

# Rows shown per group; the rest is one click away in the filtered lead list.
GROUP_LIMIT = 50


@staff_required
def my_followups(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    due = followups_due(owner=request.user, today=today)
    active = f"{Status.OPEN},{Status.ON_HOLD}"
    base = {
        "owner": request.user.get_username(),
        "status": active,
        "sortBy": "nextFollowUp",
        "sortOrder": "ASC",
    }
    yesterday = today - datetime.timedelta(days=1)
    tomorrow = today + datetime.timedelta(days=1)
    groups = [
        {
            "key": "overdue",
            "title": "Overdue",
            "hint": "Planned before today and not yet done.",
            "leads": with_item_names(due["overdue"][:GROUP_LIMIT]),
            "count": due["counts"]["overdue"],
            "url": {**base, "nextFollowUpTo": yesterday.isoformat()},
        },
        {
            "key": "today",
            "title": "Due today",
            "hint": "Planned for today.",
            "leads": with_item_names(due["today"][:GROUP_LIMIT]),
            "count": due["counts"]["today"],
            "url": {
                **base,
                "nextFollowUpFrom": today.isoformat(),
                "nextFollowUpTo": today.isoformat(),
            },
        },
        {
            "key": "upcoming",
            "title": "Upcoming",
            "hint": "Planned from tomorrow on.",
            "leads": with_item_names(due["upcoming"][:GROUP_LIMIT]),
            "count": due["counts"]["upcoming"],
            "url": {**base, "nextFollowUpFrom": tomorrow.isoformat()},
        },
    ]
    for group in groups:
        group["url"] = reverse("lead-list") + "?" + urlencode(group["url"])
        group["more"] = max(group["count"] - len(group["leads"]), 0)
    context = {"groups": groups, "total": sum(g["count"] for g in groups), "today": today}
    return render(request, "leads/my_followups.html", context)
