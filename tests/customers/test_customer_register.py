"""customer_register and the Customer model's identifier rules."""

import pytest
from django.core.exceptions import ValidationError

from customers.identifiers import normalise_email, normalise_mobile
from customers.models import Customer
from customers.services import customer_register, normalise_identifier, parse_id_type
from tests.leads.codes import coded


def test_register_stores_normalised_identifiers():
    customer = customer_register(
        first_name=" Meera ",
        last_name="Iyer ",
        mobile="+91 98765 11111",
        email=" Meera@Example.COM",
        external_id=" ",
    )
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name) == ("Meera", "Iyer")
    assert customer.mobile == "+919876511111"
    assert customer.email == "meera@example.com"
    assert customer.external_id is None
    assert customer.loyalty_type == Customer.LoyaltyType.NON_LOYALTY


def test_customers_without_an_identifier_do_not_collide():
    customer_register(first_name="A")
    customer_register(first_name="B")
    assert Customer.objects.filter(mobile=None, email=None, external_id=None).count() == 2


@pytest.mark.parametrize(
    "field,value", [("mobile", "12"), ("email", "meera@"), ("mobile", "+1 555 0100")]
)
def test_invalid_identifier_is_refused(field, value):
    with pytest.raises(ValidationError) as raised:
        customer_register(**{field: value})
    assert coded(raised.value) == [(field, 92011, "Customer Registration failed")]
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    "field,first,again,label",
    [
        ("mobile", "+919876522222", "98765 22222", "mobile"),
        ("email", "dup@example.com", "DUP@example.com", "email"),
        ("external_id", "EXT-1", "EXT-1", "external id"),
    ],
)
def test_taken_identifier_is_refused_with_its_own_code(field, first, again, label):
    existing = customer_register(**{field: first})
    with pytest.raises(ValidationError) as raised:
        customer_register(**{field: again})
    assert coded(raised.value) == [(field, 90015, f"A customer with this {label} already exists")]
    assert list(Customer.objects.all()) == [existing]


def test_normalisers():
    assert normalise_mobile("98765 43210") == "+919876543210"
    assert normalise_mobile("+44 20 7946 0958") == "+442079460958"
    assert normalise_mobile("x" * 41) is None
    assert normalise_mobile(None) is None
    assert normalise_email(" A.B@Example.Org ") == "a.b@example.org"
    assert normalise_email("no-at-sign") is None
    assert normalise_identifier("EXTERNAL_ID", " ab ") == "ab"
    assert normalise_identifier("EXTERNAL_ID", "x" * 101) is None
    assert parse_id_type(" eMail ") == "EMAIL"
    assert parse_id_type("phone") is None
    assert parse_id_type(None) is None
