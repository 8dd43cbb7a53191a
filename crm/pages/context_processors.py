"""What every page's frame shows beyond the user: the counts of follow-ups overdue and due
today beside "My follow-ups" in the navigation, of unread notifications beside
"Notifications", and the user's role and units."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from crm.core.selectors import unread_notification_count
from crm.org.selectors import role_label
from leads.selectors import followup_counts


def nav_followup_counts(request: HttpRequest) -> dict[str, int]:
    """The signed-in user's counts, read once per request (a page that has them already, as
    My follow-ups does, leaves them on the request and costs no second query)."""
    counts = getattr(request, "followup_counts", None)
    if counts is None:
        counts = request.followup_counts = followup_counts(owner=request.user)  # type: ignore[attr-defined]
    return counts


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: read only when a template shows them (the API's pages and the admin do not).
    return {
        "nav_followups": SimpleLazyObject(lambda: nav_followup_counts(request)),
        "nav_unread": SimpleLazyObject(lambda: {"count": unread_notification_count(user=user)}),
        # The user's role and units, read with the user by the sign-in backend.
        "nav_role": SimpleLazyObject(lambda: role_label(user)),
    }
