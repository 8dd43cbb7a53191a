"""The dashboard: counts by status, win rate, follow-ups due, leads by source, type and week.
(What each role sees of it: test_manager_dashboard.)"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.org.models import Role
from leads.models import LeadType, Status
from tests.factories import LeadFactory, give_role

from .conftest import FRAME_QUERIES, text_of


@pytest.fixture(autouse=True)
def _staff_sees_the_whole_org(staff):
    # The figures below are the whole org's: the one signed in is an org admin.
    give_role(staff, Role.ADMIN)


def test_dashboard_shows_counts_win_rate_and_due_follow_ups(staff_client, staff):
    now = timezone.now()
    LeadFactory.create_batch(3, status=Status.WON)
    LeadFactory(status=Status.LOST)
    LeadFactory(status=Status.OPEN, next_follow_up=now - datetime.timedelta(days=2))
    LeadFactory(status=Status.OPEN, next_follow_up=now - datetime.timedelta(days=3))
    today_noon = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(12))
    )
    LeadFactory(status=Status.ON_HOLD, next_follow_up=today_noon)

    response = staff_client.get(reverse("dashboard"))

    stats = response.context["stats"]
    assert stats["total"] == 7
    assert stats["by_status"][Status.WON] == 3
    assert stats["win_rate"] == 0.75
    assert stats["overdue"] == 2
    assert stats["due_today"] == 1
    text = text_of(response)
    assert "Win rate 75%" in text
    assert "3 won · 1 lost" in text


def test_every_chart_links_to_the_list_it_counts(staff_client):
    LeadFactory(type=LeadType.BRAND, lead_for="NIKE", org_source_id=1)

    response = staff_client.get(reverse("dashboard"))

    html = response.content.decode()
    lead_list = reverse("lead-list")
    assert f'href="{lead_list}?status=WON"' in html
    assert f'href="{lead_list}?type=BRAND"' in html
    assert f'href="{lead_list}?orgSourceId=1"' in html
    this_monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    assert f"createdOnFrom={this_monday.isoformat()}" in html


def test_leads_per_week_counts_each_of_the_last_twelve_weeks(staff_client):
    now = timezone.now()
    LeadFactory.create_batch(2, created_on=now)
    LeadFactory(created_on=now - datetime.timedelta(weeks=3))
    LeadFactory(created_on=now - datetime.timedelta(weeks=20))

    response = staff_client.get(reverse("dashboard"))

    weeks = response.context["stats"]["by_week"]
    assert len(weeks) == 12
    assert weeks[-1]["n"] == 2
    assert weeks[-4]["n"] == 1
    assert sum(week["n"] for week in weeks) == 3
    assert all(week["week"].weekday() == 0 for week in weeks)


def test_my_leads_scope_counts_only_the_signed_in_owner(staff_client, staff):
    LeadFactory.create_batch(2, owner=staff)
    LeadFactory.create_batch(3)

    response = staff_client.get(reverse("dashboard") + "?scope=mine")

    assert response.context["stats"]["total"] == 2
    assert f"owner={staff.username}" in response.content.decode()


def test_dashboard_with_no_leads_shows_empty_charts(staff_client):
    response = staff_client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.context["stats"]["win_rate"] is None
    assert "No leads yet." in text_of(response)


def test_dashboard_costs_the_same_queries_with_few_or_many_leads(
    staff_client, django_assert_num_queries
):
    LeadFactory.create_batch(3)
    # the page's frame + by status, source and type (one pass), follow-ups due, by week,
    # source names; ageing; per store, per owner, first follow-ups (the role comes with the
    # session's user: crm/org/auth.py)
    with django_assert_num_queries(FRAME_QUERIES + 4 + 1 + 3):
        staff_client.get(reverse("dashboard"))
    LeadFactory.create_batch(40, status=Status.WON)
    with django_assert_num_queries(FRAME_QUERIES + 4 + 1 + 3):
        staff_client.get(reverse("dashboard"))
