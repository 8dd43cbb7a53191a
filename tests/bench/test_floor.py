"""The floor view: the same rows as GET /v2/leads from one .values() query, routed only in
the benchmark's URL conf."""

import datetime

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone

from bench.run import parse_wrk
from leads.models import Status
from tests.factories import LeadFactory, UserFactory


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
