"""One activity timeline on the lead page and the customer page: status changes, follow-ups and
notes, owner changes, newest first, with a composer on top."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import FollowUp, LeadStatus, OwnerChange, Status
from leads.selectors import TIMELINE_LIMIT, customer_timeline, lead_timeline
from tests.factories import (
    CustomerFactory,
    FollowUpFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import field_errors, text_of

NOW = timezone.now().replace(microsecond=0)


def ago(hours: float) -> datetime.datetime:
    return NOW - datetime.timedelta(hours=hours)


def old_lead(hours: float, **fields):
    """A lead created ``hours`` ago, with its first status row then."""
    lead = LeadFactory(created_on=ago(hours), with_status_log=False, **fields)
    LeadStatus.objects.create(
        lead=lead, status=lead.status, created_by=lead.owner, created_on=ago(hours)
    )
    return lead


def activity_text(response) -> str:
    """The text of the timeline's entries (not the forms above them)."""
    text = text_of(response)
    return text[text.index("newest first") :]


def kinds_and_times(entries) -> list[tuple[str, datetime.datetime]]:
    return [(entry.kind, entry.on) for entry in entries]


@pytest.fixture
def history(staff):
    """A lead with one of each kind, at known times: created 5 h ago, a follow-up 4 h ago, a
    reassignment 3 h ago, ON_HOLD 2 h ago, a note 1 h ago."""
    bob = UserFactory(username="bob")
    lead = old_lead(5, owner=staff)
    FollowUpFactory(lead=lead, followed_up_on=ago(4), notes="Called, no answer.")
    OwnerChange.objects.create(
        lead=lead, from_owner=staff, to_owner=bob, changed_by=staff, changed_on=ago(3)
    )
    LeadStatus.objects.create(
        lead=lead,
        status=Status.ON_HOLD,
        sub_status=SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide"),
        reason=ReasonFactory(reason="Waiting for payday"),
        notes="Back after the 1st",
        created_by=bob,
        created_on=ago(2),
    )
    FollowUpFactory(lead=lead, followed_up_on=ago(1), notes="Sent the price list.")
    return lead


def test_lead_timeline_merges_every_kind_newest_first(history):
    assert kinds_and_times(lead_timeline(lead=history)) == [
        ("followup", ago(1)),
        ("status", ago(2)),
        ("owner", ago(3)),
        ("followup", ago(4)),
        ("status", ago(5)),
    ]


