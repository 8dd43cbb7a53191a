"""Every lead change passes through ``leads.events``, whichever surface made it.

The CSV import creates its leads through ``lead_create_many`` and the API through
``lead_create``: both announce each lead once, with the same event. Events are emitted inside
the service's transaction, after the change is written. So a receiver hears of a change that
may still be rolled back (a dry-run import writes each batch and rolls it back; a failed
all-or-nothing import too): a receiver that writes to the database (the outbox) writes in the
same transaction and is rolled back with it, and one that acts outside the database must act
on commit (``transaction.on_commit``). The dry-run test holds exactly that.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from leads import batch, events
from leads.csv_io import LeadImporter, read_report
from leads.events import EventType
from leads.models import Lead, Status
from tests.factories import (
    CustomerFactory,
    ExtendedFieldFactory,
    LeadFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)
from tests.leads import edge

HEADER = ["type", "leadFor", "userId", "idType", "identifier", "firstName", "status", "owner"]


@pytest.fixture
def world(db):
    class World:
        sku = SkuFactory(code="SKU-1")
        owner = UserFactory(username="alice")
        customer = CustomerFactory(mobile="+919876543210")
        other = CustomerFactory(mobile="+919876500000")
        on_hold = SubStatusFactory(status=Status.ON_HOLD, name="Later")

    return World


@pytest.fixture
def import_csv(tmp_path, manager):
    """Runs the importer on rows (dicts by column); returns the report lines."""
    counter = iter(range(1000))

    def run(rows: list[dict[str, str]], **options) -> list[dict[str, str]]:
        number = next(counter)
        path = tmp_path / f"upload-{number}.csv"
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(HEADER)
            writer.writerows([[row.get(column, "") for column in HEADER] for row in rows])
        report = tmp_path / f"report-{number}.csv"
        options.setdefault("dry_run", False)
        LeadImporter(created_by=manager, **options).run(path, report)
        return list(read_report(Path(report)))

    return run


@pytest.fixture
def api(manager_api):
    return manager_api


def api_body(row: dict[str, str]) -> dict:
    """The POST /v2/leads body for a CSV row (the same columns, blank cells not sent)."""
    body = {key: value for key, value in row.items() if value and key != "firstName"}
    if row.get("firstName"):
        body["customer"] = {"firstName": row["firstName"]}
    return body


def shape(event: events.LeadEvent) -> tuple:
    """An event without the lead's id: what the two paths must agree on."""
    lead = event.lead
    return (
        event.type,
        event.actor.pk,
        event.details,
        lead.customer.mobile,
        lead.type,
        lead.lead_for,
        lead.status,
        lead.owner_id,
        lead.org_source_id,
        lead.created_by_id,
        lead.last_updated_by_id,
    )


def rows_for(world) -> list[dict[str, str]]:
    return [
        {"type": "SKU", "leadFor": "SKU-1", "userId": str(world.customer.pk), "owner": "alice"},
        {"type": "CUSTOM", "leadFor": "Sofa", "userId": str(world.other.pk), "status": "ON_HOLD"},
        # A customer registered with the lead.
        {
            "type": "CUSTOM",
            "leadFor": "Lamp",
            "idType": "MOBILE",
            "identifier": "9820000001",
            "firstName": "Meena",
        },
    ]


# --- creating leads: the CSV import and the API -------------------------------------------


def test_csv_import_and_api_fire_the_same_events(world, import_csv, api):
    rows = rows_for(world)
    with transaction.atomic(), events.recorded() as from_csv:
        report = import_csv(rows)
        csv_shapes = [shape(event) for event in from_csv]
        csv_lead_ids = [event.lead.pk for event in from_csv]
        # The API then starts from the same database.
        transaction.set_rollback(True)
    with events.recorded() as from_api:
        responses = [api.post("/v2/leads", api_body(row), format="json") for row in rows]

    assert [line["status"] for line in report] == ["ok", "ok", "ok"]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert csv_shapes == [shape(event) for event in from_api]
    assert [s[0] for s in csv_shapes] == [EventType.CREATED] * 3
    # One lead.created per lead, for the lead the report (or the response) names.
    assert csv_lead_ids == [int(line["leadId"]) for line in report]
    assert [event.lead.pk for event in from_api] == [r.json()["id"] for r in responses]


