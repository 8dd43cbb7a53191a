"""CSV import of org units and staff on the org-settings page: the API's services row by row,
all or nothing, each refused row with its codes; units for managers, staff for managers who are
org admins."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.org.models import OrgUnit, Role, StaffRole, UnitType
from tests.factories import NO_ROLE, OrgUnitFactory, UserFactory, give_role

from .conftest import text_of

pytestmark = pytest.mark.django_db
User = get_user_model()

UNITS = "org-units-import"
STAFF = "org-staff-import"


@pytest.fixture
def admin_client(client_for, manager):
    # A manager (the org settings' permissions) who is an org admin.
    give_role(manager, Role.ADMIN)
    return client_for(manager)


def upload(client, name: str, text: str):
    file = SimpleUploadedFile("org.csv", text.encode(), content_type="text/csv")
    return client.post(reverse(name), {"file": file})


def refused_rows(response) -> str:
    return text_of(response)


def test_a_chain_imports_zones_stores_and_tills_in_one_file(admin_client):
    response = upload(
        admin_client,
        UNITS,
        "type,code,name,parentCode,isActive\n"
        "ZONE,WEST,West,,\n"
        "STORE,S1,Bandra,WEST,true\n"
        "store,S2,Andheri,WEST,no\n"
        "TILL,T1,Till 1,S1,\n",
    )
    assert response.status_code == 302
    units = {u.code: u for u in OrgUnit.objects.select_related("parent")}
    assert set(units) == {"WEST", "S1", "S2", "T1"}
    assert units["S2"].parent.code == "WEST" and units["S2"].is_active is False
    assert units["T1"].type == UnitType.TILL
    page = admin_client.get(response["Location"])
    assert "Org units imported: 4 added, 0 updated." in text_of(page)


def test_an_existing_code_is_updated_with_the_cells_filled(admin_client):
    west = OrgUnitFactory(code="WEST", name="West", type=UnitType.ZONE)
    OrgUnitFactory(code="S1", name="Old name", parent=None)
    response = upload(admin_client, UNITS, "code,type,name,parentCode\nS1,,Bandra,WEST\n")
    assert response.status_code == 302
    s1 = OrgUnit.objects.get(code="S1")
    assert (s1.name, s1.parent_id, s1.type) == ("Bandra", west.pk, UnitType.STORE)


def test_one_bad_row_imports_nothing_and_every_refused_row_is_listed(admin_client):
    OrgUnitFactory(code="S9", type=UnitType.STORE)
    response = upload(
        admin_client,
        UNITS,
        "type,code,name,parentCode,isActive\n"
        "ZONE,WEST,West,,\n"
        "REGION,R1,Somewhere,,\n"
        "STORE,S1,Bandra,NOPE,\n"
        "TILL,T1,Till,WEST,\n"
        "ZONE,EAST,East,,maybe\n",
    )
    assert response.status_code == 400
    text = refused_rows(response)
    assert "Nothing was imported" in text
    for row, code in (("3", "90035"), ("4", "90046"), ("5", "90036"), ("6", "90008")):
        assert f"{row} " in text and code in text
    assert "4 of 5 rows" in text
    assert list(OrgUnit.objects.values_list("code", flat=True)) == ["S9"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("type,code\nZONE,W\n", "90048"),
        ("type,code,name,colour\nZONE,W,West,red\n", "90021"),
        ("type,code,name,code\nZONE,W,West,W\n", "90023"),
        ("type,code,name\nZONE,W,West,extra\n", "90024"),
        ("", "90020"),
    ],
)
def test_a_file_with_bad_columns_is_refused_before_any_row(admin_client, text, code):
    response = upload(admin_client, UNITS, text)
    assert response.status_code == 400
    assert code in text_of(response)
    assert not OrgUnit.objects.exists()


def test_binary_files_are_not_csv(admin_client):
    file = SimpleUploadedFile("org.csv", b"PK\x03\x04\x00\xff\xfe", content_type="text/csv")
    response = admin_client.post(reverse(UNITS), {"file": file})
    assert response.status_code == 400
    assert "90020" in text_of(response)


def test_staff_import_creates_and_updates_people_with_roles(admin_client):
    west = OrgUnitFactory(code="WEST", type=UnitType.ZONE)
    OrgUnitFactory(code="S1", parent=west)
    OrgUnitFactory(code="S2", parent=west)
    existing = UserFactory(username="zed")
    response = upload(
        admin_client,
        STAFF,
        "username,firstName,lastName,email,password,role,units,isActive\n"
        "priya,Priya,Nair,priya@store.example,a long passphrase 42,ASSOCIATE,S1;S2,true\n"
        "zoe,Zoe,W,,another long one 9,ZONE_MANAGER,WEST,\n"
        "zed,,,,,STORE_MANAGER,S1,\n",
    )
    assert response.status_code == 302, text_of(response)
    priya = User.objects.get(username="priya")
    assert priya.is_active_staff and priya.check_password("a long passphrase 42")
    assert sorted(priya.staff_role.units.values_list("code", flat=True)) == ["S1", "S2"]
    assert User.objects.get(username="zoe").staff_role.role == Role.ZONE_MANAGER
    existing.refresh_from_db()
    assert existing.staff_role.role == Role.STORE_MANAGER
    assert existing.check_password("correct-horse-battery-staple")
    assert "Staff imported: 2 added, 1 updated." in text_of(admin_client.get(response["Location"]))


def test_staff_import_is_all_or_nothing_with_codes(admin_client):
    OrgUnitFactory(code="S1")
    UserFactory(username="taken", role=NO_ROLE)
    response = upload(
        admin_client,
        STAFF,
        "username,password,role,units\n"
        "good,a long passphrase 42,ASSOCIATE,S1\n"
        "weak,123,ASSOCIATE,S1\n"
        "boss,a long passphrase 43,OWNER,\n"
        "lost,a long passphrase 44,ASSOCIATE,S7\n",
    )
    assert response.status_code == 400
    text = text_of(response)
    for code in ("90044", "90040", "90046"):
        assert code in text
    assert not User.objects.filter(username__in=["good", "weak", "boss", "lost"]).exists()
    assert StaffRole.objects.count() == 1


def test_a_manager_imports_units_but_not_staff(manager_client, manager):
    give_role(manager, Role.STORE_MANAGER, OrgUnitFactory(code="S0"))
    assert upload(manager_client, UNITS, "type,code,name\nZONE,W,West\n").status_code == 302
    assert OrgUnit.objects.filter(code="W").exists()
    refused = upload(manager_client, STAFF, "username,role\nme,ADMIN\n")
    assert refused.status_code == 403
    assert not User.objects.filter(username="me").exists()
    page = manager_client.get(reverse("org-settings"))
    assert "Import org units" in text_of(page)
    assert "Staff are imported by managers who are org admins" in text_of(page)


def test_an_associate_imports_nothing(staff_client, staff):
    give_role(staff, Role.ASSOCIATE, OrgUnitFactory(code="S1"))
    assert upload(staff_client, UNITS, "type,code,name\nZONE,W,West\n").status_code == 403
    assert upload(staff_client, STAFF, "username\nx\n").status_code == 403
    assert not OrgUnit.objects.filter(code="W").exists()
    assert not User.objects.filter(username="x").exists()


def test_the_settings_page_offers_both_imports_to_an_org_admin_who_manages(manager_client, manager):
    give_role(manager, Role.ADMIN)
    OrgUnitFactory(code="WEST", type=UnitType.ZONE)
    text = text_of(manager_client.get(reverse("org-settings")))
    assert "Import org units" in text and "Import staff" in text
    assert "1 zone · 0 stores · 0 tills" in text


def test_an_org_admin_without_the_managers_permissions_imports_nothing(client_for):
    user = UserFactory(username="apiadmin")
    give_role(user, Role.ADMIN)
    client = client_for(user)
    assert upload(client, UNITS, "type,code,name\nZONE,W,West\n").status_code == 403
    assert upload(client, STAFF, "username\nx\n").status_code == 403
    assert not OrgUnit.objects.exists()
    assert not User.objects.filter(username="x").exists()
