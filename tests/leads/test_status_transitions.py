"""lead_change_status: which moves are allowed, what each one writes, and what is refused."""

import pytest
from django.core.exceptions import ValidationError

from leads.models import Lead, LeadStatus, Status
from tests.factories import LeadFactory, ReasonFactory, SubStatusFactory
from tests.leads import edge
from tests.leads.codes import coded, codes

ACTIVE = [Status.OPEN, Status.ON_HOLD]
CLOSED = [Status.WON, Status.LOST, Status.DELETED]


def snapshot(lead: Lead) -> tuple:
    lead.refresh_from_db()
    return (
        lead.status,
        lead.sub_status_id,
        lead.last_updated_on,
        lead.last_updated_by_id,
        list(lead.status_logs.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("source", ACTIVE)
@pytest.mark.parametrize("target", list(Status))
def test_active_lead_moves_to_any_status_with_one_log_row(source, target, staff):
    sub = SubStatusFactory(status=target, name="Reached")
    reason = ReasonFactory()
    lead = LeadFactory(status=source)
    before_update = lead.last_updated_on

    changed = edge.lead_change_status(
        lead_id=lead.pk,
        status=target,
        sub_status="Reached",
        reason_id=reason.pk,
        notes="called the customer",
        changed_by=staff,
    )

    lead.refresh_from_db()
    assert changed.pk == lead.pk
    assert (lead.status, lead.sub_status) == (target, sub)
    assert lead.last_updated_by == staff
    assert lead.last_updated_on >= before_update
    logs = list(lead.status_logs.order_by("created_on", "id"))
    assert len(logs) == 2
    assert logs[0].status == source
    latest = logs[-1]
    assert (latest.status, latest.sub_status, latest.reason) == (target, sub, reason)
    assert latest.notes == "called the customer"
    assert latest.created_by == staff
    assert latest.created_on == lead.last_updated_on


@pytest.mark.parametrize("source", ACTIVE)
@pytest.mark.parametrize("target", list(Status))
def test_moving_without_sub_status_clears_it(source, target, staff):
    sub = SubStatusFactory(status=source, name="Earlier")
    lead = LeadFactory(status=source, sub_status=sub)
    # LOST and DELETED need a reason (org setting, on by default): every move sends one.
    edge.lead_change_status(
        lead_id=lead.pk, status=target, reason_id=ReasonFactory().pk, changed_by=staff
    )
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status) == (target, None)
    assert lead.status_logs.count() == 2


def test_same_status_with_another_sub_status_is_a_change(staff):
    first = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    second = SubStatusFactory(status=Status.ON_HOLD, name="Travelling")
    lead = LeadFactory(status=Status.ON_HOLD, sub_status=first)

    edge.lead_change_status(
        lead_id=lead.pk, status="ON_HOLD", sub_status="Travelling", changed_by=staff
    )
    lead.refresh_from_db()
    assert lead.sub_status == second
    edge.lead_change_status(lead_id=lead.pk, status="ON_HOLD", changed_by=staff)
    lead.refresh_from_db()
    assert lead.sub_status is None
    assert list(lead.status_logs.values_list("sub_status__name", flat=True)) == [
        "YetToDecide",
        "Travelling",
        None,
    ]


@pytest.mark.parametrize("status", ACTIVE)
def test_same_status_and_sub_status_is_a_duplicate(status, staff):
    sub = SubStatusFactory(status=status, name="Waiting")
    lead = LeadFactory(status=status, sub_status=sub)
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(
            lead_id=lead.pk, status=status, sub_status="Waiting", changed_by=staff
        )
    assert coded(raised.value) == [("status", 92002, "Duplicate Lead Status")]
    assert snapshot(lead) == before


def test_same_status_without_sub_status_is_a_duplicate(staff):
    lead = LeadFactory(status=Status.OPEN)
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status="OPEN", changed_by=staff)
    assert codes(raised.value) == [92002]
    assert snapshot(lead) == before


@pytest.mark.parametrize("source", CLOSED)
@pytest.mark.parametrize("target", list(Status))
def test_closed_lead_rejects_any_status_change(source, target, staff):
    SubStatusFactory(status=target, name="Any")
    lead = LeadFactory(status=source)
    before = snapshot(lead)
    for sub_status in (None, "Any"):
        with pytest.raises(ValidationError) as raised:
            edge.lead_change_status(
                lead_id=lead.pk, status=target, sub_status=sub_status, changed_by=staff
            )
        assert coded(raised.value) == [
            ("status", 92024, "Status change not allowed on closed leads")
        ]
    assert snapshot(lead) == before


