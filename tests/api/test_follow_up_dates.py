"""A follow-up records a contact that happened: one dated in the future is refused (90030) on
every surface; a next follow-up already past is kept with a warning (90102)."""

import datetime

from django.utils import timezone

from leads.models import FollowUp, Lead
from tests.api.conftest import assert_error_envelope
from tests.factories import LeadFactory


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def test_a_follow_up_dated_next_year_is_refused_and_the_lead_unchanged(api):
    lead = LeadFactory()
    future = timezone.now() + datetime.timedelta(days=200)

    response = api.post(
        f"/v2/leads/{lead.pk}/followup", {"followedUpOn": _iso(future)}, format="json"
    )

    assert_error_envelope(response, 400, 90030)
    assert response.json()["errors"][0]["message"] == "followedUpOn cannot be in the future"
    lead.refresh_from_db()
    assert lead.last_follow_up is None and not FollowUp.objects.exists()


def test_a_follow_up_a_minute_ahead_is_a_clock_difference_and_accepted(api):
    lead = LeadFactory()
    ahead = timezone.now() + datetime.timedelta(minutes=1)

    response = api.post(
        f"/v2/leads/{lead.pk}/followup", {"followedUpOn": _iso(ahead)}, format="json"
    )

    assert response.status_code == 200, response.json()


def test_a_future_follow_up_in_a_new_lead_is_refused(api, customer):
    future = timezone.now() + datetime.timedelta(days=30)

    response = api.post(
        "/v2/leads",
        {
            "userId": customer.pk,
            "type": "CUSTOM",
            "leadFor": "Sofa",
            "followUpDetails": [{"followedUpOn": _iso(future)}],
        },
        format="json",
    )

    assert_error_envelope(response, 400, 90030)
    assert not Lead.objects.exists()


def test_a_next_follow_up_in_the_past_is_kept_with_a_warning(api, customer):
    past = timezone.now() - datetime.timedelta(days=700)

    created = api.post(
        "/v2/leads",
        {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa", "nextFollowUp": _iso(past)},
        format="json",
    )
    followed = api.post(
        f"/v2/leads/{created.json()['id']}/followup",
        {"followedUpOn": _iso(timezone.now()), "nextFollowUp": _iso(past)},
        format="json",
    )

    for response in (created, followed):
        assert response.status_code == 200
        assert [w["code"] for w in response.json()["warnings"]] == [90102]
    assert Lead.objects.get().next_follow_up is not None


def test_a_next_follow_up_ahead_gives_no_warning(api, customer):
    ahead = timezone.now() + datetime.timedelta(days=2)

    response = api.post(
        "/v2/leads",
        {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa", "nextFollowUp": _iso(ahead)},
        format="json",
    )

    assert response.json()["warnings"] == []
