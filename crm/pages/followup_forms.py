"""Forms of My follow-ups' rows: log a contact, reschedule, snooze, and the follow-up a
WhatsApp message leaves. Each calls one service; the service's codes are the API's."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from leads import services
from leads.errors import ErrorCode, coded_error
from leads.inputs import FollowUpInput
from leads.selectors import lead_get

from .forms import FollowUpForm, ServiceFormMixin, datetime_field

# What came of the contact, written at the head of the follow-up's notes (a follow-up has no
# field of its own for it, so the API and the exports show it too).
OUTCOMES = [
    ("", "—"),
    ("Reached", "Reached"),
    ("No answer", "No answer"),
    ("Call back later", "Call back later"),
    ("Will visit the store", "Will visit the store"),
    ("Not interested", "Not interested"),
]

WHATSAPP_NOTE = "WhatsApp message sent"

# Snoozes offered on each row; "tomorrow" keeps the planned time of day.
SNOOZES = ("1h", "tomorrow")
MORNING = datetime.time(10, 0)


class ContactForm(FollowUpForm):
    """A contact logged from the row: outcome, notes, next follow-up; when it happened is now
    unless given."""

    outcome = forms.ChoiceField(label="Outcome", required=False, choices=OUTCOMES)
    followed_up_on = datetime_field("When", "Empty: now.")

    field_order = ["outcome", "notes", "next_follow_up", "followed_up_on"]

    def clean_followed_up_on(self) -> datetime.datetime:
        return self.cleaned_data.get("followed_up_on") or timezone.now()

    def clean_notes(self) -> str:
        notes = (self.cleaned_data.get("notes") or "").strip()
        outcome = self.cleaned_data.get("outcome")
        if outcome:
            return f"{outcome}: {notes}" if notes else outcome
        return notes


class RescheduleForm(ServiceFormMixin, forms.Form):
    next_follow_up = datetime_field("Next follow-up")

    error_fields = {"lead": None}

    def clean_next_follow_up(self) -> datetime.datetime:
        value = self.cleaned_data.get("next_follow_up")
        if value is None:
            raise coded_error(ErrorCode.INVALID_FIELD, "nextFollowUp", "a date and time is needed")
        return value

    def save(self, *, lead_id: int, user: Any) -> Any:
        return services.lead_update(
            lead_id=lead_id, updated_by=user, next_follow_up=self.cleaned_data["next_follow_up"]
        )


def snoozed_until(
    by: str, planned: datetime.datetime | None, now: datetime.datetime | None = None
) -> datetime.datetime:
    """The next follow-up after a snooze: an hour from now (to the minute), or tomorrow at
    the planned time of day (10:00 when none was planned), in the active time zone."""
    now = timezone.localtime(now or timezone.now()).replace(second=0, microsecond=0)
    if by == "1h":
        return now + datetime.timedelta(hours=1)
    at = timezone.localtime(planned).time().replace(second=0, microsecond=0) if planned else MORNING
    tomorrow = now.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, at))


class SnoozeForm(ServiceFormMixin, forms.Form):
    by = forms.CharField(required=False)

    error_fields = {"lead": None, "next_follow_up": "by"}

    def clean_by(self) -> str:
        value = self.cleaned_data.get("by", "")
        if value not in SNOOZES:
            raise coded_error(ErrorCode.INVALID_FIELD, "snooze", "expected 1h or tomorrow")
        return value

    def save(self, *, lead_id: int, user: Any) -> Any:
        lead = lead_get(lead_id=lead_id, user=user, detail=False)
        return services.lead_update(
            lead_id=lead_id,
            updated_by=user,
            next_follow_up=snoozed_until(self.cleaned_data["by"], lead.next_follow_up),
        )


class MessageSentForm(ServiceFormMixin, forms.Form):
    """The follow-up recorded when a WhatsApp message is opened for the customer."""

    error_fields = {"lead": None}

    def save(self, *, lead_id: int, user: Any) -> Any:
        contact = FollowUpInput(followed_up_on=timezone.now(), notes=WHATSAPP_NOTE)
        return services.lead_add_followup(lead_id=lead_id, contact=contact, created_by=user)
