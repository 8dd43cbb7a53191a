"""What a client written for Capillary's v2 Leads API relies on: staff as numeric ids, a sent
createdBy honoured for whom the caller may act for (and the caller kept for audit), follow-ups
with their customer and creator, the whole lead after a follow-up, the sent history kept as
sent, the search's own sample, date-times without fractions, and the envelope for any URL."""

import re

import pytest
from django.contrib.auth.models import Permission

from leads.models import FollowUp, Lead, LeadStatus, Status
from tests.api.conftest import assert_error_envelope
from tests.factories import LeadFactory, SubStatusFactory, UserFactory

CAPILLARY_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture
def acting_manager(manager):
    manager.user_permissions.add(Permission.objects.get(codename="act_for_staff"))
    return manager


@pytest.fixture
def associate_b(db):
    return UserFactory(username="associate-b")


def _new_lead(customer, **extra):
    return {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa", **extra}


# --- staff as numeric ids --------------------------------------------------------------------


def test_lead_answers_staff_as_numeric_ids_and_the_owner_by_username(api, staff, customer):
    body = api.post("/v2/leads", _new_lead(customer, owner=staff.username), format="json").json()

    assert body["createdBy"] == staff.pk and body["lastUpdatedBy"] == staff.pk
    assert body["owner"] == staff.username
    [row] = body["statusLogDetails"]
    assert row["createdBy"] == staff.pk


def test_manager_records_a_lead_for_an_associate_by_staff_id(
    client_for, acting_manager, staff, customer
):
    response = client_for(acting_manager).post(
        "/v2/leads", _new_lead(customer, createdBy=staff.pk), format="json"
    )

    assert response.status_code == 200, response.json()
    lead = Lead.objects.get()
    assert (lead.created_by, lead.recorded_by) == (staff, acting_manager)
    assert response.json()["createdBy"] == staff.pk
    assert LeadStatus.objects.get(lead=lead).recorded_by == acting_manager


def test_associate_may_not_act_for_another_associate(client_for, staff, associate_b, customer):
    response = client_for(staff).post(
        "/v2/leads", _new_lead(customer, createdBy=associate_b.pk), format="json"
    )

    assert_error_envelope(response, 403, 90026)
    assert not Lead.objects.exists()


def test_associate_naming_themselves_as_creator_is_recorded_as_usual(api, staff, customer):
    response = api.post("/v2/leads", _new_lead(customer, createdBy=staff.username), format="json")

    assert response.status_code == 200
    lead = Lead.objects.get()
    assert (lead.created_by, lead.recorded_by) == (staff, None)


def test_created_by_naming_no_active_staff_is_90027_with_the_other_problems(
    client_for, acting_manager, customer
):
    inactive = UserFactory(username="gone", is_active=False)
    response = client_for(acting_manager).post(
        "/v2/leads",
        {"userId": customer.pk, "type": "BOGUS", "leadFor": "Sofa", "createdBy": inactive.pk},
        format="json",
    )

    assert_error_envelope(response, 400, 90027, 92009)
    assert not Lead.objects.exists()


def test_status_change_and_follow_up_honour_created_by(client_for, acting_manager, staff):
    lead = LeadFactory(status=Status.OPEN)
    manager_api = client_for(acting_manager)

    changed = manager_api.put(
        f"/v2/leads/{lead.pk}/status", {"status": "ON_HOLD", "createdBy": staff.pk}, format="json"
    )
    followed = manager_api.post(
        f"/v2/leads/{lead.pk}/followup",
        {"followedUpOn": "2026-11-27T10:00:00+05:30", "createdBy": staff.pk},
        format="json",
    )

    assert changed.status_code == 200 and followed.status_code == 200
    row = LeadStatus.objects.filter(lead=lead).latest("id")
    assert (row.status, row.created_by, row.recorded_by) == ("ON_HOLD", staff, acting_manager)
    followup = FollowUp.objects.get(lead=lead)
    assert (followup.created_by, followup.recorded_by) == (staff, acting_manager)
    lead.refresh_from_db()
    assert lead.last_updated_by == staff


def test_status_change_for_someone_the_caller_may_not_act_for_changes_nothing(
    client_for, staff, associate_b
):
    lead = LeadFactory(status=Status.OPEN)

    response = client_for(staff).put(
        f"/v2/leads/{lead.pk}/status", {"status": "WON", "createdBy": associate_b.pk}, format="json"
    )

    assert_error_envelope(response, 403, 90026)
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_followed_up_by_takes_a_staff_id(api, staff, associate_b):
    lead = LeadFactory()

    response = api.post(
        f"/v2/leads/{lead.pk}/followup",
        {"followedUpOn": "2026-11-27T10:00:00+05:30", "followedUpBy": associate_b.pk},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert FollowUp.objects.get(lead=lead).followed_up_by == associate_b
    assert response.json()["followUpDetails"][0]["followedUpBy"] == associate_b.pk


# --- follow-ups ------------------------------------------------------------------------------


def test_follow_ups_carry_the_customer_and_the_creator_in_every_answer(api, staff, customer):
    created = api.post(
        "/v2/leads",
        _new_lead(customer, followUpDetails=[{"followedUpOn": "2026-11-27T10:00:00+05:30"}]),
        format="json",
    ).json()
    lead_id = created["id"]

    answers = [
        created["followUpDetails"],
        api.get(f"/v2/leads/{lead_id}").json()["followUpDetails"],
        api.get("/v2/leads").json()["data"][0]["followUpDetails"],
        api.get(f"/v2/leads/{lead_id}/followups").json()["data"],
    ]

    for followups in answers:
        [followup] = followups
        assert followup["userId"] == customer.pk and followup["createdBy"] == staff.pk


def test_adding_a_follow_up_answers_the_whole_lead(api):
    lead = LeadFactory()

    response = api.post(
        f"/v2/leads/{lead.pk}/followup",
        {"followedUpOn": "2026-11-27T10:00:00+05:30", "notes": "Called"},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == lead.pk and body["lastFollowUp"] == "2026-11-27T04:30:00+00:00"
    assert [f["notes"] for f in body["followUpDetails"]] == ["Called"]
    assert isinstance(body["statusLogDetails"], list) and body["warnings"] == []


# --- add lead keeps the sent history ---------------------------------------------------------


def test_history_ending_in_the_leads_status_gets_no_extra_row(api, customer):
    SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    response = api.post(
        "/v2/leads",
        _new_lead(
            customer,
            status="ON_HOLD",
            subStatus="YetToDecide",
            statusLogDetails=[
                {"status": "OPEN", "createdOn": "2026-11-20T10:00:00+05:30"},
                {
                    "status": "ON_HOLD",
                    "subStatus": "YetToDecide",
                    "createdOn": "2026-11-21T10:00:00+05:30",
                },
            ],
        ),
        format="json",
    )

    assert response.status_code == 200, response.json()
    rows = response.json()["statusLogDetails"]
    assert [(r["status"], r["subStatus"]) for r in rows] == [
        ("OPEN", None),
        ("ON_HOLD", "YetToDecide"),
    ]


def test_history_ending_elsewhere_gets_a_row_for_the_current_status(api, customer):
    response = api.post(
        "/v2/leads",
        _new_lead(customer, status="WON", statusLogDetails=[{"status": "OPEN"}]),
        format="json",
    )

    assert [r["status"] for r in response.json()["statusLogDetails"]] == ["OPEN", "WON"]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        # Later than the follow-up: kept.
        ("2026-11-28T10:00:00+00:00", "2026-11-28T10:00:00+00:00"),
        # Earlier than the follow-up: the follow-up's date wins.
        ("2026-11-01T10:00:00+00:00", "2026-11-27T10:00:00+00:00"),
    ],
)
def test_a_sent_last_follow_up_wins_only_when_later(api, customer, sent, expected):
    response = api.post(
        "/v2/leads",
        _new_lead(
            customer,
            lastFollowUp=sent,
            followUpDetails=[{"followedUpOn": "2026-11-27T10:00:00+00:00"}],
        ),
        format="json",
    )

    assert response.json()["lastFollowUp"] == expected


def test_a_sent_last_follow_up_is_kept_without_follow_ups(api, customer):
    response = api.post(
        "/v2/leads", _new_lead(customer, lastFollowUp="2026-11-20T08:00:00+05:30"), format="json"
    )

    assert response.json()["lastFollowUp"] == "2026-11-20T02:30:00+00:00"


# --- search ----------------------------------------------------------------------------------


def test_search_takes_the_docs_own_sample_parameters(api, staff):
    older = LeadFactory(type="SKU", owner=staff)
    newer = LeadFactory(type="CUSTOM", owner=staff)
    LeadFactory(type="CUSTOM")  # someone else's
    newer.created_on = older.created_on.replace(year=older.created_on.year + 1)
    newer.save()

    response = api.get(
        "/v2/leads",
        {"type": "ALL", "sortBy": "createdon", "sortOrder": "ASC", "owner": str(staff.pk)},
    )

    assert response.status_code == 200, response.json()
    assert [lead["id"] for lead in response.json()["data"]] == [older.pk, newer.pk]


# --- date-times ------------------------------------------------------------------------------


def test_date_times_are_answered_without_fractions_of_a_second(api, customer):
    body = api.post(
        "/v2/leads",
        _new_lead(customer, nextFollowUp="2026-12-01T10:00:00.123456+05:30"),
        format="json",
    ).json()

    for key in ("createdOn", "lastUpdatedOn", "nextFollowUp"):
        assert CAPILLARY_DATE_TIME.match(body[key]), (key, body[key])
    assert CAPILLARY_DATE_TIME.match(body["statusLogDetails"][0]["createdOn"])
    # The stored value keeps its precision.
    assert Lead.objects.get().next_follow_up.microsecond == 123456


# --- any URL, any method ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["/v2/leads/1/nothing", "/v2/leads/", "/v2/lead", "/v2/leads/1/status/", "/v2/x//y"]
)
def test_unknown_api_urls_answer_the_envelope_for_every_method(client, staff, method, path):
    """Also with a browser session and no CSRF token: nothing is written there, and a client
    must be able to parse the answer."""
    client.force_login(staff)
    client.handler.enforce_csrf_checks = True

    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, "{}", content_type="application/json")

    assert_error_envelope(response, 404, 90003)
