"""My follow-ups: the signed-in owner's active leads, overdue, due today and upcoming."""

import datetime

from django.urls import reverse
from django.utils import timezone

from leads.models import Status
from tests.factories import LeadFactory, UserFactory

from .conftest import text_of

MINE = reverse("my-followups")


def at(days: int, hour: int = 12) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_leads_are_grouped_overdue_today_and_upcoming(staff_client, staff):
    overdue = LeadFactory(owner=staff, next_follow_up=at(-2))
    today = LeadFactory(owner=staff, next_follow_up=at(0))
    upcoming = LeadFactory(owner=staff, next_follow_up=at(3))
    LeadFactory(owner=staff, next_follow_up=None)

    response = staff_client.get(MINE)

    groups = {group["key"]: group for group in response.context["groups"]}
    assert [lead.pk for lead in groups["overdue"]["leads"]] == [overdue.pk]
    assert [lead.pk for lead in groups["today"]["leads"]] == [today.pk]
    assert [lead.pk for lead in groups["upcoming"]["leads"]] == [upcoming.pk]
    assert response.context["total"] == 3


def test_only_my_active_leads_are_listed(staff_client, staff):
    other = UserFactory(username="bob")
    LeadFactory(owner=other, next_follow_up=at(-1))
    LeadFactory(owner=staff, status=Status.WON, next_follow_up=at(-1))
    mine = LeadFactory(owner=staff, status=Status.ON_HOLD, next_follow_up=at(-1))

    response = staff_client.get(MINE)

    listed = [lead.pk for group in response.context["groups"] for lead in group["leads"]]
    assert listed == [mine.pk]


def test_overdue_leads_come_oldest_first(staff_client, staff):
    newer = LeadFactory(owner=staff, next_follow_up=at(-1))
    older = LeadFactory(owner=staff, next_follow_up=at(-5))

    response = staff_client.get(MINE)

    assert [lead.pk for lead in response.context["groups"][0]["leads"]] == [older.pk, newer.pk]


def test_nothing_due_shows_an_empty_state(staff_client):
    assert "Nothing to follow up" in text_of(staff_client.get(MINE))


def test_group_links_open_the_same_leads_in_the_list(staff_client, staff):
    overdue = LeadFactory(owner=staff, next_follow_up=at(-2))
    LeadFactory(owner=staff, next_follow_up=at(2))

    group = staff_client.get(MINE).context["groups"][0]
    listed = staff_client.get(group["url"])

    assert [row["id"] for row in listed.context["rows"]] == [overdue.pk]
