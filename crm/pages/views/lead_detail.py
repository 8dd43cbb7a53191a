"""The lead page: customer card, the activity timeline (status changes, follow-ups and notes,
owner changes) with its composer, and extended fields, with the forms that change status, add
a follow-up, reassign and edit details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm.org.selectors import active_stores
from crm.pages.forms import (
    AssignOwnerForm,
    FollowUpForm,
    LeadDetailsForm,
    StatusChangeForm,
    StoreMoveForm,
    sub_status_map,
)
from leads.access import LeadAction, may
from leads.errors import error_items
from leads.models import Lead
from leads.resolvers import next_follow_up_warnings
from leads.selectors import (
    assignable_owners,
    extended_field_list,
    lead_get,
    lead_timeline,
    reason_list,
    substatus_list,
    with_item_names,
)

from ..access import staff_required
from ..notices import warn
from .timeline import COMPOSER_ID, composer_initial, timeline_context

FORM_NAMES = ("status_form", "followup_form", "owner_form", "details_form", "store_form")


def _load(request: HttpRequest, lead_id: int) -> Lead:
    """The lead as the user may see it; one they may not is a 404, as a missing one is."""
    try:
        return lead_get(lead_id=lead_id, user=request.user, detail=False)
    except ValidationError as exc:
        # The 404 page shows the same coded text as the API: "92001 · Lead not found".
        (item,) = error_items(exc)
        raise Http404(f"{item['code']} · {item['message']}") from None


def render_lead_page(
    request: HttpRequest, lead_id: int, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The page with fresh forms, or with the one just submitted and its errors."""
    lead = with_item_names([_load(request, lead_id)])[0]
    sub_statuses = list(substatus_list(active_only=True))
    reasons = list(reason_list(active_only=True))
    owners = list(assignable_owners())
    definitions = list(extended_field_list())
    active_definitions = [d for d in definitions if d.is_active]
    forms = {
        "status_form": StatusChangeForm(sub_statuses=sub_statuses, reasons=reasons),
        "followup_form": FollowUpForm(initial=composer_initial()),
        "owner_form": AssignOwnerForm(
            owners=owners, initial={"owner": lead.owner.get_username() if lead.owner else ""}
        ),
        "details_form": LeadDetailsForm(definitions=active_definitions, lead=lead),
    }
    if may(request.user, LeadAction.MOVE, lead):
        # Every active store but the one it is at (handing it there would change nothing).
        forms["store_form"] = StoreMoveForm(stores=active_stores().exclude(pk=lead.store_id))
    forms.update(bound)
    labels = {d.name: d for d in definitions}
    extended = [
        {
            "name": name,
            "label": (labels[name].label or name) if name in labels else name,
            "value": value,
            "known": name in labels,
        }
        for name, value in sorted(lead.extended_fields.items())
    ]
    composer = bound.get("timeline_form") or FollowUpForm(
        initial=composer_initial(), auto_id=COMPOSER_ID
    )
    context = {
        "lead": lead,
        "customer": lead.customer,
        **timeline_context(
            request,
            lambda limit: lead_timeline(lead=lead, limit=limit),
            composer_form=composer,
            composer_action=reverse("lead-add-note", args=[lead.pk]),
            show_lead=False,
        ),
        "extended": extended,
        "sub_status_map": sub_status_map(sub_statuses),
        "now": timezone.now(),
        "open_form": next((name for name in FORM_NAMES if name in bound), ""),
        **forms,
    }
    return render(request, "leads/lead_detail.html", context, status=status)


@staff_required
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    return render_lead_page(request, lead_id)


def _lead_action(
    form_name: str,
    build: Callable[[HttpRequest, int], Any],
    success: Callable[[Any], str],
    warnings: Callable[[Any], list[Any]] = lambda result: [],
) -> Callable[..., HttpResponse]:
    """A POST handler: build the form, call its service; on success go back to the page with
    a message, otherwise show the page again with the form's coded errors."""

    @require_POST
    @staff_required
    def view(request: HttpRequest, lead_id: int) -> HttpResponse:
        form = build(request, lead_id)
        if (result := form.submit(lead_id=lead_id, user=request.user)) is not None:
            messages.success(request, success(result))
            warn(request, warnings(result))
            return redirect("lead-detail", lead_id=lead_id)
        return render_lead_page(request, lead_id, status=form.status_code(), **{form_name: form})

    return view


lead_change_status = _lead_action(
    "status_form",
    lambda request, lead_id: StatusChangeForm(
        request.POST,
        sub_statuses=substatus_list(active_only=True),
        reasons=reason_list(active_only=True),
    ),
    lambda lead: (
        f"Status changed to {lead.get_status_display()}"
        + (f" / {lead.sub_status.name}." if lead.sub_status else ".")
    ),
)

lead_add_followup = _lead_action(
    "followup_form",
    lambda request, lead_id: FollowUpForm(request.POST),
    lambda followup: "Follow-up added.",
    lambda followup: next_follow_up_warnings(followup.next_follow_up),
)

# The timeline's composer: the same form and service, its errors shown in the composer.
lead_add_note = _lead_action(
    "timeline_form",
    lambda request, lead_id: FollowUpForm(request.POST, auto_id=COMPOSER_ID),
    lambda followup: "Note added." if not followup.next_follow_up else "Follow-up added.",
    lambda followup: next_follow_up_warnings(followup.next_follow_up),
)

lead_assign = _lead_action(
    "owner_form",
    lambda request, lead_id: AssignOwnerForm(request.POST, owners=assignable_owners()),
    lambda lead: (
        f"Lead assigned to {lead.owner.get_username()}." if lead.owner else "Lead unassigned."
    ),
)


def _details_form(request: HttpRequest, lead_id: int) -> LeadDetailsForm:
    return LeadDetailsForm(
        request.POST,
        definitions=extended_field_list(active_only=True),
        lead=_load(request, lead_id),
    )


lead_update_details = _lead_action(
    "details_form", _details_form, lambda lead: "Lead details saved."
)

lead_move_store = _lead_action(
    "store_form",
    lambda request, lead_id: StoreMoveForm(request.POST, stores=active_stores()),
    lambda lead: (
        f"Lead handed over to store {lead.store.code}."
        + ("" if lead.owner_id else " Its owner does not work there: it is unassigned.")
    ),
)
