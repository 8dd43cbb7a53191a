"""Add lead: find the customer or register one in the same form, then the lead."""

from django.urls import reverse

from customers.models import Customer
from leads.models import Lead, LeadStatus, Status
from tests.factories import (
    BrandFactory,
    CustomerFactory,
    ExtendedFieldFactory,
    LeadFactory,
    SkuFactory,
    UserFactory,
)

from .conftest import field_errors, text_of

ADD = reverse("lead-create")


def form(**values):
    data = {
        "customer_mode": "existing",
        "find_by": "MOBILE",
        "identifier": "",
        "type": "SKU",
        "lead_for": "",
        "owner": "",
        "org_source": "-1",
    }
    data.update(values)
    return data


def test_form_starts_with_the_user_as_owner_and_instore_source(staff_client):
    response = staff_client.get(ADD)

    assert response.status_code == 200
    assert response.context["form"].initial["owner"] == "associate"
    assert response.context["form"].initial["org_source"] == "-1"


def test_lead_for_an_existing_customer_found_by_mobile(staff_client, staff):
    customer = CustomerFactory(mobile="+919876500001")
    SkuFactory(code="SKU-1")

    response = staff_client.post(
        ADD, form(identifier="9876500001", lead_for="SKU-1", owner="associate", org_source="2")
    )

    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lead-detail", args=[lead.pk])
    assert (lead.customer_id, lead.lead_for, lead.owner_id, lead.org_source_id) == (
        customer.pk,
        "SKU-1",
        staff.pk,
        2,
    )
    assert lead.created_by_id == staff.pk
    assert LeadStatus.objects.filter(lead=lead, status=Status.OPEN).count() == 1


def test_lead_for_an_existing_customer_by_id_or_email(staff_client):
    customer = CustomerFactory(email="meera@shop.example")

    staff_client.post(
        ADD,
        form(find_by="USER_ID", identifier=str(customer.pk), type="CUSTOM", lead_for="Gift wrap"),
    )
    staff_client.post(
        ADD,
        form(find_by="EMAIL", identifier="MEERA@shop.example", type="CUSTOM", lead_for="Engraving"),
    )

    assert list(Lead.objects.values_list("customer_id", flat=True)) == [customer.pk] * 2


def test_new_customer_is_registered_in_the_same_form(staff_client):
    BrandFactory(code="NIKE")

    response = staff_client.post(
        ADD,
        form(
            customer_mode="new",
            first_name="Kiran",
            last_name="Rao",
            mobile="+91 98111 22233",
            email="kiran@shop.example",
            type="BRAND",
            lead_for="NIKE",
            next_follow_up="2026-04-01T10:00",
        ),
    )

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name, customer.mobile, customer.email) == (
        "Kiran",
        "Rao",
        "+919811122233",
        "kiran@shop.example",
    )
    assert customer.loyalty_type == Customer.LoyaltyType.NON_LOYALTY
    lead = Lead.objects.get()
    assert lead.customer_id == customer.pk
    assert lead.next_follow_up.isoformat().startswith("2026-04-01T10:00")


def test_unknown_customer_with_auto_registration_off_is_92025(staff_client, auto_register_off):
    response = staff_client.post(
        ADD, form(customer_mode="new", mobile="9811122233", type="CUSTOM", lead_for="x")
    )

    assert response.status_code == 400
    assert field_errors(response, "mobile") == [
        "92025 · Customer is not registered. Auto-registration is off"
    ]
    assert not Customer.objects.exists()
    assert not Lead.objects.exists()


def test_every_problem_is_reported_at_once_next_to_its_field(staff_client):
    response = staff_client.post(ADD, form(identifier="", type="SKU", lead_for="", owner="ghost"))

    assert response.status_code == 400
    assert field_errors(response, "identifier") == ["92012 · User Details cannot be empty"]
    assert field_errors(response, "lead_for") == ["92006 · leadFor cannot be null"]
    assert field_errors(response, "owner") == ["92019 · Invalid lead owner ghost"]
    assert not Lead.objects.exists()


