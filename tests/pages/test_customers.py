"""Customers: searchable list, a customer's page with their leads, registration."""

from django.urls import reverse

from customers.models import Customer
from tests.factories import CustomerFactory, LeadFactory

from .conftest import field_errors, text_of

LIST = reverse("customer-list")
REGISTER = reverse("customer-create")


def test_list_searches_name_mobile_email_and_external_id(staff_client):
    asha = CustomerFactory(
        first_name="Asha",
        last_name="Verma",
        mobile="+919812345678",
        email="asha@x.example",
        external_id="LOY-7",
    )
    CustomerFactory(first_name="Omar", last_name="Haddad")

    for q in ["asha", "Verma", "9812345678", "asha@x", "LOY-7", "Asha Verma", f"#{asha.pk}"]:
        response = staff_client.get(LIST, {"q": q})
        assert [c.pk for c in response.context["customers"]] == [asha.pk], q


def test_list_counts_each_customers_leads(staff_client):
    customer = CustomerFactory()
    LeadFactory.create_batch(2, customer=customer)
    LeadFactory(customer=customer, status="WON")

    row = staff_client.get(LIST).context["customers"][0]

    assert (row.lead_count, row.active_lead_count) == (3, 2)


def test_empty_search_says_no_customer_matches(staff_client):
    CustomerFactory()

    assert "No customer matches" in text_of(staff_client.get(LIST, {"q": "zzz"}))


def test_customer_page_lists_their_leads_and_links_to_add_one(staff_client):
    customer = CustomerFactory(first_name="Isha", last_name="Nair")
    leads = LeadFactory.create_batch(2, customer=customer)
    LeadFactory()

    response = staff_client.get(reverse("customer-detail", args=[customer.pk]))

    assert response.status_code == 200
    assert {lead.pk for lead in response.context["leads"]} == {lead.pk for lead in leads}
    html = response.content.decode()
    assert f"{reverse('lead-create')}?customer={customer.pk}" in html
    assert f"{reverse('lead-list')}?userId={customer.pk}" in html


def test_missing_customer_is_a_404(staff_client):
    response = staff_client.get(reverse("customer-detail", args=[98765]))

    assert response.status_code == 404
    assert "90014 · Customer not found" in text_of(response)


def test_registering_a_customer_normalises_and_opens_their_page(staff_client):
    response = staff_client.post(
        REGISTER,
        {
            "first_name": " Rohan ",
            "last_name": "Mehta",
            "mobile": "98111 22233",
            "email": "Rohan@Shop.Example",
            "external_id": "",
            "loyalty_type": "LOYALTY",
        },
    )

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customer-detail", args=[customer.pk])
    assert (customer.first_name, customer.mobile, customer.email, customer.loyalty_type) == (
        "Rohan",
        "+919811122233",
        "rohan@shop.example",
        "LOYALTY",
    )


def test_a_taken_mobile_is_90015_and_an_invalid_email_92011(staff_client):
    CustomerFactory(mobile="+919811122233")

    response = staff_client.post(
        REGISTER, {"mobile": "9811122233", "email": "not-an-email", "loyalty_type": "NON_LOYALTY"}
    )

    assert response.status_code == 400
    assert field_errors(response, "email") == ["92011 · Customer Registration failed"]
    assert Customer.objects.count() == 1


def test_a_taken_mobile_alone_is_90015(staff_client):
    CustomerFactory(mobile="+919811122233")

    response = staff_client.post(REGISTER, {"mobile": "9811122233", "loyalty_type": "LOYALTY"})

    assert field_errors(response, "mobile") == [
        "90015 · A customer with this mobile already exists"
    ]
    assert Customer.objects.count() == 1


def test_customer_lookup_returns_a_few_matches(staff_client):
    customer = CustomerFactory(first_name="Zara", last_name="Iyer", mobile="+919800000001")
    LeadFactory(customer=customer)

    data = staff_client.get(reverse("customer-lookup"), {"q": "zara"}).json()["data"]

    assert data == [
        {
            "id": customer.pk,
            "name": "Zara Iyer",
            "mobile": "+919800000001",
            "email": customer.email,
            "externalId": None,
            "leads": 1,
            "url": reverse("customer-detail", args=[customer.pk]),
        }
    ]
