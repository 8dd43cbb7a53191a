"""Safety of closing leads: a reason is required for LOST and DELETED (org setting, on by
default, 90031); reasons and sub-statuses can be renamed and switched off (90032, 90033 for
new changes), never duplicated (90028, 92021), and stay on the history."""

import pytest
from django.core.exceptions import ValidationError

from leads import services
from leads.inputs import RowEdit
from leads.models import OrgSettings, Reason, Status, SubStatus
from tests.factories import LeadFactory, ReasonFactory, SubStatusFactory
from tests.leads import edge
from tests.leads.codes import coded, codes


def snapshot(lead):
    lead.refresh_from_db()
    return (lead.status, lead.sub_status_id, lead.status_logs.count())


def test_the_setting_is_on_by_default(db):
    assert OrgSettings.load().require_close_reason is True


@pytest.mark.parametrize("status", ["LOST", "DELETED"])
def test_lost_or_deleted_without_a_reason_is_90031(staff, status):
    lead = LeadFactory()
    before = snapshot(lead)

    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status=status, changed_by=staff)

    assert coded(raised.value) == [
        ("reason", 90031, f"A reason is required to change a lead to {status}")
    ]
    assert snapshot(lead) == before


@pytest.mark.parametrize("status", ["LOST", "DELETED"])
def test_lost_or_deleted_with_a_reason_is_applied(staff, status):
    lead = LeadFactory()
    reason = ReasonFactory(reason="Bought elsewhere")

    edge.lead_change_status(lead_id=lead.pk, status=status, reason_id=reason.pk, changed_by=staff)

    lead.refresh_from_db()
    assert lead.status == status
    assert lead.status_logs.order_by("-id").first().reason == reason


@pytest.mark.parametrize("status", ["OPEN", "ON_HOLD", "WON"])
def test_other_statuses_need_no_reason(staff, status):
    lead = LeadFactory(status=Status.ON_HOLD if status == "OPEN" else Status.OPEN)

    edge.lead_change_status(lead_id=lead.pk, status=status, changed_by=staff)

    lead.refresh_from_db()
    assert lead.status == status


def test_with_the_setting_off_lost_needs_no_reason(staff):
    services.org_settings_update(require_close_reason=False)
    lead = LeadFactory()

    edge.lead_change_status(lead_id=lead.pk, status="LOST", changed_by=staff)

    lead.refresh_from_db()
    assert lead.status == "LOST"
    assert OrgSettings.load().auto_register_customers is True  # the other setting stays


def test_a_closed_lead_is_refused_with_92024_only(staff):
    lead = LeadFactory(status=Status.WON)

    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status="LOST", changed_by=staff)

    assert codes(raised.value) == [92024]


def test_an_unknown_reason_is_92004_not_90031(staff):
    lead = LeadFactory()

    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(lead_id=lead.pk, status="LOST", reason_id=999, changed_by=staff)

    assert codes(raised.value) == [92004]


def test_bulk_lost_without_a_reason_fails_each_item_with_90031(staff):
    leads = LeadFactory.create_batch(2)

    results = edge.lead_bulk_change_status(
        items=[{"lead_id": lead.pk, "status": "LOST"} for lead in leads], changed_by=staff
    )

    assert [[e["code"] for e in r.errors] for r in results] == [[90031], [90031]]
    assert {lead.status for lead in refreshed(leads)} == {"OPEN"}


def refreshed(leads):
    for lead in leads:
        lead.refresh_from_db()
    return leads


# --- renaming and switching off -------------------------------------------------------------


def test_a_reason_is_renamed_and_the_history_shows_the_new_text(staff):
    reason = ReasonFactory(reason="Too pricey")
    lead = LeadFactory()
    edge.lead_change_status(lead_id=lead.pk, status="LOST", reason_id=reason.pk, changed_by=staff)

    services.reason_update(reason_id=reason.pk, edit=RowEdit(text="  Price too high "))

    assert Reason.objects.get(pk=reason.pk).reason == "Price too high"
    assert lead.status_logs.order_by("-id").first().reason.reason == "Price too high"


def test_renaming_a_reason_to_another_ones_text_is_90028(db):
    ReasonFactory(reason="Moved away")
    reason = ReasonFactory(reason="Relocated")

    with pytest.raises(ValidationError) as raised:
        services.reason_update(reason_id=reason.pk, edit=RowEdit(text="moved AWAY"))

    assert coded(raised.value) == [("reason", 90028, "Lead reason moved AWAY already exists")]
    assert Reason.objects.get(pk=reason.pk).reason == "Relocated"


