"""lead_create: the item (catalog), owner, org source, extended fields, history replay."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from leads.models import FollowUp, Lead, LeadStatus, OrgSource, Status
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    CustomerFactory,
    ExtendedFieldFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)
from tests.leads import edge
from tests.leads.codes import coded, codes


@pytest.fixture
def customer(db):
    return CustomerFactory()


def create(staff, customer, **kwargs):
    values = {"created_by": staff, "customer": customer, "type": "CUSTOM", "lead_for": "Sofa"}
    values.update(kwargs)
    return edge.lead_create(**values)


def assert_nothing_written():
    assert Lead.objects.count() == 0
    assert LeadStatus.objects.count() == 0
    assert FollowUp.objects.count() == 0


def test_defaults(staff, customer):
    sku = SkuFactory()
    result = edge.lead_create(created_by=staff, customer=customer, lead_for=sku.code)
    lead = Lead.objects.get()
    assert result.lead == lead
    assert result.warnings == []
    assert (lead.type, lead.status, lead.sub_status) == ("SKU", Status.OPEN, None)
    assert lead.org_source_id == OrgSource.INSTORE_ID == -1
    assert lead.org_source.name == "INSTORE"
    assert (lead.created_by, lead.last_updated_by, lead.owner) == (staff, staff, None)
    assert lead.extended_fields == {}
    [log] = lead.status_logs.all()
    assert (log.status, log.created_by, log.created_on) == (Status.OPEN, staff, lead.created_on)


def test_created_with_every_field(staff, customer):
    owner = UserFactory(username="priya")
    reason = ReasonFactory()
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    next_follow_up = timezone.now() + datetime.timedelta(days=2)
    created_on = timezone.now() - datetime.timedelta(days=1)
    lead = create(
        staff,
        customer,
        type="CUSTOM",
        lead_for="  Corner sofa  ",
        status="ON_HOLD",
        sub_status="YetToDecide",
        reason_id=reason.pk,
        notes="wants to see the fabric",
        owner="priya",
        org_source_id=3,
        next_follow_up=next_follow_up,
        created_on=created_on,
    ).lead
    lead.refresh_from_db()
    assert lead.lead_for == "Corner sofa"
    assert (lead.status, lead.sub_status, lead.owner) == (Status.ON_HOLD, sub, owner)
    assert lead.org_source.name == "WECHAT"
    assert (lead.next_follow_up, lead.created_on) == (next_follow_up, created_on)
    [log] = lead.status_logs.all()
    assert (log.status, log.sub_status, log.reason, log.notes) == (
        Status.ON_HOLD,
        sub,
        reason,
        "wants to see the fabric",
    )


@pytest.mark.parametrize("status", [Status.WON, Status.LOST, Status.DELETED])
def test_a_lead_may_be_created_closed(status, staff, customer):
    lead = create(staff, customer, status=status).lead
    assert lead.status == status
    assert lead.status_logs.get().status == status


@pytest.mark.parametrize("lead_for", [None, "", "   "])
def test_missing_lead_for_is_refused(lead_for, staff, customer):
    with pytest.raises(ValidationError) as raised:
        create(staff, customer, lead_for=lead_for)
    assert coded(raised.value) == [("lead_for", 92006, "leadFor cannot be null")]
    assert_nothing_written()


@pytest.mark.parametrize("type_", ["service", "sku", None, ""])
def test_type_outside_the_four_is_refused(type_, staff, customer):
    with pytest.raises(ValidationError) as raised:
        create(staff, customer, type=type_)
    assert coded(raised.value) == [("type", 92009, "Invalid Lead Type")]
    assert_nothing_written()


@pytest.mark.parametrize("status", ["", "   "])
def test_blank_status_on_create_is_refused(status, staff, customer):
    with pytest.raises(ValidationError) as raised:
        create(staff, customer, status=status)
    assert coded(raised.value) == [("status", 92022, "Lead status cannot be empty")]
    assert_nothing_written()


def test_unknown_status_on_create_is_refused(staff, customer):
    with pytest.raises(ValidationError) as raised:
        create(staff, customer, status="PENDING")
    assert coded(raised.value) == [("status", 92003, "Invalid Lead Status PENDING")]
    assert_nothing_written()


def test_sub_status_of_another_status_is_refused_on_create(staff, customer):
    SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    with pytest.raises(ValidationError) as raised:
        create(staff, customer, status="OPEN", sub_status="YetToDecide")
    assert coded(raised.value) == [("sub_status", 92020, "Invalid lead sub status YetToDecide")]
    assert_nothing_written()


class TestCatalog:
    @pytest.mark.parametrize(
        "type_,factory",
        [("SKU", SkuFactory), ("BRAND", BrandFactory), ("CATEGORY", CategoryFactory)],
    )
    def test_active_catalog_item_is_accepted(self, type_, factory, staff, customer):
        item = factory(code="ITEM-1")
        lead = create(staff, customer, type=type_, lead_for="ITEM-1").lead
        assert (lead.type, lead.lead_for) == (type_, item.code)

    @pytest.mark.parametrize(
        "type_,factory,code,message",
        [
            ("SKU", SkuFactory, 92016, "Invalid SKU ITEM-1"),
            ("BRAND", BrandFactory, 92017, "Invalid Brand ITEM-1"),
            ("CATEGORY", CategoryFactory, 92018, "Invalid Category ITEM-1"),
        ],
    )
    def test_unknown_or_inactive_item_is_refused(
        self, type_, factory, code, message, staff, customer
    ):
        for _ in range(2):
            with pytest.raises(ValidationError) as raised:
                create(staff, customer, type=type_, lead_for="ITEM-1")
            assert coded(raised.value) == [("lead_for", code, message)]
            assert_nothing_written()
            # The second round: the item exists but is inactive.
            factory(code="ITEM-1", is_active=False)

    def test_item_of_another_kind_is_refused(self, staff, customer):
        BrandFactory(code="ACME")
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, type="SKU", lead_for="ACME")
        assert codes(raised.value) == [92016]
        assert_nothing_written()

    def test_custom_takes_free_text(self, staff, customer):
        lead = create(staff, customer, type="CUSTOM", lead_for="A sofa like my neighbour's").lead
        assert lead.lead_for == "A sofa like my neighbour's"

    def test_numeric_lead_for_is_read_as_text(self, staff, customer):
        SkuFactory(code="100200")
        assert create(staff, customer, type="SKU", lead_for=100200).lead.lead_for == "100200"

    def test_lead_for_of_another_kind_is_refused(self, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, lead_for={"sku": "X"})
        assert codes(raised.value) == [90008, 92006]
        assert_nothing_written()

    def test_retired_item_does_not_block_later_changes(self, staff, customer):
        sku = SkuFactory(code="OLD-1")
        lead = create(staff, customer, type="SKU", lead_for="OLD-1").lead
        sku.is_active = False
        sku.save()
        edge.lead_change_status(lead_id=lead.pk, status="WON", changed_by=staff)
        lead.refresh_from_db()
        assert lead.status == Status.WON


class TestOwner:
    def test_owner_by_username(self, staff, customer):
        owner = UserFactory(username="ravi")
        assert create(staff, customer, owner=" ravi ").lead.owner == owner

    @pytest.mark.parametrize(
        "username,attrs",
        [("ghost", None), ("gone", {"is_active": False}), ("shopper", {"is_staff": False})],
    )
    def test_unknown_inactive_or_non_staff_owner_is_refused(self, username, attrs, staff, customer):
        if attrs is not None:
            UserFactory(username=username, **attrs)
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, owner=username)
        assert coded(raised.value) == [("owner", 92019, f"Invalid lead owner {username}")]
        assert_nothing_written()


class TestOrgSource:
    def test_absent_is_instore(self, staff, customer):
        assert create(staff, customer).lead.org_source_id == -1

    @pytest.mark.parametrize(
        "source_id,name", [(1, "FACEBOOK"), ("10", "WEBSITE"), (-1, "INSTORE")]
    )
    def test_known_source_is_kept(self, source_id, name, staff, customer):
        lead = create(staff, customer, org_source_id=source_id).lead
        lead.refresh_from_db()
        assert lead.org_source.name == name

    def test_null_is_refused(self, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, org_source_id=None)
        assert coded(raised.value) == [("org_source", 92013, "Org Source cannot be null")]
        assert_nothing_written()

    @pytest.mark.parametrize("source_id", [0, 11, 999, -2, "abc", "1.5", 2**70, True])
    def test_unknown_source_is_refused(self, source_id, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, org_source_id=source_id)
        assert coded(raised.value) == [("org_source", 92014, "Invalid org source")]
        assert_nothing_written()


class TestExtendedFields:
    @pytest.fixture(autouse=True)
    def definitions(self, db):
        ExtendedFieldFactory(name="colour", data_type="STRING", choices=["red", "blue"])
        ExtendedFieldFactory(name="budget", data_type="DECIMAL")
        ExtendedFieldFactory(name="seats", data_type="INTEGER")
        ExtendedFieldFactory(name="delivery", data_type="BOOLEAN")
        ExtendedFieldFactory(name="visit_on", data_type="DATE")
        ExtendedFieldFactory(name="call_at", data_type="DATETIME")
        ExtendedFieldFactory(name="retired", is_active=False)

    def test_values_are_checked_and_stored_as_their_type(self, staff, customer):
        lead = create(
            staff,
            customer,
            extended_fields={
                "colour": "red",
                "budget": "1500.50",
                "seats": "3",
                "delivery": "yes",
                "visit_on": "2030-01-31",
                "call_at": "2030-01-31T10:00:00+05:30",
            },
        ).lead
        lead.refresh_from_db()
        assert lead.extended_fields == {
            "colour": "red",
            "budget": 1500.5,
            "seats": 3,
            "delivery": True,
            "visit_on": "2030-01-31",
            "call_at": "2030-01-31T10:00:00+05:30",
        }

    @pytest.mark.parametrize("name", ["unknown", "retired"])
    def test_unknown_or_inactive_field_is_refused(self, name, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, extended_fields={name: "x"})
        assert coded(raised.value) == [("extended_fields", 90009, f"Unknown extended field {name}")]
        assert_nothing_written()

    @pytest.mark.parametrize(
        "name,value,reason",
        [
            ("colour", "green", "expected one of red, blue"),
            ("colour", ["red"], "expected text"),
            ("budget", "lots", "expected a number"),
            ("budget", "NaN", "expected a number"),
            ("budget", True, "expected a number"),
            ("seats", "2.5", "expected a whole number"),
            ("seats", 2.5, "expected a whole number"),
            ("seats", False, "expected a whole number"),
            ("delivery", "maybe", "expected true or false"),
            ("visit_on", "31/01/2030", "expected a date YYYY-MM-DD"),
            ("visit_on", "2030-02-30", "expected a date YYYY-MM-DD"),
            ("call_at", "tomorrow", "expected an ISO 8601 date-time"),
        ],
    )
    def test_bad_value_is_refused_with_the_reason(self, name, value, reason, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, extended_fields={name: value})
        assert coded(raised.value) == [
            ("extended_fields", 90010, f"Invalid value for extended field {name}: {reason}")
        ]
        assert_nothing_written()

    def test_every_bad_field_is_reported(self, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, extended_fields={"nope": 1, "seats": "x", "colour": "red"})
        assert codes(raised.value) == [90009, 90010]
        assert_nothing_written()

    def test_extended_fields_must_be_an_object(self, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(staff, customer, extended_fields=["colour"])
        assert coded(raised.value) == [
            ("extended_fields", 90008, "Invalid value for extendedFields: expected an object")
        ]
        assert_nothing_written()


class TestHistoryReplay:
    def test_status_log_details_come_first_in_order(self, staff, customer):
        reason = ReasonFactory()
        sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
        other = UserFactory(username="earlier")
        start = timezone.now() - datetime.timedelta(days=10)
        lead = create(
            staff,
            customer,
            status="LOST",
            reason_id=reason.pk,
            created_on=start,
            status_log_details=[
                {"status": "OPEN", "created_on": start},
                {
                    "status": "ON_HOLD",
                    "sub_status": "YetToDecide",
                    "reason_id": reason.pk,
                    "notes": "thinking",
                    "created_on": start + datetime.timedelta(days=2),
                },
                {"status": "OPEN", "created_on": start + datetime.timedelta(days=5)},
            ],
        ).lead
        logs = list(lead.status_logs.order_by("created_on", "id"))
        assert [(log.status, log.sub_status) for log in logs] == [
            (Status.OPEN, None),
            (Status.ON_HOLD, sub),
            (Status.OPEN, None),
            (Status.LOST, None),
        ]
        assert logs[1].reason == reason and logs[1].notes == "thinking"
        assert all(log.created_by == staff for log in logs)
        assert other not in {log.created_by for log in logs}
        # The current status is the latest entry, not earlier than the history.
        assert logs[-1].created_on == start + datetime.timedelta(days=5)
        assert logs[-1].reason == reason
        lead.refresh_from_db()
        assert lead.status == Status.LOST

    def test_history_without_times_takes_the_creation_time(self, staff, customer):
        created_on = timezone.now() - datetime.timedelta(hours=3)
        lead = create(
            staff,
            customer,
            status="WON",
            created_on=created_on,
            status_log_details=[{"status": "OPEN"}, {"status": "ON_HOLD"}],
        ).lead
        logs = list(lead.status_logs.order_by("created_on", "id"))
        assert [log.status for log in logs] == ["OPEN", "ON_HOLD", "WON"]
        assert {log.created_on for log in logs} == {created_on}

    def test_bad_history_refuses_the_whole_lead(self, staff, customer):
        SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
        with pytest.raises(ValidationError) as raised:
            create(
                staff,
                customer,
                status_log_details=[
                    {"status": "SHIPPED"},
                    {"status": None},
                    {"status": "OPEN", "sub_status": "YetToDecide"},
                    {"status": "OPEN", "reason_id": 999},
                    "OPEN",
                ],
            )
        assert coded(raised.value) == [
            ("status_log_details[0].status", 92003, "Invalid Lead Status SHIPPED"),
            ("status_log_details[1].status", 92022, "Lead status cannot be empty"),
            ("status_log_details[2].sub_status", 92020, "Invalid lead sub status YetToDecide"),
            ("reason", 92004, "Lead Reason not found with id 999"),
            (
                "status_log_details[4].item",
                90008,
                "Invalid value for statusLogDetails: expected objects",
            ),
        ]
        assert_nothing_written()

    def test_follow_up_details_are_recorded_and_the_latest_sets_last_follow_up(
        self, staff, customer
    ):
        seller = UserFactory(username="seller")
        now = timezone.now()
        earliest = now - datetime.timedelta(days=4)
        latest = now - datetime.timedelta(days=1)
        next_one = now + datetime.timedelta(days=3)
        lead = create(
            staff,
            customer,
            follow_up_details=[
                {"followed_up_on": latest, "notes": "second", "next_follow_up": next_one},
                {"followed_up_on": earliest, "notes": "first", "followed_up_by": "seller"},
            ],
        ).lead
        lead.refresh_from_db()
        followups = list(lead.followups.order_by("followed_up_on"))
        assert [(f.notes, f.followed_up_on) for f in followups] == [
            ("first", earliest),
            ("second", latest),
        ]
        assert followups[0].followed_up_by == seller
        assert all(f.created_by == staff for f in followups)
        assert lead.last_follow_up == latest
        assert lead.next_follow_up == next_one

    def test_given_next_follow_up_is_kept_over_the_follow_ups(self, staff, customer):
        now = timezone.now()
        chosen = now + datetime.timedelta(days=9)
        lead = create(
            staff,
            customer,
            next_follow_up=chosen,
            follow_up_details=[
                {"followed_up_on": now, "next_follow_up": now + datetime.timedelta(days=1)}
            ],
        ).lead
        lead.refresh_from_db()
        assert (lead.last_follow_up, lead.next_follow_up) == (now, chosen)

    def test_follow_up_without_date_refuses_the_lead(self, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(
                staff,
                customer,
                follow_up_details=[{"followed_up_on": timezone.now()}, {"notes": "no date"}],
            )
        assert coded(raised.value) == [("followed_up_on", 92005, "followedUpOn cannot be null")]
        assert_nothing_written()

    def test_follow_up_by_an_unknown_user_refuses_the_lead(self, staff, customer):
        with pytest.raises(ValidationError) as raised:
            create(
                staff,
                customer,
                follow_up_details=[{"followed_up_on": timezone.now(), "followed_up_by": "nobody"}],
            )
        assert coded(raised.value) == [
            ("follow_up_details[0].followed_up_by", 92019, "Invalid lead owner nobody")
        ]
        assert_nothing_written()


class TestDuplicateWarning:
    def test_second_active_lead_for_the_same_item_warns(self, staff, customer):
        first = create(staff, customer).lead
        result = create(staff, customer)
        assert result.warnings == [
            {
                "code": 90101,
                "message": f"An active lead {first.pk} already exists for this customer and item",
            }
        ]
        assert Lead.objects.count() == 2

    def test_closed_lead_or_other_item_does_not_warn(self, staff, customer):
        create(staff, customer, status="WON")
        create(staff, customer, lead_for="Table")
        assert create(staff, customer).warnings == []
        assert Lead.objects.count() == 3