@pytest.mark.parametrize("status", ["", "   ", None])
def test_missing_status_is_refused(status, staff):
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status=status, changed_by=staff)
    assert coded(raised.value) == [("status", 92022, "Lead status cannot be empty")]
    assert snapshot(lead) == before


@pytest.mark.parametrize("status", ["open", "CLOSED", "Won ", 3])
def test_unknown_status_is_refused_with_the_value(status, staff):
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status=status, changed_by=staff)
    assert coded(raised.value) == [("status", 92003, f"Invalid Lead Status {status}")]
    assert snapshot(lead) == before


def test_sub_status_of_another_status_is_refused(staff):
    SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(
            lead_id=lead.pk,
            status="LOST",
            sub_status="YetToDecide",
            reason_id=ReasonFactory().pk,
            changed_by=staff,
        )
    assert coded(raised.value) == [("sub_status", 92020, "Invalid lead sub status YetToDecide")]
    assert snapshot(lead) == before


def test_sub_status_object_of_another_status_is_refused(staff):
    other = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status="WON", sub_status=other, changed_by=staff)
    assert codes(raised.value) == [92020]
    assert snapshot(lead) == before


@pytest.mark.parametrize("reason_id", [999999, "abc", "12.5", True])
def test_unknown_reason_is_refused(reason_id, staff):
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(
            lead_id=lead.pk, status="WON", reason_id=reason_id, changed_by=staff
        )
    assert coded(raised.value) == [("reason", 92004, f"Lead Reason not found with id {reason_id}")]
    assert snapshot(lead) == before


def test_reason_id_given_as_text_is_accepted(staff):
    reason = ReasonFactory()
    lead = LeadFactory()
    edge.lead_change_status(
        lead_id=lead.pk, status="LOST", reason_id=str(reason.pk), changed_by=staff
    )
    assert lead.status_logs.order_by("id").last().reason == reason


def test_several_status_problems_come_in_one_error(staff):
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(
            lead_id=lead.pk, status="ON_HOLD", sub_status="Nope", reason_id=777, changed_by=staff
        )
    assert sorted(codes(raised.value)) == [92004, 92020]
    assert snapshot(lead) == before


@pytest.mark.parametrize("lead_id", [10**9, "abc", None, ""])
def test_unknown_lead_is_not_found(lead_id, staff):
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead_id, status="WON", changed_by=staff)
    assert coded(raised.value) == [("lead", 92001, "Lead not found")]
    assert LeadStatus.objects.count() == 0


def test_closed_lead_stays_closed_through_the_model_too(staff):
    """The rule lives in Lead.clean(), so forms and the admin refuse it as well."""
    lead = LeadFactory(status=Status.WON)
    lead = Lead.objects.get(pk=lead.pk)
    lead.status = Status.OPEN
    with pytest.raises(ValidationError) as raised:
        lead.full_clean()
    assert codes(raised.value) == [92024]
    lead.refresh_from_db()
    assert lead.status == Status.WON


class TestBulkStatusChange:
    def test_each_item_succeeds_or_fails_on_its_own(self, staff):
        good = LeadFactory()
        closed = LeadFactory(status=Status.LOST)
        results = edge.lead_bulk_change_status(
            items=[
                {"lead_id": good.pk, "status": "WON"},
                {"lead_id": closed.pk, "status": "OPEN"},
                {"status": "WON"},
                {"lead_id": 10**9, "status": "WON"},
                "not an object",
            ],
            changed_by=staff,
        )
        assert [r.ok for r in results] == [True, False, False, False, False]
        assert [[e["code"] for e in r.errors] for r in results] == [
            [],
            [92024],
            [92010],
            [92001],
            [90008],
        ]
        good.refresh_from_db()
        closed.refresh_from_db()
        assert (good.status, closed.status) == (Status.WON, Status.LOST)
        assert good.status_logs.count() == 2
        assert closed.status_logs.count() == 1

    @pytest.mark.parametrize("lead_id", [None, "", "  "])
    def test_item_without_lead_id_reports_92010(self, lead_id, staff):
        [result] = edge.lead_bulk_change_status(
            items=[{"lead_id": lead_id, "status": "WON"}], changed_by=staff
        )
        assert result.errors == [{"code": 92010, "message": "LeadId cannot be null"}]
        assert LeadStatus.objects.count() == 0
