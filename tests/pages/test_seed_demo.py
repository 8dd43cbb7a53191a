"""The demo never lands on real data: users only in a fresh database, no password ever reset,
a database with other data refused unless forced; the demo org has two zones, four stores,
staff in every role and leads in every store."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from crm.org.models import OrgUnit, Role, StaffRole, UnitType
from crm.org.scope import scope_for
from crm.pages.management.commands.seed_demo import DEMO_USERS, database_state
from customers.models import Customer
from leads.models import Lead, OutboxEvent
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed(*args, **options) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, leads=40, customers=15, stdout=out, **options)
    return out.getvalue()


def logins() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    return out.getvalue()


def test_a_fresh_database_gets_the_demo_org_staff_and_leads():
    assert database_state() == "fresh"
    assert "Demo data loaded" in seed()
    zones = OrgUnit.objects.filter(type=UnitType.ZONE)
    assert set(zones.values_list("code", flat=True)) == {"WEST", "EAST"}
    for zone in zones:
        assert zone.children.filter(type=UnitType.STORE).count() == 2
    roles = dict(StaffRole.objects.values_list("user__username", "role"))
    assert set(roles.values()) == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    for username, *_ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(f"{username}-demo-pass")
        assert user.is_active_staff
    # Every store has an associate and a store manager; leads are spread over the four.
    for store in OrgUnit.objects.filter(type=UnitType.STORE):
        held = set(StaffRole.objects.filter(units=store).values_list("role", flat=True))
        assert {Role.ASSOCIATE, Role.STORE_MANAGER} <= held
        assert Lead.objects.filter(store=store).exists()
    assert not Lead.objects.filter(store__isnull=True).exists()
    # Each lead is owned (when owned) by someone who works at its store.
    for lead in Lead.objects.exclude(owner__isnull=True).select_related("owner"):
        assert scope_for(lead.owner).covers_store(lead.store_id), lead.pk
    assert database_state() == "demo"
    printed = logins()
    for username, *_ in DEMO_USERS:
        assert f"{username}-demo-pass" in printed


def test_a_second_run_changes_no_user_and_no_password_and_adds_nothing():
    seed()
    alice = User.objects.get(username="alice")
    alice.set_password("alice chose her own")
    alice.is_active = False
    alice.save()
    leads, customers = Lead.objects.count(), Customer.objects.count()
    assert "no user or password was changed" in seed()
    alice.refresh_from_db()
    assert alice.check_password("alice chose her own")
    assert not alice.is_active
    assert (Lead.objects.count(), Customer.objects.count()) == (leads, customers)
    assert User.objects.count() == len(DEMO_USERS)


def test_a_database_with_a_real_user_is_refused_and_left_alone():
    real = UserFactory(username="admin", is_superuser=True, password="the real one")
    with pytest.raises(CommandError, match="not the demo's"):
        seed()
    assert list(User.objects.values_list("username", flat=True)) == ["admin"]
    real.refresh_from_db()
    assert real.check_password("the real one")
    assert not OrgUnit.objects.exists() and not Lead.objects.exists()
    assert "No demo logins" in logins()


def test_leads_without_the_demo_users_are_refused_too():
    LeadFactory()
    User.objects.update(is_staff=True)
    with pytest.raises(CommandError):
        seed()
    assert Lead.objects.count() == 1


def test_a_demo_database_a_real_user_joined_is_refused():
    seed()
    UserFactory(username="newhire")
    with pytest.raises(CommandError):
        seed()
    assert database_state() == "other"


def test_or_skip_says_so_and_loads_nothing():
    UserFactory(username="real")
    out = seed("--or-skip")
    assert "not the demo's" in out
    assert User.objects.count() == 1 and not OrgUnit.objects.exists()


def test_force_adds_the_demo_beside_real_data_without_touching_existing_users():
    real = UserFactory(username="admin", password="the real one", is_superuser=False)
    seed("--force")
    real.refresh_from_db()
    assert real.check_password("the real one")
    assert not real.is_superuser
    assert not real.groups.filter(name="Demo accounts").exists()
    assert User.objects.get(username="alice").check_password("alice-demo-pass")
    assert OrgUnit.objects.filter(type=UnitType.STORE).count() == 4
    # The real admin is not the demo's: no login is printed for a database with real users.
    assert "No demo logins" in logins()


@pytest.mark.django_db(transaction=True)
def test_seeding_commits_each_lead_but_enqueues_one_webhook_dispatch(monkeypatch):
    from crm.webhooks import tasks

    enqueued = []

    class Counted:
        def enqueue(self):
            enqueued.append(1)

    monkeypatch.setattr(tasks, "dispatch_events", Counted())

    seed()

    assert Lead.objects.count() == 40
    assert OutboxEvent.objects.filter(dispatched_on=None).count() >= 40
    assert enqueued == [1]
