"""Writes for customers. Each public function is one transaction."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from crm.core.db import save_unique
from crm.core.errors import ErrorCode, ErrorCollector, Refusals, coded_error
from crm.core.parsing import MISSING, MissingType, typed

from .identifiers import normalise_email, normalise_mobile
from .inputs import CustomerDetails, IdType, parse_id_type  # noqa: F401 - re-exported
from .models import Customer


def normalise_identifier(id_type: str, identifier: str) -> str | None:
    if id_type == IdType.MOBILE:
        return normalise_mobile(identifier)
    if id_type == IdType.EMAIL:
        return normalise_email(identifier)
    value = identifier.strip()
    return value if 0 < len(value) <= 100 else None


@typed
@transaction.atomic
def customer_register(
    *,
    loyalty_type: Customer.LoyaltyType = Customer.LoyaltyType.NON_LOYALTY,
    first_name: str = "",
    last_name: str = "",
    mobile: str | None = None,
    email: str | None = None,
    external_id: str | None = None,
    check_only: bool = False,
) -> Customer | None:
    """Register a customer (92011 for a mobile or email that is not one, 90015 for one another
    customer has)."""
    customer = Customer(
        loyalty_type=loyalty_type,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        mobile=mobile,
        email=email,
        external_id=external_id,
    )
    if check_only:
        customer.full_clean()
        return None
    return _save_checked(customer)


def _save_checked(customer: Customer) -> Customer:
    """``full_clean()`` (92011, 90015 with the field), then save; an identifier taken by a
    parallel request meanwhile is 90015 too."""
    customer.full_clean()
    save_unique(customer, NON_FIELD_ERRORS, ErrorCode.CUSTOMER_EXISTS, "identifier")
    return customer


@typed
@transaction.atomic
def customer_update(
    *,
    customer_id: int,
    first_name: str | MissingType = MISSING,
    last_name: str | MissingType = MISSING,
    mobile: str | None | MissingType = MISSING,
    email: str | None | MissingType = MISSING,
) -> Customer:
    """Change a customer's names, mobile or email, checked as at registration: 92011 for a
    mobile or email that is not one, 90015 for one another customer has; 90014 for no such
    customer. An identifier sent empty is removed."""
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise ValidationError({"customer": [coded_error(ErrorCode.CUSTOMER_NOT_FOUND)]})
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not MISSING:
            setattr(customer, field, (value or "").strip())
    for field, value in (("mobile", mobile), ("email", email)):
        if value is not MISSING:
            setattr(customer, field, value or None)
    return _save_checked(customer)


@typed
def customer_resolve(
    *,
    user_id: int | None | MissingType = MISSING,
    id_type: IdType | None = None,
    identifier: str | None = None,
    customer_data: CustomerDetails | None = None,
    auto_register: bool = True,
    errors: ErrorCollector | None = None,
    refused: Refusals | None = None,
    check_only: bool = False,
) -> Customer | None:
    """Find the lead's customer in the spec's order: ``user_id`` (None: sent as null, 92007),
    then ``id_type`` + ``identifier``, then auto-registration (when the org allows it).
    ``refused``: what the edge could not type of ``user_id``, ``id_type`` and ``identifier``
    (``customers.inputs.customer_key``), reported where the order reads it. Problems go into
    ``errors`` (or are raised). With ``check_only`` a customer to register is checked and
    returned unsaved."""
    own = errors is None
    errors = errors if errors is not None else ErrorCollector()
    refused = refused if refused is not None else Refusals()
    customer = _resolve(
        user_id, id_type, identifier, customer_data, auto_register, errors, refused, check_only
    )
    if own:
        errors.raise_if_any()
    return customer


def _resolve(
    user_id, id_type, identifier, customer_data, auto_register, errors, refused, check_only
):
    if user_id is not MISSING:
        if refused.report("user_id", errors):
            return None
        if user_id is None:
            errors.add("user_id", ErrorCode.USER_ID_NULL)
            return None
        customer = Customer.objects.filter(pk=user_id).first()
        if customer is None:
            errors.add("user_id", ErrorCode.USER_NOT_FOUND, user_id)
        return customer

    # A value sent but refused is one sent: its own error says what is wrong with it.
    has_identifier = identifier is not None or "identifier" in refused
    if id_type is None and "id_type" not in refused and not has_identifier:
        errors.add("user_id", ErrorCode.USER_DETAILS_EMPTY)
        return None
    if refused.report("id_type", errors):
        return None
    if id_type is None:
        errors.add("id_type", ErrorCode.INVALID_ID_TYPE)
        return None
    if not has_identifier:
        errors.add("identifier", ErrorCode.USER_DETAILS_EMPTY)
        return None
    if refused.report("identifier", errors):
        return None
    field = IdType.FIELD[id_type]
    normalised = normalise_identifier(id_type, identifier)
    if normalised is not None:
        customer = Customer.objects.filter(**{field: normalised}).first()
        if customer is not None:
            return customer
    if not auto_register:
        errors.add("identifier", ErrorCode.AUTO_REGISTRATION_OFF)
        return None
    if normalised is None:
        errors.add("identifier", ErrorCode.CUSTOMER_REGISTRATION_FAILED)
        return None
    details = customer_data or CustomerDetails()
    return _auto_register(field, normalised, details, errors, check_only)


def _auto_register(
    field: str,
    value: str,
    details: CustomerDetails,
    errors: ErrorCollector,
    check_only: bool = False,
):
    values = {**asdict(details), field: value}
    values["first_name"], values["last_name"] = (
        details.first_name.strip(),
        details.last_name.strip(),
    )
    try:
        if check_only:
            customer = Customer(loyalty_type=Customer.LoyaltyType.NON_LOYALTY, **values)
            customer.full_clean()
            return customer
        with transaction.atomic():
            return customer_register(loyalty_type=Customer.LoyaltyType.NON_LOYALTY, **values)
    except ValidationError:
        # Another request may have registered the same identifier a moment ago.
        existing = Customer.objects.filter(**{field: value}).first()
        if existing is not None:
            return existing
        errors.add("customer", ErrorCode.CUSTOMER_REGISTRATION_FAILED)
        return None
