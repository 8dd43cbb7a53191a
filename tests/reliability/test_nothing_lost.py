"""Nothing is lost: no path hard-deletes a lead, history is written once, and a write that
fails half-way leaves nothing behind.

The foundation tests (tests/leads/test_append_only.py, test_atomicity.py, test_admin.py)
cover the history guards and chosen failures one by one; here every URL, every foreign key
and every write of every service is gone through.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from crm.org.models import Role
from crm.pages.models import SavedView
from customers import services as customer_services
from customers.inputs import CustomerDetails
from leads import services
from leads.inputs import RowEdit
from leads.models import (
    FollowUp,
    ImportJob,
    Lead,
    LeadStatus,
    OrgSource,
    OwnerChange,
    Status,
)
from tests.factories import (
    ExtendedFieldFactory,
    LeadFactory,
    OrgUnitFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
    give_role,
)
from tests.leads import edge

from .conftest import ON_POSTGRESQL, app_rows, assert_envelope
from .url_walk import all_urls, webhook_ids

# --- no path hard-deletes a lead -------------------------------------------------------------


@pytest.fixture
def lead_with_history(boss):
    owner = UserFactory(username="owner")
    reason = ReasonFactory()
    sub = SubStatusFactory(status=Status.ON_HOLD, name="Later")
    lead = LeadFactory(owner=owner)
    edge.lead_change_status(
        lead_id=lead.pk, status="ON_HOLD", sub_status="Later", reason_id=reason.pk, changed_by=boss
    )
    edge.lead_add_followup(
        lead_id=lead.pk, followed_up_on=timezone.now(), notes="called", created_by=boss
    )
    edge.lead_assign_owner(lead_id=lead.pk, owner=boss, changed_by=boss)
    return {"lead": lead, "owner": owner, "reason": reason, "sub": sub}


def test_no_url_deletes_a_lead_whatever_the_method(lead_with_history, boss, api_as, pages_as):
    """A superuser sends DELETE, and POST with the admin's delete confirmation, to every URL
    of the project, the lead's own id filled in wherever a URL takes one."""
    lead = lead_with_history["lead"]
    job = ImportJob.objects.create(created_by=boss, file_name="x.csv", file_path="x.csv")
    urls = all_urls(
        {
            "lead_id": lead.pk,
            "leadId": lead.pk,
            "customer_id": lead.customer_id,
            "userId": lead.customer_id,
            "job_id": job.pk,
            "field_id": ExtendedFieldFactory().pk,
            "reason_id": ReasonFactory().pk,
            "substatus_id": SubStatusFactory(status="OPEN", name="Kept").pk,
            "view_id": SavedView.objects.create(owner=boss, name="Mine", query="").pk,
            "id": lead.owner_id,
            "content_type_id": ContentType.objects.get_for_model(Lead).pk,
            **webhook_ids(lead, url="https://example.com/hook"),
            "object_id": lead.pk,
            "app_label": "leads",
            "url": "nothing-here/",
            "code": OrgUnitFactory(code="S1").code,
            "username": boss.username,
        }
    )
    api, pages = api_as(boss), pages_as(boss)
    history = _history_counts(lead)
    for url in urls:
        client = api if url.is_api else pages
        client.delete(url.path)
        client.post(
            url.path, {"post": "yes", "action": "delete_selected", "_selected_action": [lead.pk]}
        )
        assert Lead.objects.filter(pk=lead.pk).exists(), str(url)
    assert _history_counts(lead) == history


def _history_counts(lead: Lead) -> tuple[int, int, int]:
    return (
        LeadStatus.objects.filter(lead=lead).count(),
        OwnerChange.objects.filter(lead=lead).count(),
        FollowUp.objects.filter(lead=lead).count(),
    )


