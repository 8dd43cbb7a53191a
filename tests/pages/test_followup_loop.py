"""My follow-ups as a loop: each row logs a contact, reschedules, snoozes and messages on
WhatsApp in place (JSON to the page's script, a redirect without it), with the API's codes;
the navigation counts what is overdue and due today on every page."""

import datetime
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.pages.followup_forms import WHATSAPP_NOTE, snoozed_until
from leads.models import FollowUp, Lead, Status
from tests.factories import CustomerFactory, LeadFactory, SkuFactory, UserFactory

from .conftest import text_of

JSON = {"HTTP_ACCEPT": "application/json"}


def at(days: int, hour: int = 12) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def overdue(staff):
    return LeadFactory(owner=staff, next_follow_up=at(-2, 16))


def url(name: str, lead) -> str:
    return reverse(name, args=[getattr(lead, "pk", lead)])


# --- log a contact ---------------------------------------------------------------------------


def test_logging_a_contact_records_it_and_answers_the_rows_new_state(staff_client, staff, overdue):
    planned = at(3, 11)

    response = staff_client.post(
        url("followup-contact", overdue),
        {
            "outcome": "Reached",
            "notes": "Showed the catalogue",
            "next_follow_up": local_input(planned),
        },
        **JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Contact logged."
    assert body["warnings"] == []
    assert body["lead"]["group"] == "upcoming"
    assert body["lead"]["nextFollowUp"] == planned.isoformat()
    assert body["counts"] == {"overdue": 0, "today": 0, "upcoming": 1}
    followup = FollowUp.objects.get(lead=overdue)
    assert followup.notes == "Reached: Showed the catalogue"
    assert followup.followed_up_by_id == staff.pk
    assert abs(followup.followed_up_on - timezone.now()) < datetime.timedelta(minutes=1)
    overdue.refresh_from_db()
    assert overdue.next_follow_up == planned
    assert overdue.last_follow_up == followup.followed_up_on


def test_an_outcome_alone_is_a_contact(staff_client, overdue):
    response = staff_client.post(url("followup-contact", overdue), {"outcome": "No answer"}, **JSON)

    assert response.status_code == 200
    assert FollowUp.objects.get(lead=overdue).notes == "No answer"
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(-2, 16)  # kept: none was given


def test_an_empty_contact_is_refused_with_90029_on_the_notes(staff_client, overdue):
    response = staff_client.post(url("followup-contact", overdue), {"notes": "  "}, **JSON)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": 90029,
                "message": "Write what was said or when to follow up next",
                "field": "notes",
            }
        ],
        "warnings": [],
    }
    assert not FollowUp.objects.exists()


def test_a_contact_dated_in_the_future_is_refused_with_90030(staff_client, overdue):
    response = staff_client.post(
        url("followup-contact", overdue),
        {
            "notes": "Will call",
            "followed_up_on": local_input(timezone.now() + datetime.timedelta(days=2)),
        },
        **JSON,
    )

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        (90030, "followed_up_on")
    ]
    assert not FollowUp.objects.exists()
    overdue.refresh_from_db()
    assert overdue.last_follow_up is None


def test_a_next_follow_up_in_the_past_is_kept_with_warning_90102(staff_client, overdue):
    past = at(-30, 10)

    response = staff_client.post(
        url("followup-contact", overdue),
        {"notes": "Late entry", "next_follow_up": local_input(past)},
        **JSON,
    )

    assert response.status_code == 200
    assert [w["code"] for w in response.json()["warnings"]] == [90102]
    overdue.refresh_from_db()
    assert overdue.next_follow_up == past


def test_an_unknown_outcome_is_90008(staff_client, overdue):
    response = staff_client.post(
        url("followup-contact", overdue), {"outcome": "Shouted", "notes": "x"}, **JSON
    )

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [(90008, "outcome")]
    assert not FollowUp.objects.exists()


def test_a_contact_for_a_missing_lead_is_92001_with_404(staff_client):
    response = staff_client.post(url("followup-contact", 999999), {"notes": "Hello"}, **JSON)

    assert response.status_code == 404
    assert response.json()["errors"] == [{"code": 92001, "message": "Lead not found", "field": ""}]
    assert not FollowUp.objects.exists()


