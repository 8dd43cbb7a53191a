"""Org settings, for managers: reasons, sub-statuses per status, the auto-registration switch
and the extended-field definitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from crm.org.csv_import import STAFF_COLUMNS, UNIT_COLUMNS
from crm.org.selectors import org_unit_counts
from crm.pages.forms import (
    AutoRegistrationForm,
    CloseReasonForm,
    ExtendedFieldForm,
    ReasonForm,
    RowEditForm,
    SubStatusForm,
)
from crm.webhooks.selectors import endpoint_overview
from leads import services
from leads.errors import error_items
from leads.models import OrgSettings, Status
from leads.selectors import extended_field_list, reason_list, substatus_list

from ..access import manager_required
from ..webhook_forms import WebhookForm
from .org_import import may_import_staff

FORMS: dict[str, Callable[..., Any]] = {
    "reason_form": ReasonForm,
    "substatus_form": SubStatusForm,
    "autoreg_form": AutoRegistrationForm,
    "close_reason_form": CloseReasonForm,
    "field_form": ExtendedFieldForm,
    "webhook_form": WebhookForm,
}


def render_settings(request: HttpRequest, *, status: int = 200, **bound: Any) -> HttpResponse:
    org = OrgSettings.load()
    sub_statuses = list(substatus_list())
    forms = {name: cls() for name, cls in FORMS.items()}
    forms["autoreg_form"] = AutoRegistrationForm(
        initial={"auto_register_customers": org.auto_register_customers}
    )
    forms["close_reason_form"] = CloseReasonForm(
        initial={"require_close_reason": org.require_close_reason}
    )
    forms.update(bound)
    groups = [
        {
            "status": value,
            "label": label,
            "items": [sub for sub in sub_statuses if sub.status == value],
        }
        for value, label in Status.choices
    ]
    context = {
        "org": org,
        "org_units": org_unit_counts(),
        "may_import_staff": may_import_staff(request.user),
        "unit_columns": list(UNIT_COLUMNS),
        "staff_columns": list(STAFF_COLUMNS),
        "reasons": list(reason_list()),
        "substatus_groups": groups,
        "fields": list(extended_field_list()),
        "open_form": next(iter(bound), ""),
        # Webhooks are for admins (superusers, holders of webhooks.manage_webhooks).
        "webhooks": (
            endpoint_overview() if request.user.has_perm("webhooks.manage_webhooks") else None
        ),
        **forms,
    }
    return render(request, "leads/org_settings.html", context, status=status)


@manager_required
def org_settings(request: HttpRequest) -> HttpResponse:
    return render_settings(request)


def _settings_action(form_name: str, success: Callable[[Any], str]) -> Callable[..., HttpResponse]:
    @require_POST
    @manager_required
    def view(request: HttpRequest) -> HttpResponse:
        form = FORMS[form_name](request.POST)
        if (result := form.submit()) is not None:
            messages.success(request, success(result))
            return redirect("org-settings")
        return render_settings(request, status=400, **{form_name: form})

    return view


add_reason = _settings_action("reason_form", lambda reason: f"Reason “{reason}” added.")
add_substatus = _settings_action(
    "substatus_form",
    lambda sub: f"Sub-status “{sub.name}” added to {sub.get_status_display()}.",
)
update_auto_registration = _settings_action(
    "autoreg_form",
    lambda org: "Auto-registration is now " + ("on." if org.auto_register_customers else "off."),
)
update_close_reason = _settings_action(
    "close_reason_form",
    lambda org: (
        "A reason is now "
        + ("required" if org.require_close_reason else "optional")
        + " to mark a lead Lost or Deleted."
    ),
)
add_extended_field = _settings_action(
    "field_form", lambda field: f"Extended field “{field.name}” added."
)


@require_POST
@manager_required
def toggle_extended_field(request: HttpRequest, field_id: int) -> HttpResponse:
    """Switch a definition on or off; switched off, it is no longer offered or accepted."""
    active = request.POST.get("is_active") == "true"
    try:
        field = services.extended_field_update(field_id=field_id, is_active=active)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        state = "active" if field.is_active else "switched off"
        messages.success(request, f"Extended field “{field.name}” is now {state}.")
    return redirect("org-settings")


def _edit_action(
    update: Callable[..., Any], label: str, anchor: str
) -> Callable[..., HttpResponse]:
    """Rename or switch off one row; a refusal comes back as a message with its code."""

    @require_POST
    @manager_required
    def view(request: HttpRequest, **ids: int) -> HttpResponse:
        (row_id,) = ids.values()
        form = RowEditForm(request.POST)
        form.is_valid()
        try:
            row = form.save(update=update, row_id=row_id)
        except ValidationError as exc:
            for item in error_items(exc):
                messages.error(request, f"{item['code']} · {item['message']}")
        else:
            state = "offered" if row.is_active else "no longer offered"
            messages.success(request, f"{label} “{row}” saved; it is {state}.")
        return redirect(f"{reverse('org-settings')}#{anchor}")

    return view


update_reason = _edit_action(
    lambda pk, edit: services.reason_update(reason_id=pk, edit=edit),
    "Reason",
    "reasons",
)
update_substatus = _edit_action(
    lambda pk, edit: services.substatus_update(substatus_id=pk, edit=edit),
    "Sub-status",
    "sub-statuses",
)