def test_csv_import_announces_each_lead_once_with_the_inserted_row(world, import_csv, manager):
    with events.recorded() as fired:
        report = import_csv(rows_for(world))

    ids = [int(line["leadId"]) for line in report]
    assert [(event.type, event.lead.pk) for event in fired] == [
        (EventType.CREATED, lead_id) for lead_id in ids
    ]
    assert all(event.actor == manager for event in fired)
    # The event's lead is the row in the table, saved (a receiver may use it as it is).
    assert [shape(event) for event in fired] == [
        shape(events.LeadEvent(EventType.CREATED, lead, manager))
        for lead in Lead.objects.filter(pk__in=ids).order_by("pk")
    ]


def test_a_row_that_warns_of_an_active_lead_still_fires_one_event(world, import_csv):
    row = {"type": "SKU", "leadFor": "SKU-1", "userId": str(world.customer.pk)}
    with events.recorded() as fired:
        report = import_csv([row, row])

    assert [line["codes"] for line in report] == ["", "90101"]
    assert [event.lead.pk for event in fired] == [int(line["leadId"]) for line in report]


def test_a_refused_row_fires_nothing(world, import_csv, api):
    good = {"type": "SKU", "leadFor": "SKU-1", "userId": str(world.customer.pk)}
    refused = [
        {"type": "SKU", "leadFor": "NOPE", "userId": str(world.customer.pk)},
        {"type": "CUSTOM", "leadFor": "Sofa", "userId": str(world.customer.pk), "status": "X"},
        {"type": "CUSTOM", "leadFor": "Sofa", "userId": "999999"},
    ]
    with events.recorded() as from_csv:
        report = import_csv([refused[0], good, *refused[1:]])
    with events.recorded() as from_api:
        responses = [api.post("/v2/leads", api_body(row), format="json") for row in refused]

    assert [line["status"] for line in report] == ["error", "ok", "error", "error"]
    assert [event.lead.pk for event in from_csv] == [int(report[1]["leadId"])]
    assert all(response.status_code == 400 for response in responses)
    assert from_api == []


def test_a_dry_run_import_announces_inside_its_transaction_and_nothing_reaches_commit(
    world, import_csv, django_capture_on_commit_callbacks
):
    """A dry run writes each batch as the import would, events included, and rolls it back:
    what a receiver defers to the commit never happens."""
    heard_on_commit: list[events.LeadEvent] = []

    def on_commit_receiver(event: events.LeadEvent) -> None:
        transaction.on_commit(lambda: heard_on_commit.append(event))

    unsubscribe = events.subscribe(on_commit_receiver)
    try:
        with events.recorded() as fired, django_capture_on_commit_callbacks(execute=True):
            report = import_csv(rows_for(world), dry_run=True)
    finally:
        unsubscribe()

    assert [line["status"] for line in report] == ["ok", "ok", "ok"]
    # Announced inside the transaction, as the real import would ...
    assert [event.type for event in fired] == [EventType.CREATED] * 3
    # ... which the dry run rolled back: no lead, no customer, nothing heard on commit.
    assert not Lead.objects.exists()
    assert not Customer.objects.filter(mobile="+919820000001").exists()
    assert heard_on_commit == []


