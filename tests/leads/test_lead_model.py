"""Lead.clean() tells a change from the stored state, however the instance came to be."""

import pytest
from django.core.exceptions import ValidationError

from leads.models import Lead, Status
from tests.factories import ExtendedFieldFactory, LeadFactory, SkuFactory
from tests.leads.codes import codes


def test_saved_instance_refuses_leaving_a_closed_status():
    lead = LeadFactory(status=Status.WON)
    lead.status = Status.OPEN
    with pytest.raises(ValidationError) as raised:
        lead.full_clean()
    assert codes(raised.value) == [92024]
    assert Lead.objects.get(pk=lead.pk).status == Status.WON


def test_instance_saved_with_update_fields_compares_with_what_was_written():
    lead = Lead.objects.get(pk=LeadFactory(status=Status.OPEN).pk)
    lead.status = Status.LOST
    lead.save(update_fields=["status"])
    lead.status = Status.OPEN
    with pytest.raises(ValidationError) as raised:
        lead.full_clean()
    assert codes(raised.value) == [92024]
    assert Lead.objects.get(pk=lead.pk).status == Status.LOST


def test_extended_fields_changed_in_place_are_checked():
    ExtendedFieldFactory(name="colour", choices=["red"])
    lead = Lead.objects.get(pk=LeadFactory(extended_fields={"colour": "red"}).pk)
    lead.extended_fields["colour"] = "green"
    lead.extended_fields["size"] = "XL"
    with pytest.raises(ValidationError) as raised:
        lead.full_clean()
    assert codes(raised.value) == [90010, 90009]
    assert Lead.objects.get(pk=lead.pk).extended_fields == {"colour": "red"}


def test_catalog_is_checked_when_the_item_changes_not_after():
    SkuFactory(code="SKU-A")
    SkuFactory(code="SKU-B", is_active=False)
    lead = LeadFactory(type="SKU", lead_for="SKU-A")
    lead.full_clean()
    lead.lead_for = "SKU-B"
    with pytest.raises(ValidationError) as raised:
        lead.full_clean()
    assert codes(raised.value) == [92016]


def test_active_lead_may_change_status_in_the_model():
    lead = LeadFactory(status=Status.ON_HOLD)
    lead.status = Status.WON
    lead.full_clean()
    assert lead.is_closed


def test_refreshed_instance_compares_with_the_refreshed_state():
    lead = Lead.objects.get(pk=LeadFactory(status=Status.OPEN).pk)
    Lead.objects.filter(pk=lead.pk).update(status=Status.DELETED)
    lead.refresh_from_db()
    lead.status = Status.OPEN
    with pytest.raises(ValidationError) as raised:
        lead.full_clean()
    assert codes(raised.value) == [92024]
    assert Lead.objects.get(pk=lead.pk).status == Status.DELETED
