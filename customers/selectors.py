"""Reads for customers, with what a list shows counted in the same query."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.errors import ErrorCode, ErrorCollector

from .identifiers import normalise_mobile
from .models import Customer

# What a person types for a phone number: digits, with +, spaces, dashes, dots or brackets.
PHONE_TEXT = re.compile(r"^\+?[\d\s().-]+$")
MOBILE_MIN_DIGITS = 4


def mobile_digits(text: str) -> str | None:
    """The digits a stored E.164 mobile contains when ``text`` is that number (or part of it)
    typed in any format: "+91 98765 43210", "098765-43210" and "9876543210" all give digits
    of "+919876543210" (a leading 0, the trunk prefix, is dropped). None when the text is not
    a number of at least four digits."""
    if not PHONE_TEXT.match(text):
        return None
    digits = re.sub(r"\D", "", text).lstrip("0")
    return digits if len(digits) >= MOBILE_MIN_DIGITS else None


def contact_condition(text: str) -> Q:
    """Text in a customer's name, mobile or email; a full name ("Saanvi Sharma": first then
    last name, each in part); a mobile in any format (its digits in the stored E.164).

    Every part is ``icontains``: on PostgreSQL each column has a trigram index on its
    ``UPPER()`` (customers migration 0002), which is what Django's ``icontains`` compares."""
    condition = Q()
    for field in ("first_name", "last_name", "email", "mobile"):
        condition |= Q(**{f"{field}__icontains": text})
    first, _, last = text.partition(" ")
    if first and last.strip():
        condition |= Q(first_name__icontains=first, last_name__icontains=last.strip())
    digits = mobile_digits(text)
    if digits:
        condition |= Q(mobile__icontains=digits)
    mobile = normalise_mobile(text)
    if mobile:
        condition |= Q(mobile=mobile)
    return condition


def id_search(text: str) -> int | None:
    """The id a search for "#42" means, or None when the text is not one."""
    digits = text.strip().removeprefix("#")
    if text.strip().startswith("#") and digits.isdigit() and len(digits) < 19:
        return int(digits)
    return None


def customer_search(
    *, q: str = "", customers: QuerySet[Customer] | None = None
) -> QuerySet[Customer]:
    """Customers (all, or those given), newest first; ``q`` searches the name, mobile, email,
    external id and (a number) the customer id."""
    if customers is None:
        customers = Customer.objects.all()
    customers = customers.order_by("-created_on", "-id")
    text = (q or "").strip()
    if id_search(text) is not None:
        # "#42" is the customer id and nothing else.
        return customers.filter(pk=id_search(text))
    if text:
        condition = contact_condition(text) | Q(external_id__icontains=text)
        if text.isdigit() and len(text) < 19:
            condition |= Q(pk=int(text))
        customers = customers.filter(condition)
    return customers


def customer_get(*, customer_id: int) -> Customer | None:
    return Customer.objects.filter(pk=customer_id).first()


def customer_find(*, id_type: Any, identifier: Any) -> Customer | None:
    """The customer an identifier names (``idType`` case-insensitive, the identifier
    normalised as when it was stored), or None. No identifier is 92012, a wrong idType 92015."""
    from .services import IdType, normalise_identifier, parse_id_type

    errors = ErrorCollector()
    has_identifier = isinstance(identifier, str) and bool(identifier.strip())
    canonical = parse_id_type(id_type)
    if not has_identifier:
        errors.add("identifier", ErrorCode.USER_DETAILS_EMPTY)
    if canonical is None and (has_identifier or id_type not in (None, "")):
        errors.add("id_type", ErrorCode.INVALID_ID_TYPE)
    errors.raise_if_any()
    normalised = normalise_identifier(canonical, identifier)
    if normalised is None:
        return None
    return Customer.objects.filter(**{IdType.FIELD[canonical]: normalised}).first()
