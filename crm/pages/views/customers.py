"""Customer pages: the searchable list, a customer with their leads and the activity of all of
them, and registration."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from crm.pages.access import staff_required
from customers.models import Customer
from customers.selectors import customer_get
from leads.access import visible_leads
from leads.errors import ErrorCode, message_for
from leads.models import Lead
from leads.resolvers import next_follow_up_warnings
from leads.selectors import (
    customer_list,
    customer_timeline,
    lead_base_queryset,
    with_item_names,
)

from ..customer_forms import CustomerEditForm, CustomerRegisterForm
from ..forms import CustomerFollowUpForm
from ..notices import warn
from .timeline import COMPOSER_ID, composer_initial, timeline_context

PAGE_SIZE = 25
LEADS_PAGE_SIZE = 20
# The leads the timeline's composer offers (the lead page takes a note on any lead).
COMPOSER_LEADS = 100


def _customer_or_404(customer_id: int) -> Customer:
    customer = customer_get(customer_id=customer_id)
    if customer is None:
        raise Http404(
            f"{ErrorCode.CUSTOMER_NOT_FOUND} · {message_for(ErrorCode.CUSTOMER_NOT_FOUND)}"
        )
    return customer


@staff_required
def customer_list_page(request: HttpRequest) -> HttpResponse:
    # A search is a few words (SQLite refuses LIKE patterns past 50 000 bytes).
    q = request.GET.get("q", "").strip()[:200]
    paginator = Paginator(customer_list(q=q, user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "customers": page.object_list, "paginator": paginator, "q": q}
    return render(request, "customers/customer_list.html", context)


def _customer_leads(customer: Any, user: Any) -> QuerySet[Lead]:
    """The customer's leads as far as ``user`` may see them."""
    leads = visible_leads(lead_base_queryset(), user)
    return leads.filter(customer=customer).order_by("-created_on", "-id")


def _composer(customer: Any, user: Any, data: Any = None) -> CustomerFollowUpForm:
    """The timeline's composer, offering the customer's newest leads (active ones first)."""
    leads = with_item_names(_customer_leads(customer, user)[:COMPOSER_LEADS])
    leads.sort(key=lambda lead: lead.is_closed)
    if data is not None:
        return CustomerFollowUpForm(data, leads=leads, auto_id=COMPOSER_ID)
    return CustomerFollowUpForm(initial=composer_initial(), leads=leads, auto_id=COMPOSER_ID)


def render_customer_page(
    request: HttpRequest,
    customer: Any,
    *,
    composer: CustomerFollowUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    paginator = Paginator(_customer_leads(customer, request.user), LEADS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "page": page,
        "leads": with_item_names(page.object_list),
        "paginator": paginator,
        "add_lead_url": reverse("lead-create") + f"?customer={customer.pk}",
        "edit_url": reverse("customer-edit", args=[customer.pk]),
        "all_leads_url": reverse("lead-list") + f"?userId={customer.pk}",
        **timeline_context(
            request,
            lambda limit: customer_timeline(customer=customer, user=request.user, limit=limit),
            composer_form=composer or _composer(customer, request.user),
            composer_action=reverse("customer-add-followup", args=[customer.pk]),
            show_lead=True,
        ),
    }
    return render(request, "customers/customer_detail.html", context, status=status)


@staff_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    return render_customer_page(request, _customer_or_404(customer_id))


@require_POST
@staff_required
def customer_add_followup(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The composer of the customer's timeline: a follow-up or note on one of their leads,
    through the lead page's form and service."""
    customer = _customer_or_404(customer_id)
    form = _composer(customer, request.user, request.POST)
    if (followup := form.submit(user=request.user)) is not None:
        messages.success(request, f"Follow-up added to lead #{followup.lead_id}.")
        warn(request, next_follow_up_warnings(followup.next_follow_up))
        return redirect("customer-detail", customer_id=customer.pk)
    return render_customer_page(request, customer, composer=form, status=400)


@staff_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerRegisterForm(request.POST or None)
    if request.method == "POST" and (customer := form.submit()) is not None:
        messages.success(request, f"Customer {customer} registered.")
        return redirect("customer-detail", customer_id=customer.pk)
    status = 400 if form.errors else 200
    return render(request, "customers/customer_form.html", {"form": form}, status=status)


@staff_required
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Change a customer's names, mobile or email (the checks and codes of registration)."""
    customer = _customer_or_404(customer_id)
    form = CustomerEditForm.for_customer(customer, request.POST or None)
    if request.method == "POST" and (saved := form.submit(customer_id=customer.pk)) is not None:
        messages.success(request, f"Customer {saved} saved.")
        return redirect("customer-detail", customer_id=saved.pk)
    context = {"form": form, "customer": customer, "editing": True}
    return render(
        request, "customers/customer_form.html", context, status=400 if form.errors else 200
    )


@staff_required
def customer_lookup(request: HttpRequest) -> JsonResponse:
    """A few customers matching what is typed, for the add-lead form's customer search."""
    q = request.GET.get("q", "").strip()[:100]
    rows = list(customer_list(q=q, user=request.user)[:5]) if len(q) >= 2 else []
    return JsonResponse(
        {
            "data": [
                {
                    "id": c.pk,
                    "name": c.full_name,
                    "mobile": c.mobile,
                    "email": c.email,
                    "externalId": c.external_id,
                    "leads": c.lead_count,
                    "url": reverse("customer-detail", args=[c.pk]),
                }
                for c in rows
            ]
        }
    )
