import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from crm.core.errors import error_code_of
from crm.org.models import OrgUnit, Role, UnitType
from crm.org.scope import forget_scope, known_scope, scope_for, with_scope
from leads.access import visible_leads
from leads.models import Lead
from tests.factories import NO_ROLE, OrgUnitFactory, UserFactory, give_role
from tests.scoping import SEES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    west = OrgUnitFactory(code="WEST", type=UnitType.ZONE)
    east = OrgUnitFactory(code="EAST", type=UnitType.ZONE)
    s1 = OrgUnitFactory(code="S1", parent=west)
    s2 = OrgUnitFactory(code="S2", parent=west)
    s3 = OrgUnitFactory(code="S3", parent=east)
    return {"WEST": west, "EAST": east, "S1": s1, "S2": s2, "S3": s3}


def test_associate_covers_only_their_stores(chain):
    alice = UserFactory()
    give_role(alice, Role.ASSOCIATE, chain["S1"])
    scope = scope_for(alice)
    assert scope.store_ids == {chain["S1"].pk}
    assert not scope.everything
    assert not scope.is_manager


def test_zone_manager_covers_the_stores_of_their_zones(chain):
    zoe = UserFactory()
    give_role(zoe, Role.ZONE_MANAGER, chain["WEST"])
    assert scope_for(zoe).store_ids == {chain["S1"].pk, chain["S2"].pk}


def test_admin_role_and_superuser_cover_everything(chain):
    admin = UserFactory()
    give_role(admin, Role.ADMIN)
    root = UserFactory(is_superuser=True)
    assert scope_for(admin).everything
    assert scope_for(root).everything


def test_user_without_role_covers_no_store(chain):
    scope = scope_for(UserFactory(role=NO_ROLE))
    assert scope.role is None
    assert scope.store_ids == frozenset()
    assert not scope.everything


def test_scope_is_read_once_per_user_object(chain, django_assert_num_queries):
    bob = UserFactory()
    give_role(bob, Role.STORE_MANAGER, chain["S2"])
    with django_assert_num_queries(2):
        scope_for(bob)
        scope_for(bob)


@pytest.mark.parametrize(
    ("unit_type", "parent_code", "code"),
    [
        (UnitType.ZONE, "WEST", 90036),
        (UnitType.STORE, "S1", 90036),
        (UnitType.TILL, "WEST", 90036),
        (UnitType.TILL, None, 90036),
        ("KIOSK", None, 90035),
    ],
)
def test_unit_parent_must_have_the_right_type(chain, unit_type, parent_code, code):
    unit = OrgUnit(code="X1", name="X", type=unit_type, parent=chain.get(parent_code))
    with pytest.raises(ValidationError) as raised:
        unit.full_clean()
    assert code in [
        error_code_of(e)
        for e in raised.value.error_dict.get("parent", raised.value.error_dict.get("type", []))
    ]
    assert not OrgUnit.objects.filter(code="X1").exists()


def test_till_of_a_store_is_valid(chain):
    till = OrgUnit(code="T1", name="Till 1", type=UnitType.TILL, parent=chain["S1"])
    till.full_clean()
    till.save()
    assert till.store_id_for_leads == chain["S1"].pk


def test_the_scope_read_with_the_user_is_the_scope_read_on_its_own(db):
    world = build_world()
    for name in SEES:
        plain = get_user_model().objects.get(pk=world.users[name].pk)
        assert known_scope(plain) is None or plain.is_superuser
        annotated = with_scope(get_user_model().objects).get(pk=plain.pk)
        assert known_scope(annotated) == scope_for(plain), name


def test_a_list_sees_the_same_leads_whichever_way_the_scope_was_read(db):
    world = build_world()
    for name, names in SEES.items():
        plain = get_user_model().objects.get(pk=world.users[name].pk)
        annotated = with_scope(get_user_model().objects).get(pk=plain.pk)
        by_subquery = visible_leads(Lead.objects.all(), plain)
        by_ids = visible_leads(Lead.objects.all(), annotated)
        # The second is a plain condition on store ids: no subquery of the org's tables.
        assert "org_staffrole" not in str(by_ids.query), name
        assert world.names(by_subquery.values_list("pk", flat=True)) == names
        assert world.names(by_ids.values_list("pk", flat=True)) == names


def test_forgetting_the_scope_drops_what_was_read_with_the_user(chain):
    alice = UserFactory()
    give_role(alice, Role.ASSOCIATE, chain["S1"])
    annotated = with_scope(get_user_model().objects).get(pk=alice.pk)
    assert known_scope(annotated).store_ids == {chain["S1"].pk}
    give_role(alice, Role.ASSOCIATE, chain["S2"])
    forget_scope(annotated)
    assert known_scope(annotated) is None
    assert scope_for(annotated).store_ids == {chain["S2"].pk}