def test_lead_for_outside_the_catalog_is_refused(staff_client):
    CustomerFactory(mobile="+919876500001")

    response = staff_client.post(ADD, form(identifier="9876500001", lead_for="NOPE-1"))

    assert field_errors(response, "lead_for") == ["92016 · Invalid SKU NOPE-1"]
    assert not Lead.objects.exists()


def test_unknown_customer_id_is_92008(staff_client):
    response = staff_client.post(
        ADD, form(find_by="USER_ID", identifier="99999", type="CUSTOM", lead_for="x")
    )

    assert field_errors(response, "identifier") == [
        "92008 · No user found with the given userId 99999"
    ]


def test_invalid_mobile_for_a_new_customer_is_92011(staff_client):
    response = staff_client.post(
        ADD, form(customer_mode="new", mobile="12", type="CUSTOM", lead_for="x")
    )

    assert field_errors(response, "mobile") == ["92011 · Customer Registration failed"]
    assert not Customer.objects.exists()


def test_duplicate_active_lead_is_added_with_a_warning_when_saved_anyway(staff_client):
    customer = CustomerFactory()
    existing = LeadFactory(customer=customer, type="CUSTOM", lead_for="Gift wrap")
    data = form(find_by="USER_ID", identifier=str(customer.pk), type="CUSTOM", lead_for="Gift wrap")

    # Shown before saving first (nothing saved), then saved on "Save anyway".
    staff_client.post(ADD, data)
    assert Lead.objects.count() == 1
    response = staff_client.post(ADD, {**data, "save_anyway": "1"}, follow=True)

    assert Lead.objects.count() == 2
    assert (
        f"90101 · An active lead {existing.pk} already exists for this customer and item"
        in text_of(response)
    )


def test_extended_fields_are_saved_and_checked(staff_client):
    ExtendedFieldFactory(name="size", choices=["S", "M", "L"])
    customer = CustomerFactory()
    base = form(find_by="USER_ID", identifier=str(customer.pk), type="CUSTOM", lead_for="Tee")

    refused = staff_client.post(ADD, {**base, "ext__size": "XXL"})
    accepted = staff_client.post(ADD, {**base, "ext__size": "M"})

    assert "90010 · Invalid value for extended field size: expected one of S, M, L" in text_of(
        refused
    )
    assert accepted.status_code == 302
    assert Lead.objects.get().extended_fields == {"size": "M"}


def test_customer_page_link_prefills_the_customer(staff_client):
    customer = CustomerFactory(first_name="Isha", last_name="Nair")

    response = staff_client.get(ADD, {"customer": customer.pk})

    assert response.context["form"].initial["identifier"] == str(customer.pk)
    assert "Adding a lead for Isha Nair" in text_of(response)


def test_catalog_suggestions_feed_the_lead_for_input(staff_client):
    SkuFactory(code="SKU-77", name="Trail Runner")
    BrandFactory(code="PUMA", name="Puma")

    page = staff_client.get(ADD).content.decode()
    suggest = staff_client.get(reverse("lead-for-suggestions"), {"type": "SKU", "q": "trail"})

    assert '<option value="SKU-77">Trail Runner</option>' in page
    assert '<option value="PUMA">Puma</option>' in page
    assert suggest.json() == {"data": [{"code": "SKU-77", "name": "Trail Runner"}]}


def test_owner_list_offers_active_staff_only(staff_client):
    UserFactory(username="shopper", is_staff=False)
    UserFactory(username="leaver", is_active=False)
    UserFactory(username="bob")

    owners = [
        value for value, _ in staff_client.get(ADD).context["form"].fields["owner"].widget.choices
    ]

    assert owners == ["", "associate", "bob"]


def test_new_customer_is_offered_only_while_auto_registration_is_on(staff_client):
    page = staff_client.get(reverse("lead-create")).content.decode()
    assert 'value="new"' in page and "New customer" in page


def test_new_customer_is_not_offered_with_auto_registration_off(staff_client, auto_register_off):
    page = staff_client.get(reverse("lead-create")).content.decode()

    assert 'value="new"' not in page and "New customer" not in page
    assert 'name="customer_mode" value="existing"' in page
    assert "the customer must exist already" in page
