"""What a client sent about a customer, as the typed values the customer services take.

The API's ``customer`` object (camelCase ``firstName``), the CSV's name columns and the add
lead page's fields all become one ``CustomerDetails`` at their edge: no wire name reaches the
services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import nonmember
from typing import Any

from django.db import models

from crm.core.errors import ErrorCode, ErrorCollector, Refusals
from crm.core.parsing import MISSING, choice_of, expect, parse_id

from .models import Customer


class IdType(models.TextChoices):
    """How a lead names its customer besides ``userId`` (the customer's field in ``FIELD``)."""

    MOBILE = "MOBILE"
    EMAIL = "EMAIL"
    EXTERNAL_ID = "EXTERNAL_ID"
    ALL = nonmember((MOBILE, EMAIL, EXTERNAL_ID))
    FIELD = nonmember({MOBILE: "mobile", EMAIL: "email", EXTERNAL_ID: "external_id"})


def parse_id_type(id_type: Any) -> IdType | None:
    """The idType a client named (case-insensitive), or None when it is not one of the three."""
    if not isinstance(id_type, str):
        return None
    value = id_type.strip().upper()
    return IdType(value) if value in IdType.ALL else None


@dataclass(frozen=True)
class CustomerDetails:
    """Who a customer is, used when an unknown identifier registers one (the identifier
    itself comes from the lead's ``id_type`` + ``identifier``)."""

    first_name: str = ""
    last_name: str = ""
    mobile: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        for name in ("first_name", "last_name"):
            expect(name, getattr(self, name), str)
        for name in ("mobile", "email"):
            expect(name, getattr(self, name), str, None)

    @classmethod
    def of(cls, values: Mapping[str, Any] | None) -> CustomerDetails | None:
        """Details from snake_case values that an edge has checked are text (or None)."""
        if values is None:
            return None
        return cls(
            first_name=values.get("first_name") or "",
            last_name=values.get("last_name") or "",
            mobile=values.get("mobile"),
            email=values.get("email"),
        )


def loyalty_type_of(value: Any, errors: ErrorCollector) -> Customer.LoyaltyType:
    """A customer's loyalty type (NON_LOYALTY when none is named, or standing in for one that
    is not a type, refused as the model refuses it)."""
    default = Customer.LoyaltyType.NON_LOYALTY
    return choice_of(Customer, "loyalty_type", value, errors, default)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def customer_key(values: Mapping[str, Any], refused: Refusals) -> dict[str, Any]:
    """How a lead names its customer, typed for ``customer_resolve``: ``user_id`` (an int;
    None when sent null or blank; left out when not sent), ``id_type`` (an IdType, any case)
    and ``identifier`` (text; a whole number is read as its text). What cannot be one goes into
    ``refused`` under its argument: a ``userId`` that is no id (92008), an ``idType`` that is
    none of the three (92015), an identifier that is no text (90008)."""
    key: dict[str, Any] = {}
    user_id = values.get("user_id", MISSING)
    if user_id is not MISSING:
        key["user_id"] = None if _blank(user_id) else parse_id(user_id)
        if key["user_id"] is None and not _blank(user_id):
            refused.on("user_id").add("user_id", ErrorCode.USER_NOT_FOUND, user_id)
    id_type = values.get("id_type")
    key["id_type"] = None if id_type in (None, "") else parse_id_type(id_type)
    if key["id_type"] is None and id_type not in (None, ""):
        refused.on("id_type").add("id_type", ErrorCode.INVALID_ID_TYPE)
    identifier = values.get("identifier")
    if isinstance(identifier, int) and not isinstance(identifier, bool):
        identifier = str(identifier)
    key["identifier"] = None if _blank(identifier) else identifier
    if key["identifier"] is not None and not isinstance(identifier, str):
        refused.on("identifier").add(
            "identifier", ErrorCode.INVALID_FIELD, "identifier", "expected text"
        )
        key["identifier"] = None
    return key
