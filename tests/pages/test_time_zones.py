"""Each staff user sees times in their own zone (default: the org's), and the pages say which."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import FollowUpFactory, LeadFactory
from tests.pages.conftest import field_errors

# 04:30 UTC is 10:00 in India.
CONTACT = datetime.datetime(2026, 11, 27, 4, 30, tzinfo=datetime.UTC)


@pytest.fixture
def lead(staff):
    lead = LeadFactory(owner=staff)
    FollowUpFactory(lead=lead, followed_up_on=CONTACT, notes="Called")
    return lead


def test_times_are_shown_in_the_users_zone_and_the_page_says_which(staff_client, staff, lead):
    staff.time_zone = "Asia/Kolkata"
    staff.save()

    page = staff_client.get(reverse("lead-detail", args=[lead.pk])).content.decode()

    assert "10:00" in page and "04:30" not in page
    assert "Times in Asia/Kolkata" in page


def test_without_a_zone_of_their_own_a_user_sees_the_orgs(staff_client, lead, settings):
    settings.TIME_ZONE = "UTC"

    page = staff_client.get(reverse("lead-detail", args=[lead.pk])).content.decode()

    assert "04:30" in page and "Times in UTC" in page


def test_a_time_typed_on_a_page_is_read_in_the_users_zone(staff_client, staff, lead):
    staff.time_zone = "Asia/Kolkata"
    staff.save()

    staff_client.post(
        reverse("lead-add-followup", args=[lead.pk]),
        {"followed_up_on": "2026-11-28T10:00", "notes": "Visited"},
    )

    lead.refresh_from_db()
    assert lead.last_follow_up == datetime.datetime(2026, 11, 28, 4, 30, tzinfo=datetime.UTC)


def test_the_api_answers_in_utc_whatever_the_users_zone(staff, client_for, lead):
    staff.time_zone = "Asia/Kolkata"
    staff.save()

    body = client_for(staff).get(f"/v2/leads/{lead.pk}").json()

    assert body["followUpDetails"][0]["followedUpOn"] == "2026-11-27T04:30:00+00:00"


def test_a_user_chooses_their_zone_in_their_settings(staff_client, staff):
    response = staff_client.post(reverse("my-settings"), {"time_zone": "America/New_York"})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.time_zone == "America/New_York"
    assert "Times in America/New_York" in staff_client.get(reverse("dashboard")).content.decode()


def test_an_unknown_zone_is_refused_with_its_code(staff_client, staff):
    response = staff_client.post(reverse("my-settings"), {"time_zone": "Mars/Olympus"})

    assert response.status_code == 400
    assert field_errors(response, "time_zone") == [
        "90008 · Invalid value for timeZone: no time zone Mars/Olympus"
    ]
    staff.refresh_from_db()
    assert staff.time_zone == ""
