"""Many clients at once, over HTTP against a live server (PostgreSQL): only the changes the
rules allow apply, the history matches the final state row for row, nothing is stored twice,
and no request fails with a 500.

Each test starts ``CLIENTS`` threads behind a barrier, each with its own HTTP session (and so
its own server thread and database connection).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.db import connection

from crm.core.models import IdempotencyKey
from customers.models import Customer
from leads.models import CLOSED_STATUSES, FollowUp, Lead, LeadStatus, OwnerChange, Status
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    LeadFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises every writer (IMMEDIATE transactions), so "
        "no two requests ever race",
    ),
]

CLIENTS = 20


@pytest.fixture
def http(live_server, transactional_db, settings):
    """``run(job)``: ``job(session, index)`` in CLIENTS threads started together; their
    responses. Writes are not throttled here (throttling has its own tests)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": None},
    }
    boss = UserFactory(username="boss", is_superuser=True)

    def run(job: Callable[[requests.Session, int], list[requests.Response]]) -> list:
        barrier = threading.Barrier(CLIENTS)

        def client(index: int) -> list[requests.Response]:
            with requests.Session() as session:
                session.auth = (boss.username, PASSWORD)
                session.headers["Accept"] = "application/json"
                barrier.wait(timeout=30)
                return job(session, index)

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(client, range(CLIENTS)))
        responses = [r for batch in results for r in batch]
        errors = [(r.status_code, r.text[:200]) for r in responses if r.status_code >= 500]
        assert not errors, errors
        return responses

    run.url = live_server.url  # type: ignore[attr-defined]
    run.boss = boss  # type: ignore[attr-defined]
    return run


def _codes(response: requests.Response) -> set[int]:
    return {item["code"] for item in response.json()["errors"]}


# Each client's three changes: every status, with and without sub-statuses, in an order of
# its own, so that changes land on open, held, closed leads and on their own state.
TARGETS = [
    ("ON_HOLD", "Later"),
    ("ON_HOLD", "Thinking"),
    ("ON_HOLD", None),
    ("OPEN", None),
    ("WON", None),
    ("LOST", None),
    ("DELETED", None),
]


def test_parallel_status_changes_apply_only_what_the_rules_allow(http):
    lead = LeadFactory(status=Status.OPEN, owner=http.boss)
    SubStatusFactory(status=Status.ON_HOLD, name="Later")
    SubStatusFactory(status=Status.ON_HOLD, name="Thinking")
    # LOST and DELETED need a reason (org setting, on by default): every change sends one.
    reason = ReasonFactory()
    url = f"{http.url}/v2/leads/{lead.pk}/status"

    def job(session, index):
        sent = []
        for step in range(3):
            status, sub = TARGETS[(index * 3 + step * 5) % len(TARGETS)]
            response = session.put(
                url, json={"status": status, "subStatus": sub, "reasonId": reason.pk}
            )
            response.sent = (status, sub)
            sent.append(response)
        return sent

    responses = http(job)

    applied = [r.sent for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code != 200]
    assert all(r.status_code == 409 and _codes(r) <= {92002, 92024} for r in refused)
    assert applied, "no change applied"
    # The log: the first row, then one row per applied change, nothing else.
    logs = list(LeadStatus.objects.filter(lead=lead).order_by("id"))
    rows = [(log.status, log.sub_status.name if log.sub_status else None) for log in logs]
    assert Counter(rows[1:]) == Counter(applied)
    # Read in order, it is a path the rules allow: no repeat, nothing after a closed status.
    for before, after in zip(rows, rows[1:], strict=False):
        assert before != after, rows
        assert before[0] not in CLOSED_STATUSES, rows
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status.name if lead.sub_status else None) == rows[-1]
    # One closing change applies; every other one comes to a closed lead: 92024.
    closing = [r for r in responses if r.sent[0] in CLOSED_STATUSES]
    assert rows[-1][0] in CLOSED_STATUSES
    refused_closing = [r for r in closing if r.status_code != 200]
    assert len(refused_closing) == len(closing) - 1
    assert all(_codes(r) == {92024} for r in refused_closing)


