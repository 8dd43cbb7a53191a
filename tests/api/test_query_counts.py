"""Query budgets: the same number of queries whatever the page size or the lead's history."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import FollowUpFactory, LeadFactory, ReasonFactory, SkuFactory


@pytest.fixture
def api_forced(staff):
    # Authentication's own queries are left out: the budgets are the endpoints'.
    client = APIClient()
    client.force_authenticate(staff)
    return client


def _leads(count, customer, staff):
    leads = LeadFactory.create_batch(count, customer=customer, owner=staff)
    for lead in leads:
        FollowUpFactory(lead=lead)
    return leads


# A page's follow-ups and status log: two queries, or none on PostgreSQL, where the page's own
# query brings them as JSON (leads/api/rows.py).
HISTORY_QUERIES = 0 if connection.vendor == "postgresql" else 2
# count, page, history
LIST_QUERIES = 2 + HISTORY_QUERIES


@pytest.mark.parametrize("limit", [10, 100])
def test_search_costs_the_same_at_any_page_size(
    api_forced, customer, staff, django_assert_num_queries, limit
):
    _leads(limit, customer, staff)

    with django_assert_num_queries(LIST_QUERIES):
        response = api_forced.get(f"/v2/leads?limit={limit}")

    assert len(response.json()["data"]) == limit


@pytest.mark.parametrize("limit", [10, 100])
def test_filtered_search_costs_the_same_at_any_page_size(
    api_forced, customer, staff, django_assert_num_queries, limit
):
    _leads(limit, customer, staff)

    # + the checks that the customer and the owner exist
    with django_assert_num_queries(LIST_QUERIES + 2):
        response = api_forced.get(
            f"/v2/leads?limit={limit}&status=OPEN&userId={customer.pk}&owner={staff.username}"
        )

    assert len(response.json()["data"]) == limit


def test_one_lead_costs_the_same_queries_however_long_its_history(
    api_forced, customer, staff, django_assert_num_queries
):
    lead = LeadFactory(customer=customer, owner=staff)
    FollowUpFactory.create_batch(5, lead=lead)

    with django_assert_num_queries(1 + HISTORY_QUERIES):
        response = api_forced.get(f"/v2/leads/{lead.pk}")

    assert len(response.json()["followUpDetails"]) == 5


@pytest.mark.parametrize("followups", [1, 5])
def test_adding_a_lead_has_a_fixed_budget(
    api_forced, customer, django_assert_num_queries, followups
):
    SkuFactory(code="SKU-1")
    body = {
        "userId": customer.pk,
        "type": "SKU",
        "leadFor": "SKU-1",
        "followUpDetails": [{"followedUpOn": "2026-11-27T10:00:00Z"}] * followups,
    }

    with django_assert_num_queries(ADD_QUERIES):
        response = api_forced.post("/v2/leads", body, format="json")

    assert response.status_code == 200


def test_a_status_change_has_a_fixed_budget(api_forced, customer, staff, django_assert_num_queries):
    lead = LeadFactory(customer=customer, owner=staff)
    reason = ReasonFactory()

    with django_assert_num_queries(STATUS_QUERIES):
        response = api_forced.put(
            f"/v2/leads/{lead.pk}/status", {"status": "LOST", "reasonId": reason.pk}, format="json"
        )

    assert response.status_code == 200


# The service's validation (foreign keys, check constraints, catalog), its writes with their
# savepoints, the outbox's events, and the API's read-back of the lead: the same for 1 or 5
# follow-ups. One of them reads the creator's role (their store is the lead's when they have
# one).
ADD_QUERIES = 25 + HISTORY_QUERIES
# Lock and read the lead (as far as the caller sees it), the caller's role, the reason,
# validation, the update and the log row, the outbox's event, the read-back.
STATUS_QUERIES = 22 + HISTORY_QUERIES


# --- a scoped user: the scope is part of the page's query, not a query of its own ------------


@pytest.fixture
def associate_of_one_store(db):
    from crm.org.models import Role
    from tests.factories import OrgUnitFactory, UserFactory, give_role

    store, other = OrgUnitFactory(code="S1"), OrgUnitFactory(code="S2")
    user = UserFactory(username="scoped")
    give_role(user, Role.ASSOCIATE, store)
    client = APIClient()
    client.force_authenticate(user)
    return client, user, store, other


@pytest.mark.parametrize("limit", [10, 100])
def test_a_scoped_search_costs_the_same_queries_at_any_page_size(
    associate_of_one_store, customer, django_assert_num_queries, limit
):
    client, user, store, other = associate_of_one_store
    for lead in _leads(limit, customer, user):
        lead.store = store
        lead.save(update_fields=["store"])
    LeadFactory.create_batch(limit, customer=customer, store=other)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(f"/v2/leads?limit={limit}")

    assert len(response.json()["data"]) == limit
    assert {row["storeCode"] for row in response.json()["data"]} == {"S1"}
    assert response.json()["pagination"]["total"] == limit


def test_a_scoped_store_filter_costs_one_more_query(
    associate_of_one_store, customer, django_assert_num_queries
):
    client, user, store, _ = associate_of_one_store
    LeadFactory.create_batch(3, customer=customer, store=store)

    # + the store the filter names
    with django_assert_num_queries(LIST_QUERIES + 1):
        response = client.get("/v2/leads?entityType=STORE&entityCode=S1")

    assert len(response.json()["data"]) == 3