# --- reschedule and snooze -------------------------------------------------------------------


def test_rescheduling_moves_the_next_follow_up(staff_client, overdue):
    later = at(0, 18)

    response = staff_client.post(
        url("followup-reschedule", overdue), {"next_follow_up": local_input(later)}, **JSON
    )

    assert response.status_code == 200
    assert response.json()["lead"]["group"] == "today"
    assert response.json()["counts"]["today"] == 1
    overdue.refresh_from_db()
    assert overdue.next_follow_up == later
    assert not FollowUp.objects.exists()  # a new plan is not a contact


def test_rescheduling_to_nothing_is_90008_and_keeps_the_plan(staff_client, overdue):
    response = staff_client.post(
        url("followup-reschedule", overdue), {"next_follow_up": ""}, **JSON
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": 90008,
            "message": "Invalid value for nextFollowUp: a date and time is needed",
            "field": "next_follow_up",
        }
    ]
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(-2, 16)


def test_snoozing_an_hour_plans_the_follow_up_an_hour_from_now(staff_client, overdue):
    before = timezone.now()

    response = staff_client.post(url("followup-snooze", overdue), {"by": "1h"}, **JSON)

    assert response.status_code == 200
    overdue.refresh_from_db()
    delta = overdue.next_follow_up - before
    assert datetime.timedelta(minutes=59) <= delta <= datetime.timedelta(minutes=61)


def test_snoozing_to_tomorrow_keeps_the_planned_time_of_day(staff_client, overdue):
    response = staff_client.post(url("followup-snooze", overdue), {"by": "tomorrow"}, **JSON)

    assert response.status_code == 200
    assert response.json()["lead"]["group"] == "upcoming"
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(1, 16)


def test_an_unknown_snooze_is_90008_and_changes_nothing(staff_client, overdue):
    response = staff_client.post(url("followup-snooze", overdue), {"by": "forever"}, **JSON)

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [(90008, "by")]
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(-2, 16)


def test_snooze_times_are_read_in_the_users_zone():
    now = datetime.datetime(2026, 12, 3, 22, 40, 31, tzinfo=datetime.UTC)
    planned = datetime.datetime(2026, 12, 1, 10, 30, tzinfo=datetime.UTC)  # 16:00 in India

    with timezone.override("Asia/Kolkata"):
        hour = snoozed_until("1h", planned, now=now)
        tomorrow = snoozed_until("tomorrow", planned, now=now)
        unplanned = snoozed_until("tomorrow", None, now=now)

    assert hour == datetime.datetime(2026, 12, 3, 23, 40, tzinfo=datetime.UTC)
    # 22:40 UTC is already 4 December in India: tomorrow is the 5th, at the planned 16:00.
    assert tomorrow == datetime.datetime(2026, 12, 5, 10, 30, tzinfo=datetime.UTC)
    assert unplanned == datetime.datetime(2026, 12, 5, 4, 30, tzinfo=datetime.UTC)


# --- WhatsApp --------------------------------------------------------------------------------


def test_a_whatsapp_message_is_logged_as_a_follow_up(staff_client, staff, overdue):
    response = staff_client.post(url("followup-whatsapp", overdue), **JSON)

    assert response.status_code == 200
    followup = FollowUp.objects.get(lead=overdue)
    assert (followup.notes, followup.followed_up_by_id) == (WHATSAPP_NOTE, staff.pk)
    overdue.refresh_from_db()
    assert overdue.last_follow_up == followup.followed_up_on
    assert overdue.next_follow_up == at(-2, 16)


