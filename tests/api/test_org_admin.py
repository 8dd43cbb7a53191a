"""The org-admin API over HTTP: /v2/orgUnits and /v2/staff, for org admins only, each refusal
with its code and the state after."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.org.models import OrgUnit, Role, StaffRole, UnitType
from tests.factories import NO_ROLE, OrgUnitFactory, UserFactory, give_role

from .conftest import assert_error_envelope, codes

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_api(client_for):
    user = UserFactory(username="orgadmin")
    give_role(user, Role.ADMIN)
    return client_for(user)


@pytest.fixture
def west():
    return OrgUnitFactory(code="WEST", name="West", type=UnitType.ZONE)


@pytest.fixture
def s1(west):
    return OrgUnitFactory(code="S1", name="Bandra", parent=west)


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, Role.ASSOCIATE, Role.STORE_MANAGER, Role.ZONE_MANAGER])
def test_anyone_but_an_org_admin_is_refused_with_90002(client_for, s1, west, role):
    user = UserFactory(username="someone", role=NO_ROLE)
    if role is not None:
        give_role(user, role, west if role == Role.ZONE_MANAGER else s1)
    api = client_for(user)
    for response in (
        api.get("/v2/orgUnits"),
        api.post("/v2/orgUnits", {"type": "ZONE", "code": "N", "name": "N"}, format="json"),
        api.get("/v2/staff"),
        api.put("/v2/staff/someone", {"role": "ADMIN"}, format="json"),
    ):
        assert_error_envelope(response, 403, 90002)
    assert not OrgUnit.objects.filter(code="N").exists()
    assert StaffRole.objects.get(user=user).role == role if role else True
    assert not StaffRole.objects.filter(user=user, role=Role.ADMIN).exists()


def test_a_superuser_is_an_org_admin(client_for):
    root = UserFactory(username="root", is_superuser=True)
    response = client_for(root).post(
        "/v2/orgUnits", {"type": "ZONE", "code": "NORTH", "name": "North"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert OrgUnit.objects.get(code="NORTH").type == UnitType.ZONE


def test_anonymous_is_401(anon):
    assert_error_envelope(anon.get("/v2/orgUnits"), 401, 90001)


# --- org units -----------------------------------------------------------------------------


def test_create_zone_store_and_till(admin_api):
    zone = admin_api.post(
        "/v2/orgUnits", {"type": "ZONE", "code": "WEST", "name": "West"}, format="json"
    )
    assert zone.status_code == 200
    assert zone["Location"].endswith("/v2/orgUnits/WEST")
    store = admin_api.post(
        "/v2/orgUnits",
        {"type": "STORE", "code": "S1", "name": "Bandra", "parentCode": "WEST"},
        format="json",
    )
    body = store.json()
    assert {k: body[k] for k in ("type", "code", "name", "parentCode", "isActive")} == {
        "type": "STORE",
        "code": "S1",
        "name": "Bandra",
        "parentCode": "WEST",
        "isActive": True,
    }
    assert body["warnings"] == []
    till = admin_api.post(
        "/v2/orgUnits",
        {"type": "till", "code": "T1", "name": "Till 1", "parentCode": "S1", "isActive": False},
        format="json",
    )
    assert till.status_code == 200
    saved = OrgUnit.objects.select_related("parent").get(code="T1")
    assert (saved.type, saved.parent.code, saved.is_active) == (UnitType.TILL, "S1", False)


def test_bad_type_is_90035(admin_api):
    response = admin_api.post(
        "/v2/orgUnits", {"type": "REGION", "code": "R", "name": "R"}, format="json"
    )
    assert_error_envelope(response, 400, 90035)
    assert not OrgUnit.objects.exists()


def test_unknown_parent_is_90046(admin_api):
    response = admin_api.post(
        "/v2/orgUnits",
        {"type": "STORE", "code": "S9", "name": "S9", "parentCode": "NOPE"},
        format="json",
    )
    assert_error_envelope(response, 400, 90046)
    assert not OrgUnit.objects.filter(code="S9").exists()


@pytest.mark.parametrize(
    "unit_type,parent",
    [("STORE", "S1"), ("TILL", "WEST"), ("ZONE", "WEST"), ("TILL", None)],
)
def test_parent_of_the_wrong_type_is_90036(admin_api, s1, unit_type, parent):
    response = admin_api.post(
        "/v2/orgUnits",
        {"type": unit_type, "code": "X1", "name": "X", "parentCode": parent},
        format="json",
    )
    assert_error_envelope(response, 400, 90036)
    assert not OrgUnit.objects.filter(code="X1").exists()


def test_duplicate_code_is_90037(admin_api, s1):
    response = admin_api.post(
        "/v2/orgUnits", {"type": "STORE", "code": "S1", "name": "Again"}, format="json"
    )
    assert_error_envelope(response, 409, 90037)
    assert OrgUnit.objects.get(code="S1").name == "Bandra"


@pytest.mark.parametrize("code", ["A/B", "S 1", "S1,S2"])
def test_a_code_that_cannot_be_a_path_or_filter_value_is_90045(admin_api, code):
    response = admin_api.post(
        "/v2/orgUnits", {"type": "ZONE", "code": code, "name": "X"}, format="json"
    )
    assert_error_envelope(response, 400, 90045)
    assert not OrgUnit.objects.exists()


def test_missing_fields_and_wrong_json_types_are_all_reported(admin_api):
    response = admin_api.post("/v2/orgUnits", {"code": 5, "isActive": "maybe"}, format="json")
    assert response.status_code == 400
    assert set(codes(response)) == {90008}
    messages = " ".join(item["message"] for item in response.json()["errors"])
    for field in ("type", "code", "isActive", "name"):
        assert field in messages
    assert not OrgUnit.objects.exists()


def test_list_and_get_units(admin_api, s1):
    OrgUnitFactory(code="T1", type=UnitType.TILL, parent=s1)
    listed = admin_api.get("/v2/orgUnits").json()
    assert [row["code"] for row in listed["data"]] == ["WEST", "S1", "T1"]
    assert listed["pagination"]["total"] == 3
    stores = admin_api.get("/v2/orgUnits?type=STORE").json()
    assert [row["code"] for row in stores["data"]] == ["S1"]
    assert_error_envelope(admin_api.get("/v2/orgUnits?type=SHOP"), 400, 90035)
    one = admin_api.get("/v2/orgUnits/S1").json()
    assert (one["code"], one["parentCode"]) == ("S1", "WEST")
    assert_error_envelope(admin_api.get("/v2/orgUnits/NOPE"), 404, 90039)


def test_unit_list_spends_the_same_queries_for_few_and_many(admin_api, west):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_api.get("/v2/orgUnits?limit=1000").status_code == 200
        return len(ctx)

    OrgUnitFactory(code="S1", parent=west)
    few = count()
    for n in range(2, 30):
        OrgUnitFactory(code=f"S{n}", parent=west)
    assert count() == few


def test_put_changes_only_what_is_sent(admin_api, s1):
    east = OrgUnitFactory(code="EAST", type=UnitType.ZONE)
    response = admin_api.put(
        "/v2/orgUnits/S1", {"name": "Bandra West", "parentCode": "EAST"}, format="json"
    )
    assert response.status_code == 200, response.json()
    s1.refresh_from_db()
    assert (s1.name, s1.parent_id, s1.type, s1.is_active) == (
        "Bandra West",
        east.pk,
        UnitType.STORE,
        True,
    )
    assert response.json()["parentCode"] == "EAST"
    off = admin_api.put("/v2/orgUnits/S1", {"isActive": False}, format="json")
    assert off.json()["isActive"] is False
    s1.refresh_from_db()
    assert s1.is_active is False


def test_put_refusals(admin_api, s1, west):
    assert_error_envelope(
        admin_api.put("/v2/orgUnits/NOPE", {"name": "x"}, format="json"), 404, 90039
    )
    assert_error_envelope(
        admin_api.put("/v2/orgUnits/S1", {"parentCode": "S1"}, format="json"), 400, 90036
    )
    assert_error_envelope(
        admin_api.put("/v2/orgUnits/WEST", {"type": "STORE"}, format="json"), 409, 90047
    )
    OrgUnitFactory(code="S2", parent=west)
    assert_error_envelope(
        admin_api.put("/v2/orgUnits/S2", {"code": "S1"}, format="json"), 409, 90037
    )
    assert_error_envelope(
        admin_api.put("/v2/orgUnits/S1", {"type": "SHOP"}, format="json"), 400, 90035
    )
    s1.refresh_from_db()
    west.refresh_from_db()
    assert (s1.parent_id, s1.type, west.type) == (west.pk, UnitType.STORE, UnitType.ZONE)
    assert OrgUnit.objects.filter(code="S2").exists()


# --- staff ---------------------------------------------------------------------------------


STAFF_BODY = {
    "username": "priya",
    "firstName": "Priya",
    "lastName": "Nair",
    "email": "Priya@Store.example",
    "password": "a long passphrase 42",
    "role": "ASSOCIATE",
    "units": ["S1"],
    "isActive": True,
}


def test_create_staff_user_with_role_and_units(admin_api, s1):
    response = admin_api.post("/v2/staff", STAFF_BODY, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    user = User.objects.get(username="priya")
    assert body["id"] == user.pk and isinstance(body["id"], int)
    assert "password" not in body
    assert {k: body[k] for k in ("username", "firstName", "email", "role", "units")} == {
        "username": "priya",
        "firstName": "Priya",
        "email": "priya@store.example",
        "role": "ASSOCIATE",
        "units": ["S1"],
    }
    assert response["Location"].endswith("/v2/staff/priya")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.check_password("a long passphrase 42")
    assert list(user.staff_role.units.values_list("code", flat=True)) == ["S1"]


def test_a_weak_password_is_90044_with_the_validators_words(admin_api, s1):
    for weak in ("123", "password", "priya123"):
        response = admin_api.post("/v2/staff", {**STAFF_BODY, "password": weak}, format="json")
        assert response.status_code == 400
        assert 90044 in codes(response)
    assert not User.objects.filter(username="priya").exists()


def test_staff_create_refusals(admin_api, s1, west):
    UserFactory(username="taken", role=NO_ROLE)
    cases = [
        ({"username": "TAKEN"}, 409, {90042}),
        ({"username": "bad name~"}, 400, {90045}),
        ({"role": "OWNER"}, 400, {90040}),
        ({"units": ["NOPE"]}, 400, {90046}),
        ({"role": "ZONE_MANAGER", "units": ["S1"]}, 400, {90041}),
        ({"role": "STORE_MANAGER", "units": ["WEST"]}, 400, {90041}),
        ({"role": "ADMIN", "units": ["WEST"]}, 400, {90041}),
        ({"units": "S1", "isActive": "yes"}, 400, {90008}),
        ({"email": "not-an-email"}, 400, {90049}),
    ]
    for change, status, expected in cases:
        response = admin_api.post("/v2/staff", {**STAFF_BODY, **change}, format="json")
        assert response.status_code == status, (change, response.json())
        assert set(codes(response)) == expected, (change, response.json())
    assert set(User.objects.values_list("username", flat=True)) == {"orgadmin", "taken"}
    assert StaffRole.objects.count() == 1


def test_get_and_list_staff(admin_api, s1):
    user = UserFactory(username="zed")
    give_role(user, Role.STORE_MANAGER, s1)
    listed = admin_api.get("/v2/staff").json()
    row = next(item for item in listed["data"] if item["username"] == "zed")
    assert (row["id"], row["role"], row["units"]) == (user.pk, "STORE_MANAGER", ["S1"])
    one = admin_api.get("/v2/staff/zed").json()
    assert one["role"] == "STORE_MANAGER"
    assert_error_envelope(admin_api.get("/v2/staff/nobody"), 404, 90043)


def test_staff_list_spends_the_same_queries_for_few_and_many(admin_api, s1):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_api.get("/v2/staff?limit=1000").status_code == 200
        return len(ctx)

    give_role(UserFactory(), Role.ASSOCIATE, s1)
    few = count()
    for _ in range(15):
        give_role(UserFactory(), Role.ASSOCIATE, s1)
    assert count() == few


def test_put_staff_changes_role_units_password_and_active(admin_api, s1, west):
    user = UserFactory(username="zed")
    give_role(user, Role.ASSOCIATE, s1)
    response = admin_api.put(
        "/v2/staff/zed",
        {"role": "ZONE_MANAGER", "units": ["WEST"], "password": "another long one 7"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["role"], response.json()["units"]) == ("ZONE_MANAGER", ["WEST"])
    user.refresh_from_db()
    assert user.check_password("another long one 7")
    assert user.staff_role.role == Role.ZONE_MANAGER
    off = admin_api.put("/v2/staff/zed", {"isActive": False, "role": None}, format="json")
    assert off.status_code == 200, off.json()
    assert off.json()["isActive"] is False and off.json()["role"] is None
    user.refresh_from_db()
    assert not user.is_active
    assert not StaffRole.objects.filter(user=user).exists()


def test_put_staff_refusals_leave_the_user_as_it_was(admin_api, s1, west):
    user = UserFactory(username="zed")
    give_role(user, Role.ASSOCIATE, s1)
    assert_error_envelope(admin_api.put("/v2/staff/nobody", {}, format="json"), 404, 90043)
    # A role whose units no longer fit is refused (the units are kept, not dropped).
    assert_error_envelope(
        admin_api.put("/v2/staff/zed", {"role": "ZONE_MANAGER"}, format="json"), 400, 90041
    )
    weak = admin_api.put("/v2/staff/zed", {"password": "zed", "firstName": "Z"}, format="json")
    assert_error_envelope(weak, 400)
    assert set(codes(weak)) == {90044}
    user.refresh_from_db()
    assert user.staff_role.role == Role.ASSOCIATE
    assert user.first_name != "Z"
    assert user.check_password("correct-horse-battery-staple")


def test_an_org_admin_cannot_change_a_superusers_account(admin_api, client_for):
    root = UserFactory(username="root", is_superuser=True)
    response = admin_api.put("/v2/staff/root", {"password": "taken over 123!"}, format="json")
    assert_error_envelope(response, 403, 90002)
    root.refresh_from_db()
    assert root.check_password("correct-horse-battery-staple")
    # A superuser may.
    response = client_for(root).put("/v2/staff/root", {"firstName": "Rooted"}, format="json")
    assert response.status_code == 200
    root.refresh_from_db()
    assert root.first_name == "Rooted"


@pytest.mark.parametrize(
    "url,body,code",
    [
        ("/v2/orgUnits", {"type": {}, "code": "S1", "name": "X"}, 90035),
        ("/v2/orgUnits", {"type": 3, "code": "S1", "name": "X"}, 90035),
        ("/v2/staff", {"username": "x", "role": ["ADMIN"]}, 90040),
    ],
)
def test_a_choice_that_is_not_text_is_its_code_not_a_server_error(admin_api, url, body, code):
    response = admin_api.post(url, body, format="json")
    assert response.status_code == 400
    assert code in codes(response)
    assert not OrgUnit.objects.exists()
    assert not User.objects.filter(username="x").exists()


def test_put_with_a_choice_that_is_not_text_changes_nothing(admin_api, s1):
    response = admin_api.put("/v2/orgUnits/S1", {"type": {}, "name": "New"}, format="json")
    assert_error_envelope(response, 400, 90035)
    s1.refresh_from_db()
    assert s1.name == "Bandra"
