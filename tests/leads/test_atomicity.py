"""Every write is one transaction: a failure anywhere leaves no row behind."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.inputs import CustomerDetails
from customers.models import Customer
from leads import services
from leads.models import FollowUp, Lead, LeadStatus, OwnerChange, Reason, Status
from tests.factories import LeadFactory, ReasonFactory, UserFactory
from tests.leads import edge
from tests.leads.codes import codes


class Boom(Exception):
    pass


def explode(*args, **kwargs):
    raise Boom


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Customer, Lead, LeadStatus, FollowUp, OwnerChange, Reason)
    }


def new_customer_lead(staff, **kwargs):
    """A lead for a customer that does not exist yet, so that it is auto-registered."""
    values = {
        "created_by": staff,
        "type": "CUSTOM",
        "lead_for": "Dining table",
        "id_type": "MOBILE",
        "identifier": "98765 99999",
        "customer_data": CustomerDetails(first_name="New"),
        "status": "WON",
        "status_log_details": [{"status": "OPEN"}, {"status": "ON_HOLD"}],
        "follow_up_details": [{"followed_up_on": timezone.now(), "notes": "visited"}],
    }
    values.update(kwargs)
    return edge.lead_create(**values)


EMPTY = {
    "Customer": 0,
    "Lead": 0,
    "LeadStatus": 0,
    "FollowUp": 0,
    "OwnerChange": 0,
    "Reason": 0,
}


def test_the_full_create_writes_every_row(staff):
    lead = new_customer_lead(staff).lead
    assert row_counts() == {**EMPTY, "Customer": 1, "Lead": 1, "LeadStatus": 3, "FollowUp": 1}
    assert lead.customer.mobile == "+919876599999"


def test_invalid_lead_leaves_no_auto_registered_customer(staff):
    with pytest.raises(ValidationError) as raised:
        new_customer_lead(staff, type="SERVICE")
    assert codes(raised.value) == [92009]
    assert row_counts() == EMPTY


def test_bad_history_leaves_no_auto_registered_customer(staff):
    with pytest.raises(ValidationError) as raised:
        new_customer_lead(staff, status_log_details=[{"status": "OPEN"}, {"status": "NOPE"}])
    assert codes(raised.value) == [92003]
    assert row_counts() == EMPTY


@pytest.mark.parametrize(
    "model,method",
    [
        (FollowUp, "bulk_create"),
        (LeadStatus, "create"),
        (LeadStatus, "bulk_create"),
    ],
)
def test_failure_half_way_through_create_leaves_nothing(model, method, staff, monkeypatch):
    monkeypatch.setattr(model.objects, method, explode)
    with pytest.raises(Boom):
        new_customer_lead(staff)
    assert row_counts() == EMPTY


@pytest.mark.django_db(transaction=True)
def test_failure_in_a_real_transaction_is_rolled_back(monkeypatch):
    """Without the test's own wrapping transaction: lead_create's is the outermost one."""
    staff = UserFactory(username="associate")
    monkeypatch.setattr(FollowUp.objects, "bulk_create", explode)
    with pytest.raises(Boom):
        new_customer_lead(staff)
    assert row_counts() == EMPTY
    monkeypatch.undo()
    new_customer_lead(staff)
    assert row_counts()["Lead"] == 1


def test_status_change_failing_to_log_keeps_the_old_status(staff, monkeypatch):
    lead = LeadFactory(status=Status.OPEN)
    before = Lead.objects.filter(pk=lead.pk).values().get()
    monkeypatch.setattr(LeadStatus.objects, "create", explode)
    with pytest.raises(Boom):
        edge.lead_change_status(lead_id=lead.pk, status="WON", changed_by=staff)
    assert Lead.objects.filter(pk=lead.pk).values().get() == before
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_reassignment_failing_to_log_keeps_the_old_owner(staff, monkeypatch):
    UserFactory(username="next")
    lead = LeadFactory()
    before = Lead.objects.filter(pk=lead.pk).values().get()
    monkeypatch.setattr(OwnerChange.objects, "create", explode)
    with pytest.raises(Boom):
        edge.lead_assign_owner(lead_id=lead.pk, owner="next", changed_by=staff)
    assert Lead.objects.filter(pk=lead.pk).values().get() == before


def test_follow_up_failing_to_update_the_lead_leaves_no_follow_up(staff, monkeypatch):
    lead = LeadFactory()
    monkeypatch.setattr(Lead, "save", explode)
    with pytest.raises(Boom):
        edge.lead_add_followup(lead_id=lead.pk, followed_up_on=timezone.now(), created_by=staff)
    assert FollowUp.objects.count() == 0


def test_update_failing_after_the_owner_change_undoes_it(staff, monkeypatch):
    UserFactory(username="next")
    lead = LeadFactory(extended_fields={})
    before = Lead.objects.filter(pk=lead.pk).values().get()
    calls = []
    original = Lead.save

    def save_once(self, *args, **kwargs):
        # The owner change saves first; the final save of the update fails.
        calls.append(kwargs.get("update_fields"))
        if len(calls) > 1:
            raise Boom
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Lead, "save", save_once)
    with pytest.raises(Boom):
        edge.lead_update(lead_id=lead.pk, updated_by=staff, owner="next", next_follow_up=None)
    assert len(calls) == 2
    assert Lead.objects.filter(pk=lead.pk).values().get() == before
    assert OwnerChange.objects.count() == 0


def test_reasons_are_all_or_nothing_on_a_database_failure(monkeypatch):
    saved = []
    original = Reason.save

    def save_two(self, *args, **kwargs):
        if len(saved) == 2:
            raise Boom
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Reason, "save", save_two)
    with pytest.raises(Boom):
        services.reasons_create(reasons=["One", "Two", "Three"])
    assert Reason.objects.count() == 0


def test_bulk_status_change_keeps_the_items_that_succeeded(staff, monkeypatch):
    first, second = LeadFactory(), LeadFactory()
    original = LeadStatus.objects.create
    calls = []

    def fail_second(*args, **kwargs):
        calls.append(kwargs["lead"].pk)
        if len(calls) == 2:
            raise ValidationError("database said no", code="x")
        return original(*args, **kwargs)

    monkeypatch.setattr(LeadStatus.objects, "create", fail_second)
    results = edge.lead_bulk_change_status(
        items=[
            {"lead_id": first.pk, "status": "WON"},
            {"lead_id": second.pk, "status": "LOST", "reason_id": ReasonFactory().pk},
        ],
        changed_by=staff,
    )
    assert [r.ok for r in results] == [True, False]
    assert [e["code"] for e in results[1].errors] != [90031]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.WON, Status.OPEN)
    assert LeadStatus.objects.filter(lead=second).count() == 1
