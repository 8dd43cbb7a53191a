"""My follow-ups: the signed-in owner's active leads with a follow-up overdue, due today and
coming up, each row worked in place: log a contact, reschedule, snooze, message on WhatsApp.

The row actions answer JSON to the page's script (``Accept: application/json``) and, without
JavaScript, go back to the page with a message; their errors carry the API's codes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from leads.errors import error_items, http_status_of
from leads.models import FollowUp, Lead, Status
from leads.resolvers import next_follow_up_warnings
from leads.selectors import followup_counts, followups_due, with_item_names

from ..access import staff_required
from ..followup_forms import OUTCOMES, ContactForm, MessageSentForm, RescheduleForm, SnoozeForm
from ..notices import warn

# Rows shown per group; the rest is one click away in the filtered lead list.
GROUP_LIMIT = 50


@staff_required
def my_followups(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    due = followups_due(owner=request.user, today=today)
    # The navigation shows the same counts: no second query for them.
    request.followup_counts = due["counts"]  # type: ignore[attr-defined]
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
    context = {
        "groups": groups,
        "total": sum(g["count"] for g in groups),
        "today": today,
        "outcomes": OUTCOMES,
    }
    return render(request, "leads/my_followups.html", context)


# --- the row actions ---------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def group_of(next_follow_up: datetime.datetime | None, today: datetime.date) -> str:
    """Which group of the page a lead planned for ``next_follow_up`` belongs in."""
    if next_follow_up is None:
        return "none"
    day = timezone.localdate(next_follow_up)
    return "overdue" if day < today else "today" if day == today else "upcoming"


def _lead_state(lead: Lead) -> dict[str, Any]:
    """What the row shows after the change, in the user's time zone."""
    planned = lead.next_follow_up
    last = lead.last_follow_up
    return {
        "id": lead.pk,
        "nextFollowUp": planned.isoformat() if planned else None,
        "nextFollowUpText": date_format(timezone.localtime(planned), "D d M, H:i")
        if planned
        else "Not planned",
        "nextFollowUpLocal": date_format(timezone.localtime(planned), "Y-m-d\\TH:i")
        if planned
        else "",
        "lastFollowUpText": date_format(timezone.localtime(last), "d M Y") if last else "—",
        "group": group_of(planned, timezone.localdate()),
    }


def _field_errors(form: Form) -> list[dict[str, Any]]:
    """Each error of the form with its code (Django's own become 90008) and the field it
    belongs to ("" for the form as a whole)."""
    found = []
    for field, errors in form.errors.as_data().items():
        for item in error_items(ValidationError({field: errors})):
            found.append({**item, "field": "" if field == "__all__" else field})
    return found


def _row_action(
    build: Callable[[HttpRequest], Any], done: str
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST handler for one row: the form calls its service; JSON for the page's script,
    a redirect back with a message otherwise."""

    @require_POST
    @staff_required
    def view(request: HttpRequest, lead_id: int) -> HttpResponse:
        form = build(request)
        result = form.submit(lead_id=lead_id, user=request.user)
        if result is None:
            errors = _field_errors(form)
            if _wants_json(request):
                return JsonResponse(
                    {"errors": errors, "warnings": []}, status=http_status_of(errors)
                )
            for error in errors:
                messages.error(request, f"{error['code']} · {error['message']}")
            return redirect(reverse("my-followups") + f"#lead-{lead_id}")

        lead = result.lead if isinstance(result, FollowUp) else result
        warnings = next_follow_up_warnings(form.cleaned_data.get("next_follow_up"))
        if _wants_json(request):
            return JsonResponse(
                {
                    "message": done,
                    "lead": _lead_state(lead),
                    "warnings": warnings,
                    "counts": followup_counts(owner=request.user),
                }
            )
        messages.success(request, done)
        warn(request, warnings)
        return redirect(reverse("my-followups") + f"#lead-{lead_id}")

    return view


followup_log_contact = _row_action(lambda request: ContactForm(request.POST), "Contact logged.")
followup_reschedule = _row_action(
    lambda request: RescheduleForm(request.POST), "Follow-up rescheduled."
)
followup_snooze = _row_action(lambda request: SnoozeForm(request.POST), "Follow-up snoozed.")
followup_message_sent = _row_action(
    lambda request: MessageSentForm(request.POST), "WhatsApp message logged as a follow-up."
)
