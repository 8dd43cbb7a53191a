"""Each of the Leads resource's 25 codes, raised by a model or a service with its exact text,
and nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Customer
from leads.models import Lead, LeadStatus, OrgSettings, Status, SubStatus
from tests.factories import CustomerFactory, LeadFactory, SkuFactory, SubStatusFactory, UserFactory
from tests.leads import edge
from tests.leads.codes import coded


def create(staff, **kwargs):
    values = {"created_by": staff, "type": "CUSTOM", "lead_for": "Sofa"}
    values.update(kwargs)
    return edge.lead_create(**values)


def trigger(code: int, staff) -> object:
    """Breaks exactly the rule behind ``code``."""
    customer = CustomerFactory()
    lead = LeadFactory(customer=customer)
    if code == 92001:
        return edge.lead_change_status(lead_id=10**9, status="WON", changed_by=staff)
    if code == 92002:
        return edge.lead_change_status(lead_id=lead.pk, status="OPEN", changed_by=staff)
    if code == 92003:
        return edge.lead_change_status(lead_id=lead.pk, status="CLOSED", changed_by=staff)
    if code == 92004:
        return edge.lead_change_status(
            lead_id=lead.pk, status="WON", reason_id=424242, changed_by=staff
        )
    if code == 92005:
        return edge.lead_add_followup(lead_id=lead.pk, followed_up_on=None, created_by=staff)
    if code == 92006:
        return create(staff, customer=customer, lead_for="  ")
    if code == 92007:
        return create(staff, user_id=None)
    if code == 92008:
        return create(staff, user_id=10**9)
    if code == 92009:
        return create(staff, customer=customer, type="SERVICE")
    if code == 92010:
        [result] = edge.lead_bulk_change_status(items=[{"status": "WON"}], changed_by=staff)
        raise ValidationError(
            [ValidationError(e["message"], code=e["code"]) for e in result.errors]
        )
    if code == 92011:
        return create(staff, id_type="MOBILE", identifier="12")
    if code == 92012:
        return create(staff)
    if code == 92013:
        return create(staff, customer=customer, org_source_id=None)
    if code == 92014:
        return create(staff, customer=customer, org_source_id=999)
    if code == 92015:
        return create(staff, id_type="PASSPORT", identifier="X1")
    if code == 92016:
        return create(staff, customer=customer, type="SKU", lead_for="NOPE-1")
    if code == 92017:
        return create(staff, customer=customer, type="BRAND", lead_for="NOPE-2")
    if code == 92018:
        return create(staff, customer=customer, type="CATEGORY", lead_for="NOPE-3")
    if code == 92019:
        return create(staff, customer=customer, owner="ghost")
    if code == 92020:
        return edge.lead_change_status(
            lead_id=lead.pk, status="ON_HOLD", sub_status="Nope", changed_by=staff
        )
    if code == 92021:
        SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
        return edge.substatus_create(status="ON_HOLD", name="YetToDecide")
    if code == 92022:
        return edge.lead_change_status(lead_id=lead.pk, status="", changed_by=staff)
    if code == 92023:
        return edge.substatus_create(status="ON_HOLD", name="  ")
    if code == 92024:
        closed = LeadFactory(customer=customer, status=Status.WON)
        return edge.lead_change_status(lead_id=closed.pk, status="OPEN", changed_by=staff)
    if code == 92025:
        OrgSettings.objects.update(auto_register_customers=False)
        return create(staff, id_type="EMAIL", identifier="new.person@example.com")
    raise AssertionError(code)


EXPECTED = {
    92001: ("lead", "Lead not found"),
    92002: ("status", "Duplicate Lead Status"),
    92003: ("status", "Invalid Lead Status CLOSED"),
    92004: ("reason", "Lead Reason not found with id 424242"),
    92005: ("followed_up_on", "followedUpOn cannot be null"),
    92006: ("lead_for", "leadFor cannot be null"),
    92007: ("user_id", "userId cannot be null"),
    92008: ("user_id", "No user found with the given userId 1000000000"),
    92009: ("type", "Invalid Lead Type"),
    92010: ("__all__", "LeadId cannot be null"),
    92011: ("identifier", "Customer Registration failed"),
    92012: ("user_id", "User Details cannot be empty"),
    92013: ("org_source", "Org Source cannot be null"),
    92014: ("org_source", "Invalid org source"),
    92015: ("id_type", "Invalid Id Type"),
    92016: ("lead_for", "Invalid SKU NOPE-1"),
    92017: ("lead_for", "Invalid Brand NOPE-2"),
    92018: ("lead_for", "Invalid Category NOPE-3"),
    92019: ("owner", "Invalid lead owner ghost"),
    92020: ("sub_status", "Invalid lead sub status Nope"),
    92021: ("name", "Lead sub status YetToDecide already exists for status ON_HOLD"),
    92022: ("status", "Lead status cannot be empty"),
    92023: ("name", "Lead sub status cannot be empty"),
    92024: ("status", "Status change not allowed on closed leads"),
    92025: ("identifier", "Customer is not registered. Auto-registration is off"),
}


def test_every_seed_code_has_a_trigger():
    assert sorted(EXPECTED) == list(range(92001, 92026))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_code_is_raised_alone_with_its_exact_message(code, staff):
    with pytest.raises(ValidationError) as raised:
        trigger(code, staff)
    field, message = EXPECTED[code]
    assert coded(raised.value) == [(field, code, message)]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_a_refused_request_writes_nothing(code, staff):
    UserFactory(username="someone")
    SkuFactory(code="REAL-1")
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Customer, Lead, LeadStatus, SubStatus)
    }
    customers_before = Customer.objects.count()
    with pytest.raises(ValidationError):
        trigger(code, staff)
    # trigger() itself adds one customer and one or two leads with their first status row.
    added_leads = Lead.objects.exclude(pk__in=[row["id"] for row in before[Lead]])
    assert Customer.objects.count() == customers_before + 1
    assert added_leads.count() == (2 if code == 92024 else 1)
    assert LeadStatus.objects.count() == len(before[LeadStatus]) + added_leads.count()
    assert SubStatus.objects.count() == len(before[SubStatus]) + (1 if code == 92021 else 0)
    for added in added_leads:
        assert added.status_logs.count() == 1
        assert added.followups.count() == 0
    untouched = Lead.objects.filter(pk__in=[row["id"] for row in before[Lead]])
    assert list(untouched.order_by("pk").values()) == before[Lead]


def test_several_problems_are_reported_together(staff):
    with pytest.raises(ValidationError) as raised:
        create(
            staff,
            user_id=None,
            type="SERVICE",
            lead_for=None,
            status="CLOSED",
            owner="ghost",
            org_source_id=999,
            reason_id=5555,
            follow_up_details=[{"followed_up_on": None}],
        )
    assert sorted(code for _, code, _ in coded(raised.value)) == [
        92003,
        92004,
        92005,
        92006,
        92007,
        92009,
        92014,
        92019,
    ]
    assert Lead.objects.count() == 0
    assert LeadStatus.objects.count() == 0


def test_status_change_reports_closed_lead_and_bad_reason_together(staff):
    lead = LeadFactory(status=Status.LOST)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status="BOGUS", reason_id="x", changed_by=staff)
    assert sorted(code for _, code, _ in coded(raised.value)) == [92003, 92004, 92024]
    lead.refresh_from_db()
    assert lead.status == Status.LOST
    assert lead.status_logs.count() == 1


def test_followup_timestamp_is_checked_by_the_model(staff):
    lead = LeadFactory()
    with pytest.raises(ValidationError) as raised:
        edge.lead_add_followup(
            lead_id=lead.pk, followed_up_on=timezone.now().date(), created_by=staff
        )
    assert coded(raised.value) == [
        ("followed_up_on", 90008, "Invalid value for followedUpOn: expected a date-time")
    ]
    assert lead.followups.count() == 0