def test_an_imported_lead_reaches_an_on_commit_receiver_once(
    world, import_csv, django_capture_on_commit_callbacks
):
    heard_on_commit: list[events.LeadEvent] = []

    def on_commit_receiver(event: events.LeadEvent) -> None:
        transaction.on_commit(lambda: heard_on_commit.append(event))

    unsubscribe = events.subscribe(on_commit_receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = import_csv(rows_for(world))
    finally:
        unsubscribe()

    assert [event.lead.pk for event in heard_on_commit] == [int(line["leadId"]) for line in report]


def test_an_all_or_nothing_import_with_a_refused_row_reaches_no_on_commit_receiver(
    world, import_csv, django_capture_on_commit_callbacks
):
    heard_on_commit: list[events.LeadEvent] = []
    unsubscribe = events.subscribe(
        lambda event: transaction.on_commit(lambda: heard_on_commit.append(event))
    )
    refused = {"type": "SKU", "leadFor": "NOPE", "userId": str(world.customer.pk)}
    rows = [*rows_for(world), refused]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = import_csv(rows, all_or_nothing=True)
    finally:
        unsubscribe()

    assert [line["status"] for line in report] == ["skipped"] * 3 + ["error"]
    assert heard_on_commit == []
    assert not Lead.objects.exists()


def test_a_batch_that_loses_an_insert_race_still_fires_one_event_per_lead(
    world, import_csv, monkeypatch
):
    """Another writer registers the batch's new customer between its reads and its insert:
    the batch's insert conflicts, and its rows go through lead_create() one by one."""
    fetch = batch.LeadBatch._fetch

    def fetch_then_lose_the_race(self):
        fetch(self)
        Customer.objects.create(mobile="+919820000001", first_name="Quick")

    monkeypatch.setattr(batch.LeadBatch, "_fetch", fetch_then_lose_the_race)
    rows = rows_for(world)
    with events.recorded() as fired:
        report = import_csv(rows)

    assert [line["status"] for line in report] == ["ok", "ok", "ok"]
    assert [(event.type, event.lead.pk) for event in fired] == [
        (EventType.CREATED, int(line["leadId"])) for line in report
    ]
    # The third row's lead is for the customer the other writer registered.
    assert Lead.objects.get(pk=int(report[2]["leadId"])).customer.first_name == "Quick"


def test_lead_create_many_announces_each_lead_it_inserts(world, manager):
    items = [
        {"lead_for": "SKU-1", "user_id": world.customer.pk},
        {"lead_for": "NOPE", "user_id": world.customer.pk},
        {"lead_for": "Sofa", "type": "CUSTOM", "user_id": world.other.pk},
    ]
    with events.recorded() as fired:
        results = edge.lead_create_many(created_by=manager, items=items)

    assert [result.ok for result in results] == [True, False, True]
    assert [(event.type, event.lead) for event in fired] == [
        (EventType.CREATED, results[0].lead),
        (EventType.CREATED, results[2].lead),
    ]


# --- changing a lead: each service announces its change once ------------------------------


@pytest.fixture
def lead(world, manager):
    ExtendedFieldFactory(name="budget")
    return LeadFactory(customer=world.customer, owner=manager)


CHANGES = {
    "lead_change_status": (
        EventType.STATUS_CHANGED,
        lambda lead, user: edge.lead_change_status(
            lead_id=lead.pk, status=Status.ON_HOLD, sub_status="Later", changed_by=user
        ),
    ),
    "lead_add_followup": (
        EventType.FOLLOWUP_ADDED,
        lambda lead, user: edge.lead_add_followup(
            lead_id=lead.pk, followed_up_on=timezone.now(), created_by=user
        ),
    ),
    "lead_assign_owner": (
        EventType.ASSIGNED,
        lambda lead, user: edge.lead_assign_owner(lead_id=lead.pk, owner="alice", changed_by=user),
    ),
    "lead_update": (
        EventType.UPDATED,
        lambda lead, user: edge.lead_update(
            lead_id=lead.pk,
            updated_by=user,
            extended_fields={"budget": "high"},
            next_follow_up=timezone.now() + datetime.timedelta(days=1),
        ),
    ),
}


@pytest.mark.parametrize("event_type, change", CHANGES.values(), ids=CHANGES.keys())
def test_each_lead_change_emits_its_event_exactly_once(lead, manager, event_type, change):
    with events.recorded() as fired:
        change(lead, manager)

    assert [(event.type, event.lead.pk, event.actor) for event in fired] == [
        (event_type, lead.pk, manager)
    ]


def test_a_refused_change_fires_nothing(lead, manager):
    with events.recorded() as fired, pytest.raises(ValidationError):
        edge.lead_change_status(lead_id=lead.pk, status="PENDING", changed_by=manager)

    assert fired == []
