"""The floor view: the same rows as GET /v2/leads from one .values() query, routed only in
the benchmark's URL conf."""

import datetime

import pytest
from django.db import connection
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from bench.run import parse_wrk
from leads.models import Status
from tests.factories import FollowUpFactory, LeadFactory, UserFactory


@pytest.fixture
def leads(db):
    now = timezone.now()
    owner = UserFactory(username="owner-a")
    return [
        LeadFactory(
            created_on=now - datetime.timedelta(hours=n),
            status=Status.ON_HOLD if n % 2 else Status.OPEN,
            owner=owner if n < 3 else UserFactory(),
        )
        for n in range(5)
    ]


@pytest.mark.urls("bench.urls")
def test_floor_answers_the_newest_leads_in_one_query(client, leads, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/bench/floor", {"limit": 3})
    assert response.status_code == 200
    rows = response.json()["data"]
    assert [row["id"] for row in rows] == [lead.pk for lead in leads[:3]]
    assert rows[0]["owner__username"] == "owner-a"
    assert rows[0]["customer_id"] == leads[0].customer_id


@pytest.mark.urls("bench.urls")
def test_floor_applies_the_list_filters(client, leads, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(
            "/bench/floor", {"status": "ON_HOLD", "owner": "owner-a", "limit": 10}
        )
    assert [row["id"] for row in response.json()["data"]] == [leads[1].pk]
    response = client.get("/bench/floor", {"userId": leads[4].customer_id, "offset": 0})
    assert [row["id"] for row in response.json()["data"]] == [leads[4].pk]
    response = client.get("/bench/floor", {"id": leads[2].pk, "limit": 1})
    assert [row["id"] for row in response.json()["data"]] == [leads[2].pk]


def test_floor_is_not_routed_by_the_application():
    with pytest.raises(Resolver404):
        resolve("/bench/floor", urlconf="crm.urls")
    assert resolve("/bench/floor", urlconf="bench.urls").url_name == "bench-floor"


WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:8202
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   387.12ms  335.29ms   1.24s    81.82%
    Req/Sec     8.94      3.94    20.00     82.35%
  Latency Distribution
     50%  231.24ms
     75%  488.35ms
     90%  905.78ms
     99%    1.24s{trailing}
  18 requests in 3.01s, 764.19KB read
  Non-2xx or 3xx responses: 2
Requests/sec:      5.98
Transfer/sec:    253.68KB
""".format(trailing=" ")  # wrk pads the 99% line when in seconds


def test_wrk_report_is_read_in_milliseconds():
    result = parse_wrk(WRK_OUTPUT)
    assert result == {
        "requests": 18,
        "rps": 5.98,
        "p50_ms": 231.24,
        "p99_ms": 1240.0,
        "errors": 2,
    }


@pytest.mark.postgres
@pytest.mark.urls("bench.urls")
def test_nested_floor_answers_the_apis_payload_in_one_query(
    client, leads, django_assert_num_queries, staff
):
    if connection.vendor != "postgresql":
        pytest.skip("the same-payload floor aggregates JSON with PostgreSQL's ArraySubquery")
    FollowUpFactory(lead=leads[0], notes="Called")
    api_client = APIClient()
    api_client.force_authenticate(staff)
    api = api_client.get("/v2/leads", {"limit": 3}).json()["data"]

    with django_assert_num_queries(1):
        response = client.get("/bench/floor_nested", {"limit": 3})

    rows = response.json()["data"]
    assert [row["id"] for row in rows] == [lead["id"] for lead in api]
    for row, lead in zip(rows, api, strict=True):
        assert row["customer_json"]["id"] == lead["customer"]["id"]
        assert row["customer_json"]["mobile"] == lead["customer"]["mobile"]
        assert [f["id"] for f in row["followUpDetails"] or []] == [
            f["id"] for f in lead["followUpDetails"]
        ]
        assert [s["id"] for s in row["statusLogDetails"]] == [
            s["id"] for s in lead["statusLogDetails"]
        ]
        assert [s["subStatus"] for s in row["statusLogDetails"]] == [
            s["subStatus"] for s in lead["statusLogDetails"]
        ]
    assert rows[0]["followUpDetails"][-1]["notes"] == "Called"
