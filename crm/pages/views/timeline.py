"""The activity timeline as the lead page and the customer page show it: the newest entries
with a composer on top (a follow-up or note through the follow-up form and service), and a
link to older entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from leads.selectors import TIMELINE_LIMIT, TimelineEntry

# "Show older" asks for this many more each time, up to TIMELINE_MAX at once.
TIMELINE_MAX = 1000
COMPOSER_ID = "timeline-%s"


def composer_initial() -> dict[str, Any]:
    # Most notes are written right after the call: now is the likely answer.
    return {"followed_up_on": timezone.localtime().replace(second=0, microsecond=0)}


def timeline_context(
    request: HttpRequest,
    entries: Callable[[int], list[TimelineEntry]],
    *,
    composer_form: Any,
    composer_action: str,
    show_lead: bool,
) -> dict[str, Any]:
    """What templates/leads/_timeline.html shows. ``entries(limit)`` is the selector."""
    try:
        limit = int(request.GET.get("entries", TIMELINE_LIMIT))
    except ValueError:
        limit = TIMELINE_LIMIT
    limit = min(max(limit, TIMELINE_LIMIT), TIMELINE_MAX)
    timeline = entries(limit)
    more_url = ""
    if len(timeline) == limit and limit < TIMELINE_MAX:
        params = request.GET.copy()
        params["entries"] = str(min(limit + TIMELINE_LIMIT, TIMELINE_MAX))
        more_url = f"?{params.urlencode()}#activity"
    return {
        "timeline": timeline,
        "timeline_more_url": more_url,
        "timeline_show_lead": show_lead,
        "composer_form": composer_form,
        "composer_action": composer_action,
    }
