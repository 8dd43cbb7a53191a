"""Follow-up reminders: when a lead's ``nextFollowUp`` comes due (``REMINDER_MINUTES_BEFORE``
minutes before it, 0 by default), its owner gets an in-app notification and, with an email
address, an email.

Each lead event that may set a next follow-up (a lead created, a follow-up added, an update)
schedules a task with ``run_after`` at the reminder's time, after the commit. The task checks
again when it runs: a lead closed meanwhile, rescheduled (its next follow-up is no longer the
time the task was for) or without an owner sends nothing, and a due time is reminded of once
(``FollowUpReminder``), however many tasks were scheduled for it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from crm.core.services import notify
from crm.core.tasks import enqueue

from . import events
from .models import FollowUpReminder, Lead, Status

OPEN_STATUSES = (Status.OPEN, Status.ON_HOLD)
KIND = "followup_due"


def reminder_time(due: datetime.datetime) -> datetime.datetime:
    return due - datetime.timedelta(minutes=settings.REMINDER_MINUTES_BEFORE)


@task()
def send_followup_reminder(lead_id: int, due: str) -> bool:
    """Reminds the owner of lead ``lead_id`` of its follow-up due at ``due`` (ISO), if that is
    still its next follow-up and it is still open; whether a reminder went out."""
    return remind(lead_id=lead_id, due=parse_datetime(due))


@transaction.atomic
def remind(*, lead_id: int, due: datetime.datetime | None) -> bool:
    lead = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("owner", "customer")
        .filter(pk=lead_id)
        .first()
    )
    if (
        lead is None
        or due is None
        or lead.status not in OPEN_STATUSES
        or lead.next_follow_up != due
        or lead.owner is None
        or not lead.owner.is_active
    ):
        return False
    try:
        with transaction.atomic():
            FollowUpReminder.objects.create(lead=lead, due=due, recipient=lead.owner)
    except IntegrityError:
        return False  # reminded already
    customer = lead.customer
    who = " ".join(filter(None, [customer.first_name, customer.last_name])) or customer.mobile
    title = f"Follow up with {who or 'the customer'}: {lead.lead_for}"
    when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M %Z")
    body = f"Lead #{lead.pk}'s next follow-up is due {when}."
    link = f"/leads/{lead.pk}/"
    notify(recipients=[lead.owner], kind=KIND, title=title, body=body, link=link)
    if lead.owner.email:
        email = lead.owner.email
        transaction.on_commit(
            lambda: send_mail(title, f"{body}\n\n{link}", None, [email], fail_silently=True)
        )
    return True


def schedule(lead: Lead) -> None:
    """After the commit: a reminder task for the lead's next follow-up, when it is ahead."""
    due = lead.next_follow_up
    # A follow-up already past when it is entered (a late record, an imported history) is on
    # the owner's overdue list already: no reminder.
    if (
        due is None
        or due <= timezone.now()
        or lead.status not in OPEN_STATUSES
        or lead.owner_id is None
    ):
        return
    at, args = reminder_time(due), (lead.pk, due.isoformat())
    transaction.on_commit(lambda: enqueue(send_followup_reminder, *args, run_after=at))


# An assignment too: a lead that had no owner when its follow-up was set gets one now.
SCHEDULING_EVENTS = {
    events.EventType.CREATED,
    events.EventType.FOLLOWUP_ADDED,
    events.EventType.ASSIGNED,
}


def on_event(event: events.LeadEvent) -> None:
    if event.type in SCHEDULING_EVENTS or (
        event.type == events.EventType.UPDATED
        and "next_follow_up" in event.details.get("fields", ())
    ):
        schedule(event.lead)
