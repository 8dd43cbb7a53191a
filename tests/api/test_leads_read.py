"""Reading leads: search filters, paging, sorting, one lead, its history and follow-ups."""

import datetime

import pytest
from django.utils import timezone

from leads.models import Lead, Status
from tests.factories import (
    CustomerFactory,
    FollowUpFactory,
    LeadFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import assert_error_envelope


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["data"]]


@pytest.fixture
def leads(customer, staff):
    """Three leads created a day apart, the newest first in the default order."""
    now = timezone.now()
    other = CustomerFactory()
    bob = UserFactory(username="bob")
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    return [
        LeadFactory(
            customer=customer,
            owner=staff,
            type="SKU",
            lead_for="SKU-1",
            created_on=now - datetime.timedelta(days=2),
            next_follow_up=now + datetime.timedelta(days=3),
        ),
        LeadFactory(
            customer=other,
            owner=bob,
            type="BRAND",
            lead_for="ACME",
            status=Status.ON_HOLD,
            sub_status=sub,
            org_source_id=1,
            created_on=now - datetime.timedelta(days=1),
            next_follow_up=now + datetime.timedelta(days=1),
        ),
        LeadFactory(customer=customer, owner=staff, type="CUSTOM", lead_for="Sofa", created_on=now),
    ]


def test_default_order_is_newest_first(api, leads):
    assert ids(api.get("/v2/leads")) == [leads[2].pk, leads[1].pk, leads[0].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=ON_HOLD", [1]),
        ("status=OPEN,ON_HOLD", [2, 1, 0]),
        ("substatus=YetToDecide", [1]),
        ("owner=bob", [1]),
        ("type=SKU,BRAND", [1, 0]),
        ("leadFor=Sofa", [2]),
        ("orgSourceId=1", [1]),
        ("orgSourceId=-1", [2, 0]),
        ("q=acme", [1]),
    ],
)
def test_each_filter_narrows_the_search(api, leads, query, expected):
    assert ids(api.get(f"/v2/leads?{query}")) == [leads[i].pk for i in expected]


def test_user_id_filter(api, leads, customer):
    assert ids(api.get(f"/v2/leads?userId={customer.pk}")) == [leads[2].pk, leads[0].pk]


def test_date_range_filters(api, leads):
    today = timezone.localdate().isoformat()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    in_two_days = (timezone.now() + datetime.timedelta(days=2)).isoformat()

    assert ids(api.get(f"/v2/leads?createdOnFrom={yesterday}&createdOnTo={yesterday}")) == [
        leads[1].pk
    ]
    assert ids(api.get(f"/v2/leads?createdOnFrom={today}")) == [leads[2].pk]
    assert ids(
        api.get("/v2/leads", {"nextFollowUpFrom": timezone.now(), "nextFollowUpTo": in_two_days})
    ) == [leads[1].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sortBy=createdOn&sortOrder=ASC", [0, 1, 2]),
        ("sortBy=nextFollowUp&sortOrder=asc", [1, 0, 2]),
        ("sortBy=nextFollowUp&sortOrder=DESC", [0, 1, 2]),
    ],
)
def test_sorting(api, leads, query, expected):
    assert ids(api.get(f"/v2/leads?{query}")) == [leads[i].pk for i in expected]


def test_sort_by_last_updated(api, leads, staff):
    Lead.objects.filter(pk=leads[0].pk).update(last_updated_on=timezone.now())

    assert ids(api.get("/v2/leads?sortBy=lastUpdatedOn"))[0] == leads[0].pk


def test_limit_and_offset_page_through_with_the_total(api, leads):
    response = api.get("/v2/leads?limit=2&offset=1")

    assert ids(response) == [leads[1].pk, leads[0].pk]
    assert response.json()["pagination"] == {"limit": 2, "offset": 1, "total": 3}


def test_an_offset_past_the_end_is_an_empty_page(api, leads):
    response = api.get("/v2/leads?offset=50")

    assert ids(response) == []
    assert response.json()["pagination"]["total"] == 3


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("status=MAYBE", 92003),
        ("type=SHOE", 92009),
        ("userId=abc", 92008),
        ("userId=424242", 92008),
        ("substatus=Nope", 92020),
        ("owner=ghost", 92019),
        ("orgSourceId=77", 92014),
        ("orgSourceId=x", 92014),
        ("createdOnFrom=yesterday", 90013),
        ("nextFollowUpTo=2026-13-45", 90013),
        ("sortBy=name", 90013),
        ("sortOrder=UP", 90013),
        ("limit=1001", 90013),
        ("limit=-1", 90013),
        ("limit=ten", 90013),
        ("offset=-5", 90013),
    ],
)
def test_an_invalid_filter_value_is_a_coded_error(api, leads, query, code):
    assert_error_envelope(api.get(f"/v2/leads?{query}"), 400, code)


def test_all_invalid_filters_are_reported_together(api, leads):
    response = api.get("/v2/leads?status=MAYBE&type=SHOE&limit=5000")

    assert_error_envelope(response, 400, 92003, 92009, 90013)


def test_one_lead_carries_its_follow_ups_and_status_log(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    FollowUpFactory(lead=lead, notes="called")

    body = api.get(f"/v2/leads/{lead.pk}").json()

    assert [f["notes"] for f in body["followUpDetails"]] == ["called"]
    assert body["followUpDetails"][0]["leadId"] == lead.pk
    assert body["statusLogDetails"][0]["userId"] == customer.pk
    assert set(body) >= {
        "id",
        "userId",
        "type",
        "leadFor",
        "status",
        "subStatus",
        "owner",
        "orgSourceId",
        "nextFollowUp",
        "lastFollowUp",
        "createdOn",
        "createdBy",
        "lastUpdatedOn",
        "lastUpdatedBy",
        "extendedFields",
        "followUpDetails",
        "statusLogDetails",
        "warnings",
    }


def test_status_log_lists_the_rows_oldest_first(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    reason = ReasonFactory()
    api.put(f"/v2/leads/{lead.pk}/status", {"status": "LOST", "reasonId": reason.pk}, format="json")

    body = api.get(f"/v2/leads/{lead.pk}/statusLog").json()

    assert [row["status"] for row in body["data"]] == ["OPEN", "LOST"]
    assert body["data"][1]["reason"] == reason.reason
    assert body["pagination"] == {"limit": 1000, "offset": 0, "total": 2}


def test_follow_ups_list_oldest_first(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    now = timezone.now()
    later = FollowUpFactory(lead=lead, followed_up_on=now)
    earlier = FollowUpFactory(lead=lead, followed_up_on=now - datetime.timedelta(days=1))

    body = api.get(f"/v2/leads/{lead.pk}/followups").json()

    assert [row["id"] for row in body["data"]] == [earlier.pk, later.pk]


@pytest.mark.parametrize("suffix", ["", "/statusLog", "/followups"])
def test_sub_resources_of_an_unknown_lead_are_92001(api, suffix):
    assert_error_envelope(api.get(f"/v2/leads/nope{suffix}"), 404, 92001)


def test_a_date_time_filter_with_any_python_offset_is_compared_in_utc(api, leads):
    # PostgreSQL takes offsets up to 15:59; Python reads up to 23:59.
    response = api.get("/v2/leads", {"nextFollowUpFrom": "2026-01-05T02:46:45+18:50"})

    assert response.status_code == 200
    assert set(ids(response)) == {leads[0].pk, leads[1].pk}


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_moment_with_no_utc_equivalent_is_90013(api, leads, moment):
    assert_error_envelope(api.get("/v2/leads", {"createdOnFrom": moment}), 400, 90013)
