"""Queries compiled once (``crm.core.db.PreparedQuery``) answer what the ORM answers."""

import datetime

import pytest
from django.db.models import Q

from crm.core.db import ID_MARK, MOMENT_MARKS, PreparedQuery
from crm.core.models import Notification
from crm.core.selectors import unread_notification_count
from crm.core.services import notify
from leads.models import Lead
from leads.selectors import followup_counts
from tests.factories import LeadFactory, UserFactory

NOW = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC)
MARK = MOMENT_MARKS[0]


def around(leads, moment):
    # The same date-time stands twice in the SQL.
    return leads.filter(Q(next_follow_up__lt=moment) | Q(next_follow_up=moment)).order_by("pk")


@pytest.mark.django_db
def test_a_mark_that_stands_twice_and_a_date_time_mark_take_the_value_given():
    owner = UserFactory()
    early = LeadFactory(owner=owner, next_follow_up=NOW - datetime.timedelta(days=2))
    LeadFactory(owner=owner, next_follow_up=NOW + datetime.timedelta(days=2))
    query = PreparedQuery(
        lambda owner_id, moment: around(Lead.objects.filter(owner_id=owner_id), moment).values_list(
            "pk"
        ),
        ID_MARK,
        MARK,
    )

    assert query.rows(owner.pk, NOW) == [(early.pk,)]
    assert query.rows(owner.pk, NOW) == list(
        around(Lead.objects.filter(owner=owner), NOW).values_list("pk")
    )
    assert query.rows(owner.pk, NOW + datetime.timedelta(days=3)) == list(
        Lead.objects.filter(owner=owner).order_by("pk").values_list("pk")
    )


def test_a_value_the_query_does_not_hold_is_refused_as_a_mark(db):
    query = PreparedQuery(lambda pk: Lead.objects.filter(pk=1).values_list("pk"), 5)

    with pytest.raises(ValueError, match="not a value of the query"):
        query.rows(1)


@pytest.mark.django_db
def test_followup_counts_count_each_kind_and_nothing_for_an_owner_with_none():
    owner = UserFactory()
    today = datetime.date(2026, 12, 4)
    for days in (-3, -1, 0, 0, 2):
        moment = datetime.datetime.combine(today, datetime.time(12), datetime.UTC)
        LeadFactory(owner=owner, next_follow_up=moment + datetime.timedelta(days=days))

    assert followup_counts(owner=owner, today=today) == {"overdue": 2, "today": 2, "upcoming": 1}
    assert followup_counts(owner=UserFactory(), today=today) == {
        "overdue": 0,
        "today": 0,
        "upcoming": 0,
    }


@pytest.mark.django_db
def test_a_window_of_a_prepared_query_is_the_orms_window():
    leads = [LeadFactory() for _ in range(5)]
    query = PreparedQuery(lambda: Lead.objects.order_by("pk").values_list("pk"))

    assert query.rows(limit=2, offset=1) == [(leads[1].pk,), (leads[2].pk,)]
    assert query.rows(limit=10, offset=4) == [(leads[4].pk,)]


@pytest.mark.django_db
def test_unread_notifications_are_counted_for_their_recipient_only():
    reader, other = UserFactory(), UserFactory()
    notify(recipients=[reader, reader, other], kind="FOLLOW_UP_DUE", title="Due")
    first = Notification.objects.filter(recipient=reader).order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(read_on=NOW)

    assert unread_notification_count(user=reader) == 1
    assert unread_notification_count(user=other) == 1
    assert unread_notification_count(user=UserFactory()) == 0


def test_instances_are_the_orms_with_their_annotations(db):
    from django.db.models import Count

    from crm.org.scope import with_scope

    owner = UserFactory(username="meera", first_name="Meera")
    LeadFactory(owner=owner)
    LeadFactory(owner=owner)
    query = PreparedQuery(
        lambda pk: with_scope(
            type(owner).objects.filter(pk=pk).annotate(leads=Count("owned_leads"))
        ),
        ID_MARK,
    )

    (made,) = query.instances(owner.pk)
    orm = with_scope(type(owner).objects.filter(pk=owner.pk).annotate(leads=Count("owned_leads")))

    assert (made.pk, made.username, made.first_name, made.leads) == (owner.pk, "meera", "Meera", 2)
    assert made.__dict__.keys() == orm.get().__dict__.keys()
    assert not made._state.adding and made._state.db == "default"
    assert query.instances(-1) == []


def test_a_query_of_values_has_no_instances(db):
    query = PreparedQuery(lambda: Lead.objects.values_list("pk"))

    with pytest.raises(ValueError, match="not a query of one model"):
        query.instances()
