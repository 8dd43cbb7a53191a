"""The org units' admin keeps the org services' rules."""

import pytest
from django.urls import reverse

from crm.org.models import OrgUnit, UnitType
from tests.factories import OrgUnitFactory
from tests.leads.test_admin import FormValues


@pytest.fixture
def admin_client(client, admin_user, password):
    assert client.login(username=admin_user.username, password=password)
    return client


def post_change(client, unit: OrgUnit, **changes: str):
    url = reverse("admin:org_orgunit_change", args=[unit.pk])
    parser = FormValues()
    parser.feed(client.get(url).content.decode())
    data = {name: values for name, values in parser.data.items() if values}
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def test_admin_keeps_the_type_of_a_unit_with_units_under_it(admin_client):
    zone = OrgUnitFactory(code="Z1", type=UnitType.ZONE)
    OrgUnitFactory(code="S1", type=UnitType.STORE, parent=zone)

    response = post_change(admin_client, zone, type=UnitType.STORE, name="North")

    assert response.status_code == 302, response.content.decode()[:2000]
    zone.refresh_from_db()
    assert (zone.type, zone.name) == (UnitType.ZONE, "North")


def test_admin_changes_the_type_of_a_unit_with_nothing_under_it(admin_client):
    zone = OrgUnitFactory(code="Z2", type=UnitType.ZONE)

    response = post_change(admin_client, zone, type=UnitType.STORE)

    assert response.status_code == 302, response.content.decode()[:2000]
    zone.refresh_from_db()
    assert zone.type == UnitType.STORE
