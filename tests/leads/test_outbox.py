"""The outbox: one ``OutboxEvent`` row per lead event, written in the transaction of the change,
for every surface that changes a lead (API, bulk API, pages, admin, CSV import)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads import events, services
from leads.csv_io import LeadImporter
from leads.events import EventType
from leads.inputs import FollowUpInput
from leads.models import Lead, OutboxEvent, Status
from tests.factories import (
    CustomerFactory,
    LeadFactory,
    OrgUnitFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)
from tests.leads.test_admin import change_url, form_data


@pytest.fixture
def api(manager_api):
    return manager_api


@pytest.fixture
def browser(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def lead(manager):
    return LeadFactory(customer=CustomerFactory(), owner=manager)


def outbox() -> list[tuple]:
    return list(OutboxEvent.objects.values_list("type", "lead_id"))


# --- one row per event, with its details ----------------------------------------------------


def test_a_status_change_writes_previous_and_new_status_sub_status_and_reason(lead, manager):
    later = SubStatusFactory(status=Status.ON_HOLD, name="Later")
    reason = ReasonFactory()

    services.lead_change_status(
        lead_id=lead.pk,
        status=Status.ON_HOLD,
        sub_status="Later",
        reason_id=reason.pk,
        changed_by=manager,
    )

    (event,) = OutboxEvent.objects.all()
    assert (event.type, event.lead_id, event.actor_id) == (
        EventType.STATUS_CHANGED,
        lead.pk,
        manager.pk,
    )
    assert event.details == {
        "previous_status": "OPEN",
        "status": "ON_HOLD",
        "sub_status_id": later.pk,
        "reason_id": reason.pk,
    }
    assert event.dispatched_on is None
    assert event.event_id == f"evt_{event.pk}"


def test_each_service_writes_one_row_of_its_type(lead, manager):
    alice = UserFactory(username="alice")
    services.lead_add_followup(
        lead_id=lead.pk, contact=FollowUpInput(followed_up_on=timezone.now()), created_by=manager
    )
    services.lead_assign_owner(lead_id=lead.pk, owner=alice, changed_by=manager)
    services.lead_update(
        lead_id=lead.pk,
        updated_by=manager,
        next_follow_up=timezone.now() + datetime.timedelta(days=1),
    )

    assert outbox() == [
        (EventType.FOLLOWUP_ADDED, lead.pk),
        (EventType.ASSIGNED, lead.pk),
        (EventType.UPDATED, lead.pk),
    ]
    assert OutboxEvent.objects.get(type=EventType.ASSIGNED).details == {
        "previous_owner_id": manager.pk,
        "owner_id": Lead.objects.get(pk=lead.pk).owner_id,
    }


def test_a_store_change_has_its_event_type(lead, manager):
    lead.store = OrgUnitFactory(code="S7")
    lead.save(update_fields=["store"])
    events.lead_store_changed(lead=lead, actor=manager, previous_store_id=None)

    event = OutboxEvent.objects.get()
    assert (event.type, event.details) == (
        "lead.store_changed",
        {"previous_store_id": None, "store_id": lead.store_id},
    )


# --- rolled back: no row ---------------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_event(lead, manager):
    with transaction.atomic():
        services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=manager)
        assert outbox() == [(EventType.STATUS_CHANGED, lead.pk)]
        transaction.set_rollback(True)

    assert outbox() == []
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_a_refused_change_leaves_no_event(manager):
    lead = LeadFactory(status=Status.WON)
    with pytest.raises(ValidationError):
        services.lead_change_status(lead_id=lead.pk, status=Status.OPEN, changed_by=manager)

    assert outbox() == []


def test_a_dry_run_import_leaves_no_event(manager, tmp_path):
    SkuFactory(code="SKU-1")
    customer = CustomerFactory()
    path = tmp_path / "leads.csv"
    path.write_text(f"type,leadFor,userId\nSKU,SKU-1,{customer.pk}\n", encoding="utf-8")

    summary = LeadImporter(created_by=manager, dry_run=True).run(path, tmp_path / "report.csv")

    assert summary.ok_rows == 1
    assert (Lead.objects.count(), outbox()) == (0, [])


# --- every surface: exactly one row per change ------------------------------------------------


def test_api_create_writes_one_lead_created(api):
    SkuFactory(code="SKU-1")
    customer = CustomerFactory()

    response = api.post(
        "/v2/leads", {"userId": customer.pk, "type": "SKU", "leadFor": "SKU-1"}, format="json"
    )

    assert response.status_code == 200
    assert outbox() == [(EventType.CREATED, response.json()["id"])]


def test_api_status_change_writes_one_event(api, lead):
    response = api.put(f"/v2/leads/{lead.pk}/status", {"status": "ON_HOLD"}, format="json")

    assert response.status_code == 200
    assert outbox() == [(EventType.STATUS_CHANGED, lead.pk)]


def test_api_bulk_status_writes_one_event_per_changed_lead(api, manager):
    leads = LeadFactory.create_batch(3, owner=manager)
    closed = LeadFactory(status=Status.WON)
    items = [{"leadId": lead.pk, "status": "ON_HOLD"} for lead in [*leads, closed]]

    response = api.post("/v2/leads/bulk/status", items, format="json")

    assert response.status_code == 200
    assert outbox() == [(EventType.STATUS_CHANGED, lead.pk) for lead in leads]


def test_page_status_change_writes_one_event(browser, lead):
    response = browser.post(reverse("lead-change-status", args=[lead.pk]), {"status": "ON_HOLD"})

    assert response.status_code == 302
    assert outbox() == [(EventType.STATUS_CHANGED, lead.pk)]


def test_page_bulk_assign_writes_one_event_per_lead(browser, manager):
    UserFactory(username="bob")
    leads = LeadFactory.create_batch(2, owner=manager)

    browser.post(
        reverse("lead-bulk"),
        {"action": "assign", "owner": "bob", "lead_ids": [lead.pk for lead in leads]},
    )

    assert outbox() == [(EventType.ASSIGNED, lead.pk) for lead in leads]


def test_admin_status_change_writes_one_event(lead, client):
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    data = form_data(client, lead, status="ON_HOLD")

    response = client.post(change_url(lead), data)

    assert response.status_code == 302
    assert outbox() == [(EventType.STATUS_CHANGED, lead.pk)]


def test_csv_import_writes_one_lead_created_per_imported_row(manager, tmp_path):
    SkuFactory(code="SKU-1")
    customers = CustomerFactory.create_batch(3)
    rows = "".join(f"SKU,SKU-1,{c.pk}\n" for c in customers) + "SKU,NOPE,1\n"
    path = tmp_path / "leads.csv"
    path.write_text("type,leadFor,userId\n" + rows, encoding="utf-8")

    summary = LeadImporter(created_by=manager, dry_run=False).run(path, tmp_path / "r.csv")

    assert (summary.ok_rows, summary.failed_rows) == (3, 1)
    assert outbox() == [
        (EventType.CREATED, pk) for pk in Lead.objects.order_by("pk").values_list("pk", flat=True)
    ]
    assert len(outbox()) == 3
