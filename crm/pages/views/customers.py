"""Customer pages: the searchable list, a customer with their leads, and registration."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from crm.pages.access import staff_required
from customers.models import Customer
from customers.selectors import customer_get
from leads.errors import ErrorCode, message_for
from leads.selectors import customer_list, lead_base_queryset, with_item_names

from ..customer_forms import CustomerEditForm, CustomerRegisterForm

PAGE_SIZE = 25
LEADS_PAGE_SIZE = 20


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
    paginator = Paginator(customer_list(q=q), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "customers": page.object_list, "paginator": paginator, "q": q}
    return render(request, "customers/customer_list.html", context)


@staff_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    leads = lead_base_queryset().filter(customer=customer).order_by("-created_on", "-id")
    paginator = Paginator(leads, LEADS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "page": page,
        "leads": with_item_names(page.object_list),
        "paginator": paginator,
        "add_lead_url": reverse("lead-create") + f"?customer={customer.pk}",
        "edit_url": reverse("customer-edit", args=[customer.pk]),
        "all_leads_url": reverse("lead-list") + f"?userId={customer.pk}",
    }
    return render(request, "customers/customer_detail.html", context)


@staff_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = form.save()
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Customer {customer} registered.")
            return redirect("customer-detail", customer_id=customer.pk)
    status = 400 if form.errors else 200
    return render(request, "customers/customer_form.html", {"form": form}, status=status)


@staff_required
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Change a customer's names, mobile or email (the checks and codes of registration)."""
    customer = _customer_or_404(customer_id)
    form = CustomerEditForm.for_customer(customer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = form.save(customer_id=customer.pk)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Customer {customer} saved.")
            return redirect("customer-detail", customer_id=customer.pk)
    context = {"form": form, "customer": customer, "editing": True}
    return render(
        request, "customers/customer_form.html", context, status=400 if form.errors else 200
    )


@staff_required
def customer_lookup(request: HttpRequest) -> JsonResponse:
    """A few customers matching what is typed, for the add-lead form's customer search."""
    q = request.GET.get("q", "").strip()[:100]
    rows = list(customer_list(q=q)[:5]) if len(q) >= 2 else []
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
