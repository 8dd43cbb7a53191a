"""The pipeline board: a column per status (OPEN, ON_HOLD, WON, LOST) under the list's filters,
each paged on its own; a card moved to another column changes the lead's status through the
same service, with the same coded errors, as the lead page and the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm.core.parsing import parse_id
from crm.pages.forms import StatusChangeForm, sub_status_map
from leads.errors import ErrorCode, coded_error, error_items, http_status_of
from leads.filters import filtered_leads
from leads.models import Lead
from leads.selectors import (
    BOARD_STATUSES,
    board_column_page,
    board_columns,
    lead_list_page_queryset,
    reason_list,
    substatus_list,
    with_item_names,
)

from ..access import staff_required
from ..reference import reference_lists
from .lead_list import is_filtered, search_leads

# Cards per column and per "More": a column never loads all its leads.
PER_COLUMN = 20
# The heading of the cards without a sub-status.
NO_SUB_STATUS = "No sub-status"


def _shown_statuses(params: Any) -> list[str]:
    """The board's columns: all four, or those the status filter names."""
    asked = [part.strip() for part in (params.get("status") or "").split(",") if part.strip()]
    return [status for status in BOARD_STATUSES if not asked or status in asked]


def _query_without(params: Any, *names: str) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@staff_required
def lead_board(request: HttpRequest) -> HttpResponse:
    lists = reference_lists()
    sub_statuses = list(lists.sub_statuses)
    search, leads, refused = search_leads(request, lists=lists, sub_statuses=sub_statuses)
    columns = board_columns(leads, per_column=PER_COLUMN, statuses=_shown_statuses(request.GET))
    context = {
        "search": search,
        "columns": columns,
        "filtered": is_filtered(request.GET),
        "import_job_id": parse_id(request.GET.get("importJob")),
        "filter_query": _query_without(request.GET, "page", "per_page"),
        "move_form": StatusChangeForm(
            sub_statuses=sub_statuses, reasons=lists.reasons, auto_id="move-%s"
        ),
        "sub_status_map": sub_status_map(sub_statuses),
        "now": timezone.now(),
    }
    status = 400 if refused else 200
    return render(request, "leads/board.html", context, status=status)


@staff_required
def lead_board_more(request: HttpRequest) -> HttpResponse:
    """The next cards of one column, as HTML the board appends in place (the filters are the
    board's query string, with ``column`` and ``offset``)."""
    column_status = request.GET.get("column", "")
    offset = parse_id(request.GET.get("offset")) or 0
    if column_status not in BOARD_STATUSES:
        error = coded_error(ErrorCode.INVALID_LEAD_STATUS, column_status)
        return _errors_response(ValidationError({"status": [error]}))
    try:
        leads = filtered_leads(request.GET, lead_list_page_queryset(), user=request.user)
    except ValidationError as exc:
        return _errors_response(exc)
    column = board_column_page(leads, status=column_status, offset=offset, per_column=PER_COLUMN)
    return render(
        request,
        "leads/board_more.html",
        {"column": column, "filter_query": _query_without(request.GET, "column", "offset")},
    )


@require_POST
@staff_required
def lead_board_move(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Changes the lead's status as the board's dialog asks; answers the moved card, or the
    service's coded errors in the API's envelope."""
    form = StatusChangeForm(request.POST, sub_statuses=substatus_list(), reasons=reason_list())
    form.is_valid()  # every field is text: the service judges the values
    try:
        lead: Lead = form.save(lead_id=lead_id, user=request.user)
    except ValidationError as exc:
        return _errors_response(exc)
    (lead,) = with_item_names([lead])
    card = render_to_string(
        "leads/_board_card.html", {"lead": lead, "now": timezone.now()}, request=request
    )
    sub = lead.sub_status
    return JsonResponse(
        {
            "leadId": lead.pk,
            "status": lead.status,
            "group": str(sub.pk) if sub else "",
            "groupLabel": sub.name if sub else NO_SUB_STATUS,
            "card": card,
            "errors": [],
            "warnings": [],
        }
    )


def _errors_response(exc: ValidationError) -> JsonResponse:
    items = error_items(exc)
    return JsonResponse({"errors": items, "warnings": []}, status=http_status_of(items))
