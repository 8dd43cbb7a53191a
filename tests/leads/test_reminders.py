"""Follow-up reminders: scheduled with ``run_after`` when a next follow-up is set, checked
again when they run (nothing for a lead rescheduled or closed meanwhile), sent once, to the
owner in the app and by email."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from crm.core.models import Notification
from crm.core.services import notify
from leads import services
from leads.inputs import FollowUpInput
from leads.models import FollowUpReminder, Status
from leads.reminders import remind
from tests.factories import LeadFactory, ReasonFactory, UserFactory
from tests.task_backend import backend, run_deferred


@pytest.fixture
def owner(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def lead(owner):
    return LeadFactory(owner=owner)


def soon(days: float = 2) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def follow_up(lead, user, next_follow_up):
    return services.lead_add_followup(
        lead_id=lead.pk,
        contact=FollowUpInput(followed_up_on=timezone.now(), next_follow_up=next_follow_up),
        created_by=user,
    )


def run_due(commit) -> None:
    while backend().deferred:
        commit(lambda: run_deferred(limit=1))


def test_a_due_follow_up_reaches_its_owner_in_the_app_and_by_email(lead, owner, commit):
    due = soon()

    commit(lambda: follow_up(lead, owner, due))

    (waiting,) = backend().deferred
    assert waiting.task.run_after == due
    assert waiting.args == [lead.pk, due.isoformat()]
    assert not Notification.objects.exists()

    run_due(commit)

    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.link) == (owner, "followup_due", f"/leads/{lead.pk}/")
    assert lead.lead_for in note.title
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert FollowUpReminder.objects.get().due == due


def test_a_setting_sends_reminders_minutes_before(lead, owner, commit, settings):
    settings.REMINDER_MINUTES_BEFORE = 30
    due = soon()

    commit(lambda: follow_up(lead, owner, due))

    assert backend().deferred[0].task.run_after == due - datetime.timedelta(minutes=30)


def test_a_rescheduled_follow_up_is_reminded_of_only_at_its_new_time(lead, owner, commit):
    first, later = soon(1), soon(3)
    commit(lambda: follow_up(lead, owner, first))
    commit(lambda: services.lead_update(lead_id=lead.pk, updated_by=owner, next_follow_up=later))

    assert [r.task.run_after for r in backend().deferred] == [first, later]
    run_due(commit)

    assert Notification.objects.count() == 1
    assert FollowUpReminder.objects.get().due == later
    assert len(mail.outbox) == 1


def test_a_lead_closed_before_its_follow_up_sends_nothing(lead, owner, commit):
    commit(lambda: follow_up(lead, owner, soon()))
    commit(
        lambda: services.lead_change_status(
            lead_id=lead.pk, status=Status.WON, reason_id=ReasonFactory().pk, changed_by=owner
        )
    )

    run_due(commit)

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_an_owner_without_email_gets_the_notification_only(commit):
    owner = UserFactory(username="bob", email="")
    lead = LeadFactory(owner=owner)

    commit(lambda: follow_up(lead, owner, soon()))
    run_due(commit)

    assert Notification.objects.filter(recipient=owner).count() == 1
    assert mail.outbox == []


def test_a_follow_up_already_past_is_not_scheduled(lead, owner, commit):
    commit(lambda: follow_up(lead, owner, timezone.now() - datetime.timedelta(hours=1)))

    assert backend().deferred == []


def test_a_due_time_is_reminded_of_once(lead, owner, commit):
    due = soon()
    commit(lambda: follow_up(lead, owner, due))
    lead.refresh_from_db()

    assert remind(lead_id=lead.pk, due=due) is True
    assert remind(lead_id=lead.pk, due=due) is False
    assert Notification.objects.count() == 1


def test_a_lead_assigned_later_reminds_its_new_owner(commit, owner):
    lead = LeadFactory(owner=None, created_by=owner)
    due = soon()
    commit(lambda: follow_up(lead, owner, due))
    assert backend().deferred == []

    commit(lambda: services.lead_assign_owner(lead_id=lead.pk, owner=owner, changed_by=owner))
    run_due(commit)

    assert Notification.objects.get().recipient == owner


# --- reading them: the API and the pages ------------------------------------------------


def api_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.default_format = "json"
    return client


def test_the_api_lists_your_notifications_and_marks_them_read(owner):
    other = UserFactory(username="bob")
    first, second = notify(recipients=[owner, owner], kind="x", title="Hello")
    notify(recipients=[other], kind="x", title="Not yours")
    api = api_of(owner)

    listed = api.get("/v2/me/notifications").json()
    assert [item["id"] for item in listed["data"]] == [second.pk, first.pk]
    assert listed["pagination"]["total"] == 2
    assert listed["data"][0]["readOn"] is None

    response = api.post("/v2/me/notifications/read", {"ids": [first.pk]})
    assert response.json()["marked"] == 1
    unread = api.get("/v2/me/notifications?unread=true").json()["data"]
    assert [item["id"] for item in unread] == [second.pk]

    assert api.post("/v2/me/notifications/read", {}).json()["marked"] == 1
    assert not Notification.objects.filter(recipient=owner, read_on__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_on__isnull=True).count() == 1


def test_marking_read_with_ids_that_are_not_a_list_is_90008(owner):
    response = api_of(owner).post("/v2/me/notifications/read", {"ids": "all"})

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == [90008]


def test_the_navigation_shows_the_unread_count_and_the_list_page(owner, client):
    notify(recipients=[owner, owner], kind="followup_due", title="Call Asha", link="/leads/1/")
    client.force_login(owner)

    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-nav-count="notifications" title="Unread">2<' in page

    listed = client.get(reverse("my-notifications")).content.decode()
    assert listed.count("Call Asha") == 2

    client.post(reverse("my-notifications-read"))
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-nav-count="notifications" title="Unread" hidden>0<' in page