def test_the_api_answers_delete_with_405(api, lead_with_history):
    lead = lead_with_history["lead"]

    response = api.delete(f"/v2/leads/{lead.pk}")

    assert_envelope(response, 405, 90004)
    assert "DELETE" not in response["Allow"]
    assert Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize(
    "admin_name,target",
    [
        ("admin:customers_customer_delete", lambda h: h["lead"].customer),
        ("admin:crm_user_delete", lambda h: h["owner"]),
        ("admin:leads_reason_delete", lambda h: h["reason"]),
        ("admin:leads_substatus_delete", lambda h: h["sub"]),
    ],
)
def test_the_admin_cannot_delete_what_a_lead_or_its_history_names(
    pages_as, boss, lead_with_history, admin_name, target
):
    """Deleting the customer, a past owner, a reason or a sub-status would take the lead or
    its history with it: the admin refuses (every such foreign key is PROTECT)."""
    obj = target(lead_with_history)
    client = pages_as(boss)
    before = app_rows()

    response = client.post(reverse(admin_name, args=[obj.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert app_rows() == before


def test_the_orm_cannot_delete_a_lead_or_what_it_names(lead_with_history):
    lead = lead_with_history["lead"]
    before = app_rows()
    for doomed in (
        lambda: lead.delete(),
        lambda: Lead.objects.filter(pk=lead.pk).delete(),
        lambda: lead.customer.delete(),
        lambda: lead_with_history["owner"].delete(),
        lambda: lead_with_history["reason"].delete(),
        lambda: lead_with_history["sub"].delete(),
    ):
        with pytest.raises((models.ProtectedError, PermissionError)), transaction.atomic():
            doomed()
    assert app_rows() == before


def test_the_database_refuses_deleting_a_lead_with_history(lead_with_history):
    """Below the ORM too: the status log's foreign key stops a raw DELETE of its lead."""
    lead = lead_with_history["lead"]
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM leads_lead WHERE id = %s", [lead.pk])
        connection.check_constraints(table_names=["leads_leadstatus"])
    assert Lead.objects.filter(pk=lead.pk).exists()


HISTORY_MODELS = (LeadStatus, OwnerChange, FollowUp)


def test_every_foreign_key_into_leads_and_their_history_protects():
    """No cascade can reach a lead or its history: every foreign key pointing at a lead,
    and every foreign key of a history row, is PROTECT."""
    checked = []
    for model in (Lead, *HISTORY_MODELS):
        for field in model._meta.get_fields():
            if field.many_to_one and field.concrete:
                checked.append(f"{model.__name__}.{field.name}")
                assert field.remote_field.on_delete is models.PROTECT, checked[-1]
    for relation in Lead._meta.related_objects:
        checked.append(f"{relation.related_model.__name__}.{relation.field.name}")
        assert relation.on_delete is models.PROTECT, checked[-1]
    assert len(checked) >= 18


# --- history is written once: the ORM paths the foundation tests leave ---------------------


@pytest.fixture(params=["status", "owner"])
def history_row(request, lead_with_history):
    model = LeadStatus if request.param == "status" else OwnerChange
    return model.objects.filter(lead=lead_with_history["lead"]).first()


def _stored(row) -> dict[str, Any]:
    return type(row)._base_manager.filter(pk=row.pk).values().get()


def test_bulk_update_of_history_is_refused(history_row):
    before = _stored(history_row)
    history_row.created_by = None if isinstance(history_row, LeadStatus) else history_row.changed_by
    field = "created_by" if isinstance(history_row, LeadStatus) else "changed_by"
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        type(history_row).objects.bulk_update([history_row], [field])
    assert _stored(history_row) == before


def test_update_or_create_of_history_is_refused(history_row):
    before = _stored(history_row)
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        type(history_row).objects.update_or_create(pk=history_row.pk, defaults={})
    assert _stored(history_row) == before


def test_an_update_past_the_orm_guard_is_refused_by_the_database(history_row):
    """``_base_manager`` is a plain manager, without the append-only queryset: the
    database's trigger still refuses (PostgreSQL and SQLite)."""
    before = _stored(history_row)
    column = {LeadStatus: "notes", OwnerChange: "changed_on"}[type(history_row)]
    value = "rewritten" if column == "notes" else timezone.now()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(history_row)._base_manager.filter(pk=history_row.pk).update(**{column: value})
    assert _stored(history_row) == before


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="the DELETE trigger is PostgreSQL's (leads/migrations/0002: SQLite's test runner "
    "empties tables with DELETE); on SQLite the ORM's guard refuses deletes",
)
def test_a_delete_past_the_orm_guard_is_refused_by_the_database(history_row):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(history_row)._base_manager.filter(pk=history_row.pk)._raw_delete(connection.alias)
    assert type(history_row)._base_manager.filter(pk=history_row.pk).exists()


def test_inserting_over_an_existing_row_is_refused(history_row):
    before = _stored(history_row)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(history_row).objects.bulk_create([type(history_row)(**before)])
    assert _stored(history_row) == before


# --- a failure half-way through any service leaves nothing ----------------------------------


class InjectedFailure(DatabaseError):
    pass


class FailOnWrite:
    """A database wrapper that fails the ``fail_at``-th INSERT/UPDATE/DELETE (never, when
    None) and counts them."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY")):
            self.writes += 1
            if self.writes == self.fail_at:
                raise InjectedFailure(f"injected at write {self.writes}: {sql[:60]}")
        return execute(sql, params, many, context)


def _writes_of(call: Callable[[], Any]) -> int:
    """How many writes ``call`` makes when nothing fails (rolled back afterwards)."""
    counter = FailOnWrite()
    sid = transaction.savepoint()
    with connection.execute_wrapper(counter):
        call()
    transaction.savepoint_rollback(sid)
    return counter.writes


def _scenarios(boss) -> dict[str, Callable[[], Any]]:
    """Each public write of the services, called with everything it can write."""
    UserFactory(username="next")
    lead, other = LeadFactory(owner=boss), LeadFactory(owner=boss)
    # A lead held by an associate of S1 only: handed over to S2, it loses its owner too.
    s1, s2 = OrgUnitFactory(code="S1"), OrgUnitFactory(code="S2")
    placed = UserFactory(username="placed")
    give_role(placed, Role.ASSOCIATE, s1)
    at_s1 = LeadFactory(owner=placed, store=s1)
    reason = ReasonFactory()
    later = SubStatusFactory(status=Status.ON_HOLD, name="Later")
    field = ExtendedFieldFactory(name="budget")
    # A source gone missing, for reference_data_ensure() to put back.
    OrgSource.objects.filter(pk=10).delete()
    moment = timezone.now()
    return {
        "lead_create": lambda: edge.lead_create(
            created_by=boss,
            type="CUSTOM",
            lead_for="Sofa",
            id_type="MOBILE",
            identifier="9876512345",
            customer_data=CustomerDetails(first_name="New"),
            status="ON_HOLD",
            sub_status="Later",
            reason_id=reason.pk,
            owner="next",
            extended_fields={"budget": "high"},
            status_log_details=[{"status": "OPEN"}],
            follow_up_details=[{"followed_up_on": moment, "notes": "visited"}],
        ),
        "lead_change_status": lambda: edge.lead_change_status(
            lead_id=lead.pk, status="ON_HOLD", sub_status="Later", changed_by=boss
        ),
        "lead_bulk_change_status": lambda: edge.lead_bulk_change_status(
            items=[
                {"lead_id": lead.pk, "status": "WON"},
                {"lead_id": other.pk, "status": "LOST", "reason_id": reason.pk},
            ],
            changed_by=boss,
        ),
        "lead_add_followup": lambda: edge.lead_add_followup(
            lead_id=lead.pk, followed_up_on=moment, next_follow_up=moment, created_by=boss
        ),
        "lead_assign_owner": lambda: edge.lead_assign_owner(
            lead_id=lead.pk, owner="next", changed_by=boss
        ),
        "lead_bulk_assign_owner": lambda: edge.lead_bulk_assign_owner(
            lead_ids=[lead.pk, other.pk], owner="next", changed_by=boss
        ),
        "lead_update": lambda: edge.lead_update(
            lead_id=lead.pk,
            updated_by=boss,
            owner="next",
            extended_fields={"budget": "low"},
            next_follow_up=moment,
            store_code=s2.code,
        ),
        "lead_move_store": lambda: services.lead_move_store(
            lead_id=at_s1.pk, store_code=s2.code, changed_by=boss
        ),
        "reasons_create": lambda: services.reasons_create(reasons=["One", "Two", "Three"]),
        "substatus_create": lambda: edge.substatus_create(status="OPEN", name="Fresh"),
        "reason_update": lambda: services.reason_update(
            reason_id=reason.pk, edit=RowEdit(text="Renamed", is_active=False)
        ),
        "substatus_update": lambda: services.substatus_update(
            substatus_id=later.pk, edit=RowEdit(text="Much later", is_active=False)
        ),
        "org_settings_update": lambda: services.org_settings_update(auto_register_customers=False),
        "extended_field_create": lambda: services.extended_field_create(
            name="colour", label="Colour", choices=["red", "blue"]
        ),
        "extended_field_update": lambda: services.extended_field_update(
            field_id=field.pk, label="Budget", choices=["high", "low"], is_active=False
        ),
        "reference_data_ensure": services.reference_data_ensure,
        "lead_create_many": lambda: edge.lead_create_many(
            created_by=boss,
            items=[
                {
                    "type": "CUSTOM",
                    "lead_for": "Sofa",
                    "id_type": "MOBILE",
                    "identifier": "9876512399",
                    "customer_data": CustomerDetails(first_name="Batch"),
                    "status": "ON_HOLD",
                    "sub_status": "Later",
                    "reason_id": reason.pk,
                    "owner": "next",
                    "extended_fields": {"budget": "high"},
                },
                {
                    "type": "CUSTOM",
                    "lead_for": "Table",
                    "id_type": "MOBILE",
                    "identifier": "9876512399",
                },
            ],
        ),
        "customer_update": lambda: customer_services.customer_update(
            customer_id=lead.customer_id, first_name="Renamed", email="renamed@example.com"
        ),
        "customer_register": lambda: customer_services.customer_register(
            first_name="Ana", mobile="9876554321", email="ana@example.com"
        ),
        "customer_resolve": lambda: customer_services.customer_resolve(
            id_type=customer_services.IdType.EMAIL,
            identifier="new@example.com",
            customer_data=CustomerDetails(first_name="N"),
        ),
    }


# Public functions of the services modules that write nothing (parsing, lookups).
READS = {"parse_id", "resolve_sub_status", "resolve_reason", "resolve_staff_user"} | {
    "parse_id_type",
    "normalise_identifier",
}


def test_every_service_has_a_failure_scenario(boss):
    public = {
        name
        for module in (services, customer_services)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public - READS == set(_scenarios(boss))


def test_a_failure_at_any_write_of_any_service_leaves_no_row(boss):
    """Each service runs once per write it makes, failing at that write: the first, the
    last and every one between. Afterwards every app table is as it was."""
    assert {"leads.Lead", "leads.LeadStatus", "customers.Customer"} <= set(app_rows())
    runs = 0
    for name, call in _scenarios(boss).items():
        if name == "lead_bulk_change_status":
            continue  # each item is its own transaction: the next test
        writes = _writes_of(call)
        assert writes >= 1, name
        before = app_rows()
        for fail_at in range(1, writes + 1):
            with pytest.raises(InjectedFailure), connection.execute_wrapper(FailOnWrite(fail_at)):
                call()
            assert app_rows() == before, (name, fail_at)
            runs += 1
        # And with nothing failing, the call still goes through afterwards.
        sid = transaction.savepoint()
        call()
        assert app_rows() != before, name
        transaction.savepoint_rollback(sid)
    print(f"failure injected at {runs} writes of {len(_scenarios(boss)) - 1} services")
    assert runs >= 25


def test_a_failure_in_a_bulk_status_change_leaves_no_half_changed_lead(boss):
    """Each item is applied whole or not at all: a lead's status and its status log change
    together, whichever write fails."""
    call = _scenarios(boss)["lead_bulk_change_status"]
    leads = list(Lead.objects.order_by("pk"))
    logs_before = {lead.pk: lead.status_logs.count() for lead in leads}
    writes = _writes_of(call)
    assert writes == 6  # per item: the lead's row, its status log row, its outbox event
    for fail_at in range(1, writes + 1):
        sid = transaction.savepoint()
        with pytest.raises(InjectedFailure), connection.execute_wrapper(FailOnWrite(fail_at)):
            call()
        for lead in Lead.objects.filter(pk__in=logs_before):
            logs = list(lead.status_logs.order_by("created_on", "id"))
            changed = len(logs) - logs_before[lead.pk]
            assert changed in (0, 1), (fail_at, lead.pk)
            assert lead.status == logs[-1].status, (fail_at, lead.pk)
        # Items before the failing one are kept: the first item fails only at writes 1-3.
        first = Lead.objects.get(pk=leads[0].pk)
        assert (first.status == Status.WON) == (fail_at > 3), fail_at
        transaction.savepoint_rollback(sid)


def test_a_failed_api_write_keeps_no_idempotency_key_and_no_lead(api, world):
    """Through the API the key, the lead and its history are one transaction: a failure at
    any write answers 90500 and leaves nothing, and the retry with the same key works."""
    body = {"userId": world["customer"].pk, "type": "CUSTOM", "leadFor": "Sofa"}
    before = app_rows()
    counter = FailOnWrite()
    sid = transaction.savepoint()
    with connection.execute_wrapper(counter):
        assert (
            api.post("/v2/leads", body, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 200
        )
    transaction.savepoint_rollback(sid)
    assert counter.writes >= 4  # the key, the lead, its status row, the key's response
    for fail_at in range(1, counter.writes + 1):
        with connection.execute_wrapper(FailOnWrite(fail_at)):
            response = api.post("/v2/leads", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert_envelope(response, 500, 90500)
        assert app_rows() == before, fail_at
    retry = api.post("/v2/leads", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert retry.status_code == 200
    assert Lead.objects.filter(pk=retry.json()["id"]).exists()