def test_lead_page_shows_the_timeline_newest_first(staff_client, history):
    response = staff_client.get(reverse("lead-detail", args=[history.pk]))

    assert response.status_code == 200
    text = activity_text(response)
    order = [
        "Sent the price list.",
        "Waiting for payday",
        "associate → to bob",
        "Called, no answer.",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "Back after the 1st" in text and "YetToDecide" in text


def test_lead_timeline_costs_one_query_per_kind(history, django_assert_num_queries):
    # status changes, follow-ups, owner changes, store changes
    with django_assert_num_queries(4):
        entries = lead_timeline(lead=history)
        for entry in entries:
            # what the partial shows of each entry, already joined
            (entry.by, entry.lead, getattr(entry.row, "sub_status", None))
            (getattr(entry.row, "reason", None), getattr(entry.row, "to_owner", None))


def test_customer_timeline_covers_all_their_leads_and_names_each(staff_client, staff):
    customer = CustomerFactory()
    sku = SkuFactory(code="SKU-7", name="Trail Runner")
    shoes = old_lead(3, customer=customer, type="SKU", lead_for=sku.code)
    gift = old_lead(2, customer=customer, lead_for="Gift card")
    FollowUpFactory(lead=shoes, followed_up_on=ago(1), notes="Wants size 9.")
    other = LeadFactory(lead_for="Someone else's")
    FollowUpFactory(lead=other, notes="Not this customer's.")

    entries = customer_timeline(customer=customer, user=None)
    response = staff_client.get(reverse("customer-detail", args=[customer.pk]))

    assert [(entry.kind, entry.lead.pk) for entry in entries] == [
        ("followup", shoes.pk),
        ("status", gift.pk),
        ("status", shoes.pk),
    ]
    assert entries[0].lead.item_name == "Trail Runner"
    text = text_of(response)
    assert "Wants size 9." in text
    assert f"#{shoes.pk} Trail Runner" in text and f"#{gift.pk} Gift card" in text
    assert "Not this customer's." not in text


def test_older_entries_are_one_link_away(staff_client):
    lead = LeadFactory()
    for n in range(TIMELINE_LIMIT + 5):
        FollowUpFactory(lead=lead, followed_up_on=ago(n + 1))
    url = reverse("lead-detail", args=[lead.pk])

    first = staff_client.get(url)
    older = staff_client.get(url, {"entries": TIMELINE_LIMIT * 2})

    assert len(first.context["timeline"]) == TIMELINE_LIMIT
    assert f'href="?entries={TIMELINE_LIMIT * 2}#activity"' in first.content.decode()
    # every follow-up and the creation
    assert len(older.context["timeline"]) == TIMELINE_LIMIT + 6
    assert older.context["timeline_more_url"] == ""


def test_the_lead_page_puts_the_customer_card_and_call_button_first(staff_client):
    lead = LeadFactory(customer=CustomerFactory(mobile="+919812300001"))

    html = staff_client.get(reverse("lead-detail", args=[lead.pk])).content.decode()

    assert 'href="tel:+919812300001" data-call' in html
    assert html.index('class="card lead-customer"') < html.index('class="detail-main"')


# --- the composer ---------------------------------------------------------------------------


def test_the_lead_composer_adds_a_note_through_the_follow_up_service(staff_client, staff):
    lead = old_lead(1)

    response = staff_client.post(
        reverse("lead-add-note", args=[lead.pk]),
        {"followed_up_on": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "notes": "Liked it"},
    )

    assert response.status_code == 302
    followup = FollowUp.objects.get(lead=lead)
    assert (followup.notes, followup.followed_up_by_id) == ("Liked it", staff.pk)
    page = staff_client.get(reverse("lead-detail", args=[lead.pk]))
    assert page.context["timeline"][0].row == followup
    assert "Note added." in text_of(page)


def test_an_empty_note_is_90029_in_the_composer_and_nothing_is_saved(staff_client):
    lead = LeadFactory()

    response = staff_client.post(
        reverse("lead-add-note", args=[lead.pk]),
        {"followed_up_on": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "notes": " "},
    )

    assert response.status_code == 400
    assert any("90029" in error for error in field_errors(response, "notes"))
    # shown in the composer (its own ids), not in the follow-up tab
    assert response.context["composer_form"].errors
    assert not response.context["followup_form"].is_bound
    assert 'id="timeline-notes"' in response.content.decode()
    assert not FollowUp.objects.filter(lead=lead).exists()


def test_a_note_dated_in_the_future_is_90030(staff_client):
    lead = LeadFactory()
    later = timezone.localtime() + datetime.timedelta(days=2)

    response = staff_client.post(
        reverse("lead-add-note", args=[lead.pk]),
        {"followed_up_on": later.strftime("%Y-%m-%dT%H:%M"), "notes": "Too early"},
    )

    assert response.status_code == 400
    assert "90030" in text_of(response)
    assert not FollowUp.objects.filter(lead=lead).exists()


def test_the_customer_composer_adds_a_follow_up_to_the_chosen_lead(staff_client, staff):
    customer = CustomerFactory()
    closed = old_lead(1, customer=customer, status=Status.WON)
    active = old_lead(10, customer=customer)
    url = reverse("customer-detail", args=[customer.pk])
    # The active lead is offered first, though the closed one is newer.
    assert staff_client.get(url).context["composer_form"].initial["lead"] == str(active.pk)

    response = staff_client.post(
        reverse("customer-add-followup", args=[customer.pk]),
        {
            "lead": str(closed.pk),
            "followed_up_on": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "notes": "Delivered, happy with it",
        },
    )

    assert response.status_code == 302 and response["Location"] == url
    followup = FollowUp.objects.get()
    assert (followup.lead_id, followup.followed_up_by_id) == (closed.pk, staff.pk)
    assert staff_client.get(url).context["timeline"][0].row == followup


def test_the_customer_composer_refuses_another_customers_lead_with_92001(staff_client):
    customer = CustomerFactory()
    LeadFactory(customer=customer)
    stranger = LeadFactory()

    response = staff_client.post(
        reverse("customer-add-followup", args=[customer.pk]),
        {
            "lead": str(stranger.pk),
            "followed_up_on": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "notes": "Wrong lead",
        },
    )

    assert response.status_code == 400
    assert any("92001" in error for error in field_errors(response, "lead"))
    assert not FollowUp.objects.exists()


def test_the_customer_composer_refuses_an_empty_follow_up_with_90029(staff_client):
    customer = CustomerFactory()
    lead = LeadFactory(customer=customer)

    response = staff_client.post(
        reverse("customer-add-followup", args=[customer.pk]),
        {"lead": str(lead.pk), "followed_up_on": "", "notes": ""},
    )

    assert response.status_code == 400
    assert any("90029" in error for error in field_errors(response, "notes"))
    assert not FollowUp.objects.exists()


# --- query counts -----------------------------------------------------------------------------


def add_history(lead, rows, staff):
    others = UserFactory.create_batch(2)
    for n in range(rows):
        FollowUpFactory(lead=lead, followed_up_on=ago(n + 1))
        OwnerChange.objects.create(
            lead=lead, from_owner=others[n % 2], to_owner=others[(n + 1) % 2], changed_by=staff
        )


@pytest.mark.parametrize("rows", [2, 40])
def test_customer_timeline_query_count_is_the_same_for_few_and_many_entries(
    staff, rows, django_assert_num_queries
):
    customer = CustomerFactory()
    sku = SkuFactory()
    leads = LeadFactory.create_batch(3, customer=customer, type="SKU", lead_for=sku.code)
    for lead in leads:
        add_history(lead, rows, staff)

    # status changes, follow-ups, owner changes, store changes, the catalog names of their leads
    with django_assert_num_queries(5):
        entries = customer_timeline(customer=customer, user=None)
        for entry in entries:
            (entry.by, entry.lead.item_name, getattr(entry.row, "to_owner", None))

    assert len(entries) == min(3 * (2 * rows + 1), TIMELINE_LIMIT)
