"""What a client sent about a customer, as the typed values the customer services take.

The API's ``customer`` object (camelCase ``firstName``), the CSV's name columns and the add
lead page's fields all become one ``CustomerDetails`` at their edge: no wire name reaches the
services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm.core.errors import ErrorCollector
from crm.core.parsing import choice_of, expect

from .models import Customer


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
