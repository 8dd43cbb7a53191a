"""The lead search finds what a person types: a customer's full name, the item's name as the
list shows it, and "#id"; the API's q and the lead list page share it."""

from django.http import QueryDict
from django.urls import reverse

from leads import selectors
from leads.filters import filtered_leads
from tests.factories import PASSWORD, CustomerFactory, LeadFactory, SkuFactory, UserFactory


def _found(q: str) -> set[int]:
    leads = filtered_leads(
        QueryDict(mutable=True) | {"q": q}, selectors.lead_search_queryset(), user=None
    )
    return {lead.pk for lead in leads}


def test_a_customers_full_name_finds_their_leads(db):
    saanvi = CustomerFactory(first_name="Saanvi", last_name="Sharma")
    other = CustomerFactory(first_name="Saanvi", last_name="Rao")
    hers = LeadFactory(customer=saanvi)
    LeadFactory(customer=other)

    assert _found("Saanvi Sharma") == {hers.pk}
    assert _found("saanvi sha") == {hers.pk}
    assert hers.pk in _found("Sharma")


def test_the_items_catalog_name_finds_the_lead(db):
    SkuFactory(code="SKU1001", name="Nike Air Zoom Pegasus")
    shoe = LeadFactory(type="SKU", lead_for="SKU1001")
    LeadFactory(type="CUSTOM", lead_for="Wedding gift set")

    assert _found("Air Zoom") == {shoe.pk}
    assert _found("SKU1001") == {shoe.pk}


def test_a_custom_item_is_not_found_by_a_catalog_name_of_the_same_code(db):
    SkuFactory(code="GIFT", name="Air Zoom gift box")
    custom = LeadFactory(type="CUSTOM", lead_for="GIFT")

    assert custom.pk not in _found("Air Zoom")


def test_hash_and_a_number_is_that_lead_and_nothing_else(db):
    leads = LeadFactory.create_batch(3)
    target = leads[1]

    assert _found(f"#{target.pk}") == {target.pk}


def test_the_list_page_and_the_api_find_by_full_name(db, client):
    staff = UserFactory(username="searcher")
    client.login(username=staff.username, password=PASSWORD)
    lead = LeadFactory(customer=CustomerFactory(first_name="Saanvi", last_name="Sharma"))

    page = client.get(reverse("lead-list"), {"q": "Saanvi Sharma"})
    api = client.get("/v2/leads", {"q": "Saanvi Sharma"})

    assert page.status_code == 200 and f"/leads/{lead.pk}/" in page.content.decode()
    assert [row["id"] for row in api.json()["data"]] == [lead.pk]


def test_a_mobile_in_any_format_finds_the_customers_leads(db):
    hers = LeadFactory(customer=CustomerFactory(mobile="+919876543210"))
    LeadFactory(customer=CustomerFactory(mobile="+919812300001"))

    for typed in ("+91 98765 43210", "098765-43210", "9876543210", "(98765) 43210", "43210"):
        assert _found(typed) == {hers.pk}, typed


def test_an_email_finds_the_customers_leads(db):
    hers = LeadFactory(customer=CustomerFactory(email="saanvi@example.com"))
    LeadFactory(customer=CustomerFactory(email="ravi@example.com"))

    assert _found("SAANVI@example") == {hers.pk}


def test_the_api_q_the_list_page_and_the_top_bar_find_a_mobile_alike(db, client):
    staff = UserFactory(username="searcher")
    client.login(username=staff.username, password=PASSWORD)
    lead = LeadFactory(customer=CustomerFactory(mobile="+919876543210"))
    LeadFactory(customer=CustomerFactory(mobile="+919812300001"))

    # The top bar's search is a GET of the list page with q.
    page = client.get(reverse("lead-list"), {"q": "098765-43210"})
    api = client.get("/v2/leads", {"q": "+91 98765 43210"})

    assert [row["id"] for row in page.context["rows"]] == [lead.pk]
    assert [row["id"] for row in api.json()["data"]] == [lead.pk]
