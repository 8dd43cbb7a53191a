"""Reads for customers, with what a list shows counted in the same query."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from leads.models import ACTIVE_STATUSES

from .identifiers import normalise_mobile
from .models import Customer


def customer_list(*, q: str = "") -> QuerySet[Customer]:
    """Customers, newest first, each with its number of leads and of active leads; ``q``
    searches the name, mobile, email, external id and (a number) the customer id."""
    customers = Customer.objects.annotate(
        lead_count=Count("leads"),
        active_lead_count=Count("leads", filter=Q(leads__status__in=list(ACTIVE_STATUSES))),
    ).order_by("-created_on", "-id")
    text = (q or "").strip()
    if text:
        condition = (
            Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
            | Q(mobile__icontains=text)
            | Q(external_id__icontains=text)
        )
        parts = text.split()
        if len(parts) == 2:
            condition |= Q(first_name__iexact=parts[0], last_name__iexact=parts[1])
        mobile = normalise_mobile(text)
        if mobile:
            condition |= Q(mobile=mobile)
        if text.isdigit() and len(text) < 19:
            condition |= Q(pk=int(text))
        customers = customers.filter(condition)
    return customers


def customer_get(*, customer_id: int) -> Customer | None:
    return Customer.objects.filter(pk=customer_id).first()
