"""The navigation names the signed-in person's role and units ("Store manager · S1, S2"), read
with the session's user (no query of its own), and fresh after a role changes."""

import re

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.test import Client
from django.urls import reverse

from crm.org.models import Role, UnitType
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory, give_role
from tests.scoping import build_world

from .conftest import FRAME_QUERIES

pytestmark = pytest.mark.django_db


def role_shown(response) -> str:
    html = response.content.decode()
    match = re.search(r'<span class="sidebar-user-role"[^>]*data-role>(.*?)</span>', html)
    assert match, "no role in the navigation"
    return match.group(1).replace("&middot;", "·").strip()


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("alice", "Associate · S1"),
        ("mike", "Store manager · S1"),
        ("zoe", "Zone manager · WEST"),
        ("boss", "Admin"),
        ("nobody", "No role"),
    ],
)
def test_each_person_sees_their_role_and_units(client_for, name, label):
    world = build_world()

    response = client_for(world.users[name]).get(reverse("lead-list"))

    assert role_shown(response) == label


def test_several_units_are_listed_by_code_and_many_are_counted(client_for):
    stores = [OrgUnitFactory(code=f"S{n}") for n in (4, 2, 1, 3, 5)]
    manager = UserFactory(username="multi")
    give_role(manager, Role.STORE_MANAGER, *stores[1:3])
    client = client_for(manager)

    assert role_shown(client.get(reverse("dashboard"))) == "Store manager · S1, S2"

    give_role(manager, Role.STORE_MANAGER, *stores)
    assert role_shown(client.get(reverse("dashboard"))) == "Store manager · S1, S2, S3 +2"


def test_a_superuser_is_an_admin(client_for, admin_user):
    assert role_shown(client_for(admin_user).get(reverse("dashboard"))) == "Admin"


def test_a_role_change_shows_on_the_next_page(client_for):
    west = OrgUnitFactory(code="WEST", type=UnitType.ZONE)
    store = OrgUnitFactory(code="S1", parent=west)
    person = UserFactory(username="moved")
    give_role(person, Role.ASSOCIATE, store)
    client = client_for(person)
    assert role_shown(client.get(reverse("dashboard"))) == "Associate · S1"

    give_role(person, Role.ZONE_MANAGER, west)

    assert role_shown(client.get(reverse("dashboard"))) == "Zone manager · WEST"


def test_the_role_costs_no_query_of_its_own(client_for, django_assert_num_queries):
    world = build_world()
    client = client_for(world.users["zoe"])

    # The frame and the page's count of notifications (none, so no page of them is read).
    with django_assert_num_queries(FRAME_QUERIES + 1):
        response = client.get(reverse("my-notifications"))

    assert role_shown(response) == "Zone manager · WEST"


def test_a_session_signed_in_before_the_backend_still_loads_and_names_the_role(client_for):
    world = build_world()
    client = client_for(world.users["mike"])
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert role_shown(response) == "Store manager · S1"


def test_signing_in_works_and_a_wrong_password_is_refused():
    user = UserFactory(username="signer")
    client = Client()

    wrong = client.post(reverse("login"), {"username": "signer", "password": "nope"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("login"), {"username": "signer", "password": PASSWORD})

    assert right.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session[BACKEND_SESSION_KEY] == "crm.org.auth.StaffBackend"


def test_a_wrong_password_is_checked_once_not_once_per_backend():
    from unittest import mock

    from crm.core.models import User

    UserFactory(username="signer")
    with mock.patch.object(
        User, "check_password", autospec=True, side_effect=User.check_password
    ) as checked:
        Client().post(reverse("login"), {"username": "signer", "password": "nope"})

    assert checked.call_count == 1


def test_each_demo_login_is_named_with_the_role_the_readme_gives_it(client_for):
    from django.core.management import call_command

    from crm.core.models import User
    from crm.pages.management.commands.seed_demo import DEMO_USERS

    call_command("seed_demo", leads=10, customers=5, verbosity=0)

    for username, _first, _last, role, units, _shown in DEMO_USERS:
        response = client_for(User.objects.get(username=username)).get(reverse("dashboard"))
        expected = "Admin" if role in ("superuser", Role.ADMIN) else Role(role).label
        if units:
            expected += " · " + ", ".join(sorted(units))
        assert role_shown(response) == expected, username
