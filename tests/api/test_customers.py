"""/v2/customers: look up by identifier, register, read one."""

import pytest

from customers.models import Customer

from .conftest import assert_error_envelope


@pytest.mark.parametrize(
    ("id_type", "identifier"),
    [
        ("MOBILE", "+919876543210"),
        ("mobile", "98765 43210"),
        ("EMAIL", "Asha@Example.com"),
    ],
)
def test_lookup_by_identifier_finds_the_customer(api, customer, id_type, identifier):
    response = api.get("/v2/customers", {"idType": id_type, "identifier": identifier})

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == customer.pk and body["warnings"] == []
    assert body["loyaltyType"] == "LOYALTY"


def test_lookup_by_external_id(api, customer):
    Customer.objects.filter(pk=customer.pk).update(external_id="EXT-9")

    response = api.get("/v2/customers?idType=EXTERNAL_ID&identifier=EXT-9")

    assert response.json()["id"] == customer.pk


@pytest.mark.parametrize(
    ("query", "status", "codes"),
    [
        ("idType=MOBILE&identifier=9999999999", 404, [90014]),
        ("idType=MOBILE&identifier=12", 404, [90014]),
        ("idType=PAN&identifier=x", 400, [92015]),
        ("idType=MOBILE", 400, [92012]),
        ("", 400, [92012]),
    ],
)
def test_lookup_failures_are_coded(api, customer, query, status, codes):
    assert_error_envelope(api.get(f"/v2/customers?{query}"), status, *codes)


def test_read_one_customer(api, customer):
    body = api.get(f"/v2/customers/{customer.pk}").json()

    assert body["email"] == "asha@example.com"
    assert body["firstName"] == customer.first_name


@pytest.mark.parametrize("user_id", ["424242", "abc"])
def test_an_unknown_customer_is_90014(api, user_id):
    assert_error_envelope(api.get(f"/v2/customers/{user_id}"), 404, 90014)


def test_register_answers_the_customer_with_a_location(api):
    response = api.post(
        "/v2/customers",
        {"firstName": "Ravi", "lastName": "K", "mobile": "98765 11111", "email": "R@X.com"},
        format="json",
    )

    customer = Customer.objects.get()
    assert response.status_code == 200
    assert response["Location"].endswith(f"/v2/customers/{customer.pk}")
    assert response.json()["mobile"] == "+919876511111"
    assert (customer.email, customer.loyalty_type) == ("r@x.com", "NON_LOYALTY")


def test_register_a_loyalty_customer(api):
    response = api.post(
        "/v2/customers", {"loyaltyType": "LOYALTY", "externalId": "L-1"}, format="json"
    )

    assert response.json()["loyaltyType"] == "LOYALTY"
    assert Customer.objects.get().external_id == "L-1"


def test_register_an_existing_identifier_is_90015(api, customer):
    response = api.post("/v2/customers", {"mobile": "+919876543210"}, format="json")

    assert_error_envelope(response, 409, 90015)
    assert Customer.objects.count() == 1


def test_register_reports_every_problem(api):
    response = api.post(
        "/v2/customers",
        {"mobile": "12", "email": 5, "loyaltyType": "GOLD"},
        format="json",
    )

    assert_error_envelope(response, 400, 92011, 90008, 90008)
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "email" in messages and "loyaltyType" in messages
    assert not Customer.objects.exists()