def test_renaming_a_reason_to_nothing_is_90018(db):
    reason = ReasonFactory(reason="Relocated")

    with pytest.raises(ValidationError) as raised:
        services.reason_update(reason_id=reason.pk, edit=RowEdit(text="  "))

    assert codes(raised.value) == [90018]


def test_updating_an_unknown_reason_is_92004(db):
    with pytest.raises(ValidationError) as raised:
        services.reason_update(reason_id=12345, edit=RowEdit(is_active=False))

    assert codes(raised.value) == [92004]


def test_a_switched_off_reason_is_refused_for_new_changes_and_kept_on_history(staff):
    reason = ReasonFactory(reason="Store closed")
    old = LeadFactory()
    edge.lead_change_status(lead_id=old.pk, status="LOST", reason_id=reason.pk, changed_by=staff)

    services.reason_update(reason_id=reason.pk, edit=RowEdit(is_active=False))
    lead = LeadFactory()
    before = snapshot(lead)
    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(
            lead_id=lead.pk, status="LOST", reason_id=reason.pk, changed_by=staff
        )

    assert coded(raised.value) == [
        ("reason", 90032, "Lead reason Store closed is no longer in use")
    ]
    assert snapshot(lead) == before
    assert old.status_logs.order_by("-id").first().reason == reason
    # Switched on again, it is accepted.
    services.reason_update(reason_id=reason.pk, edit=RowEdit(is_active=True))
    edge.lead_change_status(lead_id=lead.pk, status="LOST", reason_id=reason.pk, changed_by=staff)


def test_a_sub_status_is_renamed_on_the_leads_that_have_it(db):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    lead = LeadFactory(status=Status.ON_HOLD, sub_status=sub)

    services.substatus_update(substatus_id=sub.pk, edit=RowEdit(text="Undecided"))

    lead.refresh_from_db()
    assert lead.sub_status.name == "Undecided"


def test_renaming_a_sub_status_to_a_name_its_status_has_is_92021(db):
    SubStatusFactory(status=Status.ON_HOLD, name="Travelling")
    sub = SubStatusFactory(status=Status.ON_HOLD, name="Away")
    SubStatusFactory(status=Status.OPEN, name="Fresh")

    with pytest.raises(ValidationError) as raised:
        services.substatus_update(substatus_id=sub.pk, edit=RowEdit(text="Travelling"))
    # The same name under another status is another sub-status.
    services.substatus_update(substatus_id=sub.pk, edit=RowEdit(text="Fresh"))

    assert coded(raised.value) == [
        ("name", 92021, "Lead sub status Travelling already exists for status ON_HOLD")
    ]
    assert SubStatus.objects.get(pk=sub.pk).name == "Fresh"


def test_renaming_a_sub_status_to_nothing_is_92023(db):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="Away")

    with pytest.raises(ValidationError) as raised:
        services.substatus_update(substatus_id=sub.pk, edit=RowEdit(text=""))

    assert codes(raised.value) == [92023]


def test_a_switched_off_sub_status_is_refused_and_kept_where_it_is(staff):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    keeps = LeadFactory(status=Status.ON_HOLD, sub_status=sub)
    services.substatus_update(substatus_id=sub.pk, edit=RowEdit(is_active=False))
    lead = LeadFactory()
    before = snapshot(lead)

    with pytest.raises(ValidationError) as raised:
        edge.lead_change_status(
            lead_id=lead.pk, status="ON_HOLD", sub_status="YetToDecide", changed_by=staff
        )
    sub.refresh_from_db()  # as the pages load it
    with pytest.raises(ValidationError) as by_object:
        edge.lead_change_status(lead_id=lead.pk, status="ON_HOLD", sub_status=sub, changed_by=staff)

    assert coded(raised.value) == [
        ("sub_status", 90033, "Lead sub status YetToDecide is no longer in use")
    ]
    assert codes(by_object.value) == [90033]
    assert snapshot(lead) == before
    keeps.refresh_from_db()
    assert keeps.sub_status == sub


def test_switched_off_rows_are_not_offered(db):
    from leads.selectors import reason_list, substatus_list

    kept, off = ReasonFactory(reason="Kept"), ReasonFactory(reason="Off", is_active=False)
    sub_on = SubStatusFactory(status=Status.OPEN, name="On")
    sub_off = SubStatusFactory(status=Status.OPEN, name="Gone")
    services.substatus_update(substatus_id=sub_off.pk, edit=RowEdit(is_active=False))

    assert list(reason_list(active_only=True)) == [kept]
    assert list(reason_list()) == [kept, off]
    assert list(substatus_list(active_only=True)) == [sub_on]
    assert set(substatus_list()) == {sub_on, sub_off}
