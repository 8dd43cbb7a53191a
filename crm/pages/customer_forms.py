"""The customer registration form: input shaped for ``customers.services.customer_register``,
whose coded errors (92011 for an invalid mobile or email, 90015 for a taken one) land on the
fields they concern."""

from __future__ import annotations

from typing import Any

from django import forms

from crm.core.errors import ErrorCollector, check_all
from customers.inputs import loyalty_type_of
from customers.models import Customer
from customers.services import customer_register, customer_update

from .forms import ServiceFormMixin, choice_text_field


class CustomerRegisterForm(ServiceFormMixin, forms.Form):
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    mobile = forms.CharField(
        label="Mobile",
        required=False,
        max_length=40,
        help_text="With the country code, or a local number.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label="Email",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    external_id = forms.CharField(
        label="External id", required=False, max_length=100, help_text="A loyalty card number."
    )
    loyalty_type = choice_text_field(
        "Type", Customer.LoyaltyType.choices, initial=Customer.LoyaltyType.NON_LOYALTY
    )

    def save(self) -> Customer:
        data: dict[str, Any] = self.cleaned_data
        errors = ErrorCollector()
        loyalty_type = loyalty_type_of(data.get("loyalty_type"), errors)
        return check_all(
            errors,
            lambda check_only: customer_register(
                loyalty_type=loyalty_type,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                mobile=data.get("mobile") or None,
                email=data.get("email") or None,
                external_id=data.get("external_id") or None,
                check_only=check_only,
            ),
        )


class CustomerEditForm(ServiceFormMixin, forms.Form):
    """A customer's names, mobile and email, saved by ``customer_update`` with the codes of
    registration (92011, 90015). An identifier emptied is removed."""

    first_name = CustomerRegisterForm.base_fields["first_name"]
    last_name = CustomerRegisterForm.base_fields["last_name"]
    mobile = CustomerRegisterForm.base_fields["mobile"]
    email = CustomerRegisterForm.base_fields["email"]

    error_fields = {"customer": None}

    @classmethod
    def for_customer(cls, customer: Customer, data: Any = None) -> CustomerEditForm:
        initial = {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "mobile": customer.mobile or "",
            "email": customer.email or "",
        }
        return cls(data, initial=initial)

    def save(self, *, customer_id: int) -> Customer:
        data: dict[str, Any] = self.cleaned_data
        return customer_update(
            customer_id=customer_id,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            mobile=data.get("mobile") or None,
            email=data.get("email") or None,
        )
