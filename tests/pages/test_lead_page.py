"""The lead page and its forms: status change, follow-up, reassignment, details."""

import datetime

from django.urls import reverse
from django.utils import timezone

from leads.models import FollowUp, Lead, LeadStatus, OwnerChange, Status
from tests.factories import (
    ExtendedFieldFactory,
    FollowUpFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import field_errors, text_of


def page(lead) -> str:
    return reverse("lead-detail", args=[lead.pk])


def test_lead_page_shows_customer_timeline_follow_ups_and_owner_history(staff_client, staff):
    SkuFactory(code="SKU-9", name="Trail Runner")
    lead = LeadFactory(type="SKU", lead_for="SKU-9", extended_fields={"store": "Bandra"})
    ExtendedFieldFactory(name="store", label="Preferred store")
    FollowUpFactory(lead=lead, notes="Called, will visit Saturday.")
    OwnerChange.objects.create(lead=lead, from_owner=None, to_owner=staff, changed_by=staff)

    response = staff_client.get(page(lead))

    assert response.status_code == 200
    text = text_of(response)
    assert "Trail Runner" in text
    assert lead.customer.full_name in text
    assert "Called, will visit Saturday." in text
    assert "Preferred store Bandra" in text
    assert "Unassigned → to associate" in text
    assert [entry.kind for entry in response.context["timeline"]] == ["owner", "followup", "status"]


def test_missing_lead_is_a_404_page(staff_client):
    response = staff_client.get(reverse("lead-detail", args=[424242]))

    assert response.status_code == 404
    assert "92001 · Lead not found" in text_of(response)


def test_status_change_with_reason_and_sub_status_appends_to_the_timeline(staff_client, staff):
    lead = LeadFactory()
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    reason = ReasonFactory(reason="Waiting for stock")

    response = staff_client.post(
        reverse("lead-change-status", args=[lead.pk]),
        {"status": "ON_HOLD", "sub_status": str(sub.pk), "reason": str(reason.pk), "notes": "Hi"},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id) == (Status.ON_HOLD, sub.pk)
    entry = LeadStatus.objects.filter(lead=lead).order_by("-id").first()
    assert (entry.status, entry.sub_status_id, entry.reason_id, entry.created_by_id) == (
        Status.ON_HOLD,
        sub.pk,
        reason.pk,
        staff.pk,
    )
    followed = staff_client.get(response["Location"])
    assert "Status changed to On hold / YetToDecide." in text_of(followed)
    assert "Waiting for stock" in text_of(followed)


def test_closed_lead_refuses_a_status_change_with_92024(staff_client):
    lead = LeadFactory(status=Status.WON)

    response = staff_client.post(reverse("lead-change-status", args=[lead.pk]), {"status": "OPEN"})

    assert response.status_code == 400
    assert field_errors(response, "status") == ["92024 · Status change not allowed on closed leads"]
    lead.refresh_from_db()
    assert lead.status == Status.WON
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_sub_status_of_another_status_is_92020(staff_client):
    lead = LeadFactory()
    other = SubStatusFactory(status=Status.LOST, name="PriceTooHigh")

    response = staff_client.post(
        reverse("lead-change-status", args=[lead.pk]),
        {"status": "ON_HOLD", "sub_status": str(other.pk)},
    )

    assert field_errors(response, "sub_status") == ["92020 · Invalid lead sub status PriceTooHigh"]
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_blank_status_and_unknown_reason_are_reported_together(staff_client):
    lead = LeadFactory()

    response = staff_client.post(
        reverse("lead-change-status", args=[lead.pk]), {"status": "", "reason": "9999"}
    )

    assert field_errors(response, "status") == ["92022 · Lead status cannot be empty"]
    assert field_errors(response, "reason") == ["92004 · Lead Reason not found with id 9999"]
    # The page opens on the form that needs fixing.
    assert response.context["open_form"] == "status_form"


def test_same_status_and_sub_status_is_92002(staff_client):
    lead = LeadFactory(status=Status.OPEN)

    response = staff_client.post(reverse("lead-change-status", args=[lead.pk]), {"status": "OPEN"})

    assert field_errors(response, "status") == ["92002 · Duplicate Lead Status"]


def test_status_change_on_a_missing_lead_is_a_404(staff_client):
    response = staff_client.post(reverse("lead-change-status", args=[777777]), {"status": "WON"})

    assert response.status_code == 404


def test_sub_status_list_is_grouped_by_status(staff_client):
    lead = LeadFactory()
    SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    SubStatusFactory(status=Status.LOST, name="PriceTooHigh")

    html = staff_client.get(page(lead)).content.decode()

    assert '<optgroup label="On hold">' in html
    assert '<optgroup label="Lost">' in html
    assert 'id="sub-status-map"' in html


def test_adding_a_follow_up_sets_last_and_next_follow_up(staff_client, staff):
    lead = LeadFactory()

    response = staff_client.post(
        reverse("lead-add-followup", args=[lead.pk]),
        {
            "followed_up_on": "2026-03-02T10:30",
            "next_follow_up": "2026-03-09T11:00",
            "notes": "Sent the brochure",
        },
    )

    assert response.status_code == 302
    followup = FollowUp.objects.get(lead=lead)
    assert followup.notes == "Sent the brochure"
    assert followup.followed_up_by_id == staff.pk
    lead.refresh_from_db()
    assert lead.last_follow_up == followup.followed_up_on
    assert lead.next_follow_up.isoformat().startswith("2026-03-09T11:00")


def test_follow_up_without_a_date_is_92005(staff_client):
    lead = LeadFactory()

    response = staff_client.post(reverse("lead-add-followup", args=[lead.pk]), {"notes": "x"})

    assert response.status_code == 400
    assert field_errors(response, "followed_up_on") == ["92005 · followedUpOn cannot be null"]
    assert response.context["open_form"] == "followup_form"
    assert not FollowUp.objects.filter(lead=lead).exists()


def test_reassigning_keeps_owner_history(staff_client, staff):
    lead = LeadFactory(owner=staff)
    bob = UserFactory(username="bob")

    response = staff_client.post(reverse("lead-assign", args=[lead.pk]), {"owner": "bob"})

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner_id == bob.pk
    change = OwnerChange.objects.get(lead=lead)
    assert (change.from_owner_id, change.to_owner_id, change.changed_by_id) == (
        staff.pk,
        bob.pk,
        staff.pk,
    )
    assert "associate → to bob" in text_of(staff_client.get(page(lead)))


def test_reassigning_to_a_non_staff_user_is_92019(staff_client, staff):
    lead = LeadFactory(owner=staff)
    UserFactory(username="shopper", is_staff=False)

    response = staff_client.post(reverse("lead-assign", args=[lead.pk]), {"owner": "shopper"})

    assert field_errors(response, "owner") == ["92019 · Invalid lead owner shopper"]
    lead.refresh_from_db()
    assert lead.owner_id == staff.pk


def test_details_form_updates_extended_fields_and_next_follow_up(staff_client):
    ExtendedFieldFactory(name="budget", data_type="INTEGER")
    ExtendedFieldFactory(name="store", data_type="STRING")
    lead = LeadFactory(extended_fields={"store": "Bandra"})

    response = staff_client.post(
        reverse("lead-update-details", args=[lead.pk]),
        {"next_follow_up": "2026-05-01T09:15", "ext__budget": "1500", "ext__store": ""},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    # A cleared input removes the value.
    assert lead.extended_fields == {"budget": 1500}
    assert lead.next_follow_up.isoformat().startswith("2026-05-01T09:15")


def test_extended_field_value_of_the_wrong_type_is_90010(staff_client):
    ExtendedFieldFactory(name="budget", data_type="INTEGER")
    lead = LeadFactory()

    response = staff_client.post(
        reverse("lead-update-details", args=[lead.pk]), {"ext__budget": "lots"}
    )

    assert response.status_code == 400
    assert "90010 · Invalid value for extended field budget: expected a whole number" in text_of(
        response
    )
    lead.refresh_from_db()
    assert lead.extended_fields == {}


def test_overdue_next_follow_up_is_highlighted(staff_client):
    lead = LeadFactory(next_follow_up=timezone.now() - datetime.timedelta(hours=3))

    html = staff_client.get(page(lead)).content.decode()

    assert 'class="overdue"' in html


def test_user_text_on_the_lead_page_is_escaped(staff_client):
    lead = LeadFactory(lead_for="<b>bold</b>")
    FollowUpFactory(lead=lead, notes="<img src=x onerror=alert(1)>")

    html = staff_client.get(page(lead)).content.decode()

    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_closed_lead_page_warns_before_a_status_change(staff_client):
    lead = LeadFactory(status=Status.LOST)

    assert "Closed leads keep their status for ever" in text_of(staff_client.get(page(lead)))
    assert Lead.objects.get(pk=lead.pk).status == Status.LOST


def test_saving_details_leaves_untouched_extended_values_as_stored(staff_client):
    ExtendedFieldFactory(name="visit", data_type="DATETIME")
    ExtendedFieldFactory(name="store", data_type="STRING")
    stored = {"visit": "2026-01-31T10:30:00+05:30", "store": "Bandra"}
    lead = LeadFactory(extended_fields=stored)
    shown = staff_client.get(page(lead)).context["details_form"]

    response = staff_client.post(
        reverse("lead-update-details", args=[lead.pk]),
        {"ext__visit": shown["ext__visit"].value(), "ext__store": "Saket"},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.extended_fields == {"visit": "2026-01-31T10:30:00+05:30", "store": "Saket"}


def test_saving_details_keeps_the_stored_next_follow_up_to_the_second(staff_client):
    stored = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2, seconds=17)
    lead = LeadFactory(next_follow_up=stored)
    shown = staff_client.get(page(lead)).context["details_form"]["next_follow_up"].value()

    staff_client.post(
        reverse("lead-update-details", args=[lead.pk]),
        {"next_follow_up": shown.strftime("%Y-%m-%dT%H:%M")},
    )

    lead.refresh_from_db()
    assert lead.next_follow_up == stored


def test_a_follow_up_with_nothing_filled_in_is_not_saved(staff_client):
    lead = LeadFactory()

    # The date comes filled in (now); nothing else was written.
    response = staff_client.post(
        reverse("lead-add-followup", args=[lead.pk]),
        {"followed_up_on": "2026-03-02T10:30", "next_follow_up": "", "notes": "  "},
    )

    assert response.status_code == 400
    assert field_errors(response, "notes") == [
        "90029 · Write what was said or when to follow up next"
    ]
    assert not FollowUp.objects.filter(lead=lead).exists()


def test_a_follow_up_with_only_a_next_date_is_saved(staff_client):
    lead = LeadFactory()

    response = staff_client.post(
        reverse("lead-add-followup", args=[lead.pk]),
        {"followed_up_on": "2026-03-02T10:30", "next_follow_up": "2026-03-09T11:00"},
    )

    assert response.status_code == 302
    assert FollowUp.objects.filter(lead=lead).count() == 1


def test_a_future_follow_up_on_the_lead_page_is_refused(staff_client):
    lead = LeadFactory()
    future = timezone.localtime() + datetime.timedelta(days=3)

    response = staff_client.post(
        reverse("lead-add-followup", args=[lead.pk]),
        {"followed_up_on": future.strftime("%Y-%m-%dT%H:%M"), "notes": "Will call"},
    )

    assert response.status_code == 400
    assert "90030 · followedUpOn cannot be in the future" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_lead_page_warns_of_a_next_follow_up_in_the_past(staff_client):
    lead = LeadFactory()
    now = timezone.localtime()

    response = staff_client.post(
        reverse("lead-add-followup", args=[lead.pk]),
        {
            "followed_up_on": now.strftime("%Y-%m-%dT%H:%M"),
            "next_follow_up": (now - datetime.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M"),
            "notes": "Called",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "90102 · nextFollowUp" in response.content.decode()
