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
# follow-ups.
ADD_QUERIES = 24 + HISTORY_QUERIES
# Lock and read the lead, the reason, validation, the update and the log row, the outbox's
# event, the read-back.
STATUS_QUERIES = 21 + HISTORY_QUERIES
