"""Follow-ups, owner changes and lead_update: what each writes and what each refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.models import FollowUp, Lead, OwnerChange, Status
from tests.factories import ExtendedFieldFactory, LeadFactory, UserFactory
from tests.leads import edge
from tests.leads.codes import coded, codes

NOW = timezone.now()


def days(n: int) -> datetime.datetime:
    return NOW + datetime.timedelta(days=n)


class TestFollowUps:
    def test_follow_up_is_recorded_and_sets_last_and_next(self, staff):
        lead = LeadFactory()
        followup = edge.lead_add_followup(
            lead_id=lead.pk,
            followed_up_on=days(-1),
            next_follow_up=days(3),
            scheduled_follow_up=days(-2),
            notes="asked for a quote",
            created_by=staff,
        )
        lead.refresh_from_db()
        assert list(lead.followups.all()) == [followup]
        assert (followup.followed_up_by, followup.created_by) == (staff, staff)
        assert followup.notes == "asked for a quote"
        assert followup.scheduled_follow_up == days(-2)
        assert (lead.last_follow_up, lead.next_follow_up) == (days(-1), days(3))
        assert lead.last_updated_by == staff

    def test_follow_up_by_another_staff_user(self, staff):
        colleague = UserFactory(username="colleague")
        lead = LeadFactory()
        followup = edge.lead_add_followup(
            lead_id=lead.pk, followed_up_on=NOW, followed_up_by="colleague", created_by=staff
        )
        assert (followup.followed_up_by, followup.created_by) == (colleague, staff)

    def test_follow_up_by_a_non_staff_user_is_refused(self, staff):
        UserFactory(username="shopper", is_staff=False)
        lead = LeadFactory()
        with pytest.raises(ValidationError) as raised:
            edge.lead_add_followup(
                lead_id=lead.pk, followed_up_on=NOW, followed_up_by="shopper", created_by=staff
            )
        assert coded(raised.value) == [("followed_up_by", 92019, "Invalid lead owner shopper")]
        assert FollowUp.objects.count() == 0

    def test_older_follow_up_added_later_does_not_move_last_follow_up_back(self, staff):
        lead = LeadFactory()
        edge.lead_add_followup(lead_id=lead.pk, followed_up_on=days(-1), created_by=staff)
        edge.lead_add_followup(lead_id=lead.pk, followed_up_on=days(-5), created_by=staff)
        lead.refresh_from_db()
        assert lead.last_follow_up == days(-1)
        assert lead.followups.count() == 2
        edge.lead_add_followup(lead_id=lead.pk, followed_up_on=days(0), created_by=staff)
        lead.refresh_from_db()
        assert lead.last_follow_up == days(0)

    def test_follow_up_without_next_keeps_the_next_follow_up(self, staff):
        lead = LeadFactory(next_follow_up=days(7))
        edge.lead_add_followup(lead_id=lead.pk, followed_up_on=NOW, created_by=staff)
        lead.refresh_from_db()
        assert lead.next_follow_up == days(7)

    def test_follow_up_without_date_is_refused(self, staff):
        lead = LeadFactory(next_follow_up=days(7))
        with pytest.raises(ValidationError) as raised:
            edge.lead_add_followup(
                lead_id=lead.pk, followed_up_on=None, next_follow_up=days(1), created_by=staff
            )
        assert coded(raised.value) == [("followed_up_on", 92005, "followedUpOn cannot be null")]
        lead.refresh_from_db()
        assert FollowUp.objects.count() == 0
        assert (lead.last_follow_up, lead.next_follow_up) == (None, days(7))

    def test_follow_up_on_a_missing_lead_is_not_found(self, staff):
        with pytest.raises(ValidationError) as raised:
            edge.lead_add_followup(lead_id=10**9, followed_up_on=NOW, created_by=staff)
        assert codes(raised.value) == [92001]
        assert FollowUp.objects.count() == 0

    def test_closed_lead_still_takes_follow_ups(self, staff):
        lead = LeadFactory(status=Status.WON)
        edge.lead_add_followup(lead_id=lead.pk, followed_up_on=NOW, created_by=staff)
        lead.refresh_from_db()
        assert (lead.status, lead.last_follow_up) == (Status.WON, NOW)


class TestOwner:
    def test_reassigning_writes_one_owner_change(self, staff):
        first = UserFactory(username="first")
        second = UserFactory(username="second")
        lead = LeadFactory(owner=first)
        edge.lead_assign_owner(lead_id=lead.pk, owner="second", changed_by=staff)
        lead.refresh_from_db()
        assert (lead.owner, lead.last_updated_by) == (second, staff)
        [change] = OwnerChange.objects.filter(lead=lead)
        assert (change.from_owner, change.to_owner, change.changed_by) == (first, second, staff)
        assert change.changed_on == lead.last_updated_on

    def test_reassigning_to_the_same_owner_writes_nothing(self, staff):
        owner = UserFactory(username="same")
        lead = LeadFactory(owner=owner)
        before = Lead.objects.filter(pk=lead.pk).values().get()
        edge.lead_assign_owner(lead_id=lead.pk, owner="same", changed_by=staff)
        edge.lead_assign_owner(lead_id=lead.pk, owner=owner, changed_by=staff)
        assert OwnerChange.objects.count() == 0
        assert Lead.objects.filter(pk=lead.pk).values().get() == before

    def test_unassigning_is_a_change_too(self, staff):
        owner = UserFactory(username="leaving")
        lead = LeadFactory(owner=owner)
        edge.lead_assign_owner(lead_id=lead.pk, owner=None, changed_by=staff)
        lead.refresh_from_db()
        assert lead.owner is None
        change = OwnerChange.objects.get()
        assert (change.from_owner, change.to_owner) == (owner, None)

    @pytest.mark.parametrize(
        "username,attrs",
        [("ghost", None), ("gone", {"is_active": False}), ("shopper", {"is_staff": False})],
    )
    def test_invalid_owner_is_refused(self, username, attrs, staff):
        if attrs is not None:
            UserFactory(username=username, **attrs)
        lead = LeadFactory()
        owner = lead.owner
        with pytest.raises(ValidationError) as raised:
            edge.lead_assign_owner(lead_id=lead.pk, owner=username, changed_by=staff)
        assert coded(raised.value) == [("owner", 92019, f"Invalid lead owner {username}")]
        lead.refresh_from_db()
        assert lead.owner == owner
        assert OwnerChange.objects.count() == 0

    def test_bulk_assign_reports_per_lead(self, staff):
        target = UserFactory(username="target")
        leads = [LeadFactory(), LeadFactory(owner=target)]
        results = edge.lead_bulk_assign_owner(
            lead_ids=[leads[0].pk, leads[1].pk, 10**9], owner="target", changed_by=staff
        )
        assert [[e["code"] for e in r.errors] for r in results] == [[], [], [92001]]
        assert {lead.owner for lead in Lead.objects.all()} == {target}
        assert OwnerChange.objects.count() == 1


class TestLeadUpdate:
    @pytest.fixture(autouse=True)
    def definitions(self, db):
        ExtendedFieldFactory(name="colour", choices=["red", "blue"])
        ExtendedFieldFactory(name="seats", data_type="INTEGER")
        ExtendedFieldFactory(name="note")

    def test_extended_fields_are_merged_and_null_removes_a_key(self, staff):
        lead = LeadFactory(extended_fields={"colour": "red", "note": "keep"})
        edge.lead_update(
            lead_id=lead.pk, updated_by=staff, extended_fields={"seats": "4", "colour": None}
        )
        lead.refresh_from_db()
        assert lead.extended_fields == {"note": "keep", "seats": 4}
        assert lead.last_updated_by == staff

    def test_removing_an_unknown_key_is_harmless(self, staff):
        lead = LeadFactory(extended_fields={"note": "keep"})
        edge.lead_update(lead_id=lead.pk, updated_by=staff, extended_fields={"ghost": None})
        lead.refresh_from_db()
        assert lead.extended_fields == {"note": "keep"}

    def test_bad_extended_field_changes_nothing(self, staff):
        lead = LeadFactory(extended_fields={"note": "keep"}, next_follow_up=days(1))
        before = Lead.objects.filter(pk=lead.pk).values().get()
        with pytest.raises(ValidationError) as raised:
            edge.lead_update(
                lead_id=lead.pk,
                updated_by=staff,
                extended_fields={"colour": "green", "size": "XL"},
                next_follow_up=days(9),
                owner=staff.username,
            )
        assert coded(raised.value) == [
            (
                "extended_fields",
                90010,
                "Invalid value for extended field colour: expected one of red, blue",
            ),
            ("extended_fields", 90009, "Unknown extended field size"),
        ]
        assert Lead.objects.filter(pk=lead.pk).values().get() == before
        assert OwnerChange.objects.count() == 0

    def test_extended_fields_must_be_an_object(self, staff):
        lead = LeadFactory(extended_fields={"note": "keep"})
        with pytest.raises(ValidationError) as raised:
            edge.lead_update(lead_id=lead.pk, updated_by=staff, extended_fields="note=x")
        assert codes(raised.value) == [90008]
        lead.refresh_from_db()
        assert lead.extended_fields == {"note": "keep"}

    def test_next_follow_up_and_owner(self, staff):
        owner = UserFactory(username="new-owner")
        lead = LeadFactory(next_follow_up=days(1))
        previous = lead.owner
        edge.lead_update(
            lead_id=lead.pk, updated_by=staff, next_follow_up=days(4), owner="new-owner"
        )
        lead.refresh_from_db()
        assert (lead.next_follow_up, lead.owner) == (days(4), owner)
        change = OwnerChange.objects.get()
        assert (change.from_owner, change.to_owner, change.changed_by) == (previous, owner, staff)
        edge.lead_update(lead_id=lead.pk, updated_by=staff, next_follow_up=None)
        lead.refresh_from_db()
        assert lead.next_follow_up is None
        assert OwnerChange.objects.count() == 1

    def test_a_retired_extended_field_does_not_block_other_changes(self, staff):
        retired = ExtendedFieldFactory(name="campaign")
        lead = LeadFactory(extended_fields={"campaign": "diwali", "note": "keep"})
        retired.is_active = False
        retired.save()

        edge.lead_change_status(lead_id=lead.pk, status="ON_HOLD", changed_by=staff)
        edge.lead_update(lead_id=lead.pk, updated_by=staff, next_follow_up=days(2))
        edge.lead_assign_owner(lead_id=lead.pk, owner=staff.username, changed_by=staff)
        lead.refresh_from_db()
        assert (lead.status, lead.next_follow_up, lead.owner) == (
            Status.ON_HOLD,
            days(2),
            staff,
        )
        assert lead.extended_fields == {"campaign": "diwali", "note": "keep"}
        # Setting the retired field again is refused; removing it is allowed.
        with pytest.raises(ValidationError) as raised:
            edge.lead_update(
                lead_id=lead.pk, updated_by=staff, extended_fields={"campaign": "holi"}
            )
        assert codes(raised.value) == [90009]
        edge.lead_update(lead_id=lead.pk, updated_by=staff, extended_fields={"campaign": None})
        lead.refresh_from_db()
        assert lead.extended_fields == {"note": "keep"}

    def test_update_of_a_missing_lead_is_not_found(self, staff):
        with pytest.raises(ValidationError) as raised:
            edge.lead_update(lead_id="nope", updated_by=staff, next_follow_up=None)
        assert codes(raised.value) == [92001]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks: its IMMEDIATE transactions serialise writers instead "
    "(test_database_settings)",
)
@pytest.mark.parametrize(
    "change",
    [
        lambda lead, user: edge.lead_change_status(lead_id=lead.pk, status="WON", changed_by=user),
        lambda lead, user: edge.lead_add_followup(
            lead_id=lead.pk, followed_up_on=NOW, created_by=user
        ),
        lambda lead, user: edge.lead_assign_owner(
            lead_id=lead.pk, owner=user.username, changed_by=user
        ),
        lambda lead, user: edge.lead_update(lead_id=lead.pk, updated_by=user, next_follow_up=None),
    ],
    ids=["status", "followup", "owner", "update"],
)
def test_every_change_locks_the_lead_row_first(change, staff):
    """Two concurrent changes of one lead run one after the other, so the second sees the
    first's result (a lead closed a moment ago refuses the next status change)."""
    lead = LeadFactory()
    with CaptureQueriesContext(connection) as queries:
        change(lead, staff)
    lead_queries = [q["sql"] for q in queries if 'FROM "leads_lead"' in q["sql"]]
    assert lead_queries[0].startswith('SELECT "leads_lead"')
    assert lead_queries[0].rstrip().endswith("FOR UPDATE")
