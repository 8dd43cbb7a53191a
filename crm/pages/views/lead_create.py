"""Add a lead: find the customer (or register one in the same form), the item, owner, store,
source and next follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from crm.core.parsing import parse_id
from crm.org.selectors import store_choices_for
from crm.pages.forms import LeadCreateForm
from customers.selectors import customer_get
from leads.models import LeadType, OrgSettings, OrgSource
from leads.selectors import (
    assignable_owners,
    catalog_suggestions,
    duplicate_lead_id,
    extended_field_list,
    org_source_list,
)

from ..access import staff_required
from ..notices import warn

SUGGESTION_TYPES = (LeadType.SKU, LeadType.BRAND, LeadType.CATEGORY)


@staff_required
def lead_create(request: HttpRequest) -> HttpResponse:
    owners = list(assignable_owners())
    sources = list(org_source_list())
    definitions = list(extended_field_list(active_only=True))
    stores, single_store = store_choices_for(request.user)
    arguments = {
        "owners": owners,
        "sources": sources,
        "definitions": definitions,
        "stores": stores,
        "single_store": single_store,
    }
    customer = None
    duplicate_id = None
    if request.method == "POST":
        form = LeadCreateForm(request.POST, **arguments)
        if form.is_valid() and not request.POST.get("save_anyway"):
            # An open lead for the same customer and item is shown before saving (the
            # service would save and warn 90101): open it, or save anyway.
            duplicate_id = duplicate_lead_id(
                type=form.cleaned_data.get("type"),
                lead_for=form.cleaned_data.get("lead_for"),
                **form.customer_arguments(),
            )
        if duplicate_id is None and (result := form.submit(user=request.user)) is not None:
            lead = result.lead
            messages.success(request, f"Lead #{lead.pk} added for {lead.customer}.")
            warn(request, result.warnings)
            return redirect("lead-detail", lead_id=lead.pk)
    else:
        initial = {
            "owner": request.user.get_username(),
            "org_source": str(OrgSource.INSTORE_ID),
        }
        customer_id = parse_id(request.GET.get("customer"))
        customer = customer_get(customer_id=customer_id) if customer_id is not None else None
        if customer is not None:
            initial.update({"find_by": "USER_ID", "identifier": str(customer.pk)})
        form = LeadCreateForm(initial=initial, **arguments)
    context = {
        "form": form,
        "duplicate_id": duplicate_id,
        "customer": customer,
        "auto_register": OrgSettings.load().auto_register_customers,
        "suggestions": {
            kind: catalog_suggestions(type=kind, limit=300) for kind in SUGGESTION_TYPES
        },
    }
    status = form.status_code() if form.errors else 200
    return render(request, "leads/lead_create.html", context, status=status)


@staff_required
def lead_for_suggestions(request: HttpRequest) -> JsonResponse:
    """Catalog items for the "Lead for" input as the person types."""
    items = catalog_suggestions(
        type=request.GET.get("type", ""), q=request.GET.get("q", "")[:100], limit=20
    )
    return JsonResponse({"data": [{"code": code, "name": name} for code, name in items]})
