"""Reasons, sub-statuses and org settings: defined once, refused with their codes."""

import pytest
from django.core.exceptions import ValidationError

from leads import services
from leads.models import OrgSettings, Reason, Status, SubStatus
from tests.factories import SubStatusFactory
from tests.leads import edge
from tests.leads.codes import coded, codes


class TestSubStatusCreate:
    def test_creates_a_sub_status_for_a_status(self):
        sub = edge.substatus_create(status="ON_HOLD", name="  YetToDecide ")
        assert SubStatus.objects.get() == sub
        assert (sub.status, sub.name) == (Status.ON_HOLD, "YetToDecide")

    def test_same_name_under_another_status_is_allowed(self):
        edge.substatus_create(status="ON_HOLD", name="Callback")
        edge.substatus_create(status="OPEN", name="Callback")
        assert sorted(SubStatus.objects.values_list("status", flat=True)) == ["ON_HOLD", "OPEN"]

    def test_duplicate_is_refused_with_name_and_status(self):
        SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status="ON_HOLD", name=" YetToDecide")
        assert coded(raised.value) == [
            ("name", 92021, "Lead sub status YetToDecide already exists for status ON_HOLD")
        ]
        assert SubStatus.objects.count() == 1

    def test_duplicate_lost_to_a_concurrent_insert_is_still_92021(self, monkeypatch):
        SubStatusFactory(status=Status.LOST, name="Price")
        # As if the other request inserted between our check and our insert.
        monkeypatch.setattr(SubStatus, "validate_unique", lambda self, exclude=None: None)
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status="LOST", name="Price")
        assert coded(raised.value) == [
            ("name", 92021, "Lead sub status Price already exists for status LOST")
        ]
        assert SubStatus.objects.count() == 1

    @pytest.mark.parametrize("status", [None, "", "  "])
    def test_without_status_is_refused(self, status):
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status=status, name="YetToDecide")
        assert coded(raised.value) == [("status", 92022, "Lead status cannot be empty")]
        assert SubStatus.objects.count() == 0

    @pytest.mark.parametrize("name", [None, "", "   "])
    def test_without_name_is_refused(self, name):
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status="ON_HOLD", name=name)
        assert coded(raised.value) == [("name", 92023, "Lead sub status cannot be empty")]
        assert SubStatus.objects.count() == 0

    @pytest.mark.parametrize("status", ["on_hold", "PAUSED"])
    def test_bad_status_is_refused(self, status):
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status=status, name="YetToDecide")
        assert coded(raised.value) == [("status", 92003, f"Invalid Lead Status {status}")]
        assert SubStatus.objects.count() == 0

    def test_missing_status_and_name_are_reported_together(self):
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status=None, name=None)
        assert codes(raised.value) == [92022, 92023]
        assert SubStatus.objects.count() == 0

    def test_overlong_name_is_refused(self):
        with pytest.raises(ValidationError) as raised:
            edge.substatus_create(status="OPEN", name="x" * 101)
        assert coded(raised.value) == [
            ("name", 90008, "Invalid value for subStatus: at most 100 characters")
        ]
        assert SubStatus.objects.count() == 0


class TestReasonsCreate:
    def test_creates_all_with_ids_in_order(self):
        rows = services.reasons_create(reasons=["Price too high", "  Bought elsewhere "])
        assert [r.reason for r in rows] == ["Price too high", "Bought elsewhere"]
        assert all(r.pk for r in rows)
        assert list(Reason.objects.order_by("id")) == rows

    @pytest.mark.parametrize("empty", ["", "   ", None])
    def test_empty_text_refuses_the_whole_batch(self, empty):
        with pytest.raises(ValidationError) as raised:
            edge.reasons_create(reasons=["Fine", empty, "Also fine"])
        assert coded(raised.value) == [("reason", 90018, "Lead reason cannot be empty")]
        assert Reason.objects.count() == 0

    def test_non_text_refuses_the_whole_batch(self):
        with pytest.raises(ValidationError) as raised:
            edge.reasons_create(reasons=["Fine", 42])
        assert coded(raised.value) == [
            ("reasons[1]", 90008, "Invalid value for reason: expected text")
        ]
        assert Reason.objects.count() == 0

    def test_overlong_text_refuses_the_whole_batch(self):
        with pytest.raises(ValidationError) as raised:
            services.reasons_create(reasons=["Fine", "x" * 256])
        assert coded(raised.value) == [
            ("reason", 90008, "Invalid value for reason: at most 255 characters")
        ]
        assert Reason.objects.count() == 0

    def test_empty_list_creates_nothing(self):
        assert services.reasons_create(reasons=[]) == []
        assert Reason.objects.count() == 0


class TestOrgSettings:
    def test_one_row_that_is_updated_in_place(self):
        OrgSettings.load()
        services.org_settings_update(auto_register_customers=False)
        services.org_settings_update(auto_register_customers=True)
        assert OrgSettings.objects.count() == 1
        assert OrgSettings.objects.get().pk == 1
        assert OrgSettings.load().auto_register_customers is True

    def test_a_second_row_cannot_be_made(self):
        OrgSettings(auto_register_customers=False).save()
        assert OrgSettings.objects.count() == 1
        assert OrgSettings.load().auto_register_customers is False


@pytest.mark.parametrize("again", ["Customer moved away", "  customer MOVED away "])
def test_the_same_reason_text_cannot_be_added_twice(db, again):
    services.reasons_create(reasons=["Customer moved away"])

    with pytest.raises(ValidationError) as raised:
        services.reasons_create(reasons=[again])

    assert codes(raised.value) == [90028]
    assert Reason.objects.count() == 1


def test_the_same_reason_twice_in_one_request_adds_neither(db):
    with pytest.raises(ValidationError) as raised:
        services.reasons_create(reasons=["Store closed", "store closed"])

    assert codes(raised.value) == [90028]
    assert not Reason.objects.exists()