def test_rows_call_and_whatsapp_the_customer_about_the_leads_item(staff_client, staff):
    staff.first_name = "Alice"
    staff.save()
    SkuFactory(code="SKU1001", name="Air Zoom")
    customer = CustomerFactory(first_name="Asha", mobile="+919811122233")
    lead = LeadFactory(
        owner=staff, customer=customer, type="SKU", lead_for="SKU1001", next_follow_up=at(0)
    )

    page = staff_client.get(reverse("my-followups")).content.decode()

    assert 'href="tel:+919811122233"' in page
    link = "https://wa.me/919811122233?text="
    assert link in page
    text = unquote(page.split(link, 1)[1].split('"', 1)[0])
    assert (
        text == "Hello Asha, this is Alice from the store, about the Air Zoom you asked us about."
    )
    assert url("followup-whatsapp", lead) in page
    # The lead page has the same links beside the customer.
    lead_page = staff_client.get(url("lead-detail", lead)).content.decode()
    assert link in lead_page and 'href="tel:+919811122233"' in lead_page


def test_a_customer_without_a_mobile_gets_no_call_or_whatsapp_link(staff_client, staff):
    LeadFactory(owner=staff, customer=CustomerFactory(mobile=None), next_follow_up=at(0))

    page = staff_client.get(reverse("my-followups")).content.decode()

    assert "wa.me" not in page and "tel:" not in page


# --- without JavaScript, and refusals --------------------------------------------------------


def test_without_javascript_a_row_action_goes_back_with_a_message(staff_client, overdue):
    response = staff_client.post(url("followup-snooze", overdue), {"by": "tomorrow"}, follow=True)

    assert response.redirect_chain == [(reverse("my-followups") + f"#lead-{overdue.pk}", 302)]
    assert "Follow-up snoozed." in text_of(response)
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(1, 16)


def test_without_javascript_an_error_is_shown_with_its_code(staff_client, overdue):
    response = staff_client.post(url("followup-contact", overdue), {"notes": ""}, follow=True)

    assert "90029 · Write what was said or when to follow up next" in text_of(response)
    assert not FollowUp.objects.exists()


def test_row_actions_take_posts_only(staff_client, overdue):
    assert staff_client.get(url("followup-snooze", overdue)).status_code == 405


def test_a_row_action_without_csrf_token_is_refused(staff, overdue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(url("followup-snooze", overdue), {"by": "1h"}, **JSON)

    assert response.status_code == 403
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(-2, 16)


def test_a_logged_out_visitor_is_sent_to_log_in(client, overdue):
    response = client.post(url("followup-snooze", overdue), {"by": "1h"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Lead.objects.get(pk=overdue.pk).next_follow_up == at(-2, 16)


# --- counts in the navigation ----------------------------------------------------------------


def test_every_page_counts_my_overdue_and_due_today_follow_ups(staff_client, staff):
    LeadFactory.create_batch(2, owner=staff, next_follow_up=at(-1))
    LeadFactory(owner=staff, next_follow_up=at(0, 9))
    LeadFactory(owner=staff, next_follow_up=at(2))
    LeadFactory(owner=staff, status=Status.WON, next_follow_up=at(-1))
    LeadFactory(owner=UserFactory(), next_follow_up=at(-1))

    for name in ("dashboard", "lead-list", "customer-list", "my-followups"):
        page = staff_client.get(reverse(name)).content.decode()
        assert 'data-nav-count="overdue" title="Overdue">2<' in page, name
        assert 'data-nav-count="today" title="Due today">1<' in page, name


def test_a_zero_count_is_hidden(staff_client, staff):
    LeadFactory(owner=staff, next_follow_up=at(0))

    page = staff_client.get(reverse("dashboard")).content.decode()

    assert 'data-nav-count="overdue" title="Overdue" hidden>0<' in page


# --- the lead page -----------------------------------------------------------------------------


def test_add_follow_up_is_the_lead_pages_first_tab(staff_client, overdue):
    page = staff_client.get(url("lead-detail", overdue)).content.decode()

    tabs = [part.split('"', 1)[0] for part in page.split('data-tab="')[1:]]
    # (an admin also hands leads over to another store)
    assert tabs == ["followup_form", "status_form", "owner_form", "store_form"]
    panels = [part.split('"', 1)[0] for part in page.split('data-panel="')[1:]]
    assert panels == ["followup_form", "status_form", "owner_form", "store_form"]