def test_parallel_creates_with_one_idempotency_key_store_one_lead(http):
    customer = CustomerFactory()
    body = {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa"}

    responses = http(
        lambda session, index: [
            session.post(f"{http.url}/v2/leads", json=body, headers={"Idempotency-Key": "k-1"})
        ]
    )

    assert [r.status_code for r in responses] == [200] * CLIENTS
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == CLIENTS - 1
    assert Lead.objects.count() == 1
    assert LeadStatus.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_parallel_follow_ups_leave_last_follow_up_at_the_latest(http):
    lead = LeadFactory(owner=http.boss)
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    # Each client's moment; the latest is sent by a client in the middle of the pack.
    moments = [start + timedelta(minutes=(i * 7) % CLIENTS) for i in range(CLIENTS)]

    responses = http(
        lambda session, index: [
            session.post(
                f"{http.url}/v2/leads/{lead.pk}/followup",
                json={"followedUpOn": moments[index].isoformat(), "notes": f"call {index}"},
            )
        ]
    )

    assert [r.status_code for r in responses] == [200] * CLIENTS
    lead.refresh_from_db()
    assert lead.last_follow_up == max(moments)
    assert FollowUp.objects.filter(lead=lead).count() == CLIENTS
    assert sorted(FollowUp.objects.values_list("notes", flat=True)) == sorted(
        f"call {i}" for i in range(CLIENTS)
    )


def test_parallel_auto_registrations_of_one_identifier_create_one_customer(http):
    # The same mobile number, written the ways people write it.
    spellings = ["9876500000", "+919876500000", "+91 98765 00000", "098765-00000"]

    responses = http(
        lambda session, index: [
            session.post(
                f"{http.url}/v2/leads",
                json={
                    "idType": "MOBILE",
                    "identifier": spellings[index % len(spellings)],
                    "customer": {"firstName": f"Client {index}"},
                    "type": "CUSTOM",
                    "leadFor": f"Item {index}",
                },
            )
        ]
    )

    assert [r.status_code for r in responses] == [200] * CLIENTS
    customer = Customer.objects.get()
    assert customer.mobile == "+919876500000"
    assert {r.json()["userId"] for r in responses} == {customer.pk}
    assert Lead.objects.filter(customer=customer).count() == CLIENTS


def test_parallel_reassignments_keep_an_unbroken_owner_history(http):
    owners = [UserFactory(username=f"owner{i}") for i in range(5)]
    lead = LeadFactory(owner=owners[0])

    responses = http(
        lambda session, index: [
            session.put(
                f"{http.url}/v2/leads/{lead.pk}",
                json={"owner": owners[(index + step) % len(owners)].username},
            )
            for step in range(2)
        ]
    )

    assert {r.status_code for r in responses} == {200}
    changes = list(OwnerChange.objects.filter(lead=lead).order_by("id"))
    assert changes, "no reassignment recorded"
    assert changes[0].from_owner == owners[0]
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.from_owner_id == before.to_owner_id
    assert all(change.from_owner_id != change.to_owner_id for change in changes)
    lead.refresh_from_db()
    assert lead.owner_id == changes[-1].to_owner_id


def test_parallel_bulk_changes_over_the_same_leads_stay_consistent(http):
    leads = [LeadFactory(owner=http.boss) for _ in range(5)]
    statuses = ["ON_HOLD", "OPEN", "WON", "LOST", "ON_HOLD", "OPEN"]
    reason = ReasonFactory()

    def job(session, index):
        items = [
            {
                "leadId": lead.pk,
                "status": statuses[(index + i) % len(statuses)],
                "reasonId": reason.pk,
            }
            for i, lead in enumerate(leads)
        ]
        return [session.post(f"{http.url}/v2/leads/bulk/status", json=items)]

    responses = http(job)

    assert {r.status_code for r in responses} == {200}
    results = [item for r in responses for item in r.json()["data"]]
    refused = [item for item in results if not item["success"]]
    assert all({e["code"] for e in item["errors"]} <= {92002, 92024} for item in refused)
    applied = Counter(item["leadId"] for item in results if item["success"])
    for lead in leads:
        logs = list(LeadStatus.objects.filter(lead=lead).order_by("id"))
        assert len(logs) == 1 + applied[lead.pk]
        lead.refresh_from_db()
        assert lead.status == logs[-1].status
        assert all(log.status not in CLOSED_STATUSES for log in logs[:-1])
