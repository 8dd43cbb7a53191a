"""A delivery left SENDING by a worker that died is taken back by the next dispatch: logged as a
failed attempt (not held against the endpoint), retried on schedule with the same
``webhook-id``, and the later events of its lead go out after it. A live sender is left alone,
and one that finishes after its delivery was taken back changes nothing but the log."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from crm.webhooks import services
from crm.webhooks.delivery import Outcome
from crm.webhooks.models import WebhookDelivery
from leads import services as lead_services
from leads.models import OutboxEvent, Status
from tests.factories import LeadFactory
from tests.task_backend import run_deferred

State = WebhookDelivery.State


@pytest.fixture
def stuck(receiver, manager, settings):
    """A lead whose first event's delivery was being sent by a worker that died ``ago``."""
    settings.WEBHOOK_STUCK_SECONDS = 600
    lead = LeadFactory(owner=manager)
    endpoint = services.endpoint_create(created_by=manager, url=receiver.url)
    event = OutboxEvent.objects.create(
        type=OutboxEvent.Type.CREATED, lead=lead, dispatched_on=timezone.now()
    )

    def make(ago: datetime.timedelta) -> WebhookDelivery:
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            lead=lead,
            state=State.SENDING,
            attempts=1,
            sending_since=timezone.now() - ago,
        )

    make.lead = lead  # type: ignore[attr-defined]
    make.endpoint = endpoint  # type: ignore[attr-defined]
    return make


def change_status(lead, user):
    return lead_services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=user)


def test_a_delivery_left_sending_by_a_dead_worker_is_retried_then_its_lead_goes_on(
    stuck, receiver, manager, commit
):
    delivery = stuck(datetime.timedelta(hours=1))
    lead, endpoint = stuck.lead, stuck.endpoint

    commit(lambda: change_status(lead, manager))  # the next dispatch takes it back

    delivery.refresh_from_db()
    assert (delivery.state, delivery.sending_since) == (State.PENDING, None)
    assert delivery.next_attempt_on is not None
    assert receiver.received == []  # the later event waits for it
    later = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert later.state == State.PENDING

    commit(run_deferred)

    delivery.refresh_from_db()
    later.refresh_from_db()
    assert (delivery.state, delivery.attempts, later.state) == (State.SUCCEEDED, 2, State.SUCCEEDED)
    log = list(delivery.attempt_log.values_list("status_code", "error"))
    assert log == [(None, "The worker stopped while sending"), (200, "")]
    events = OutboxEvent.objects.filter(lead=lead).order_by("id")
    assert [r.headers["webhook-id"] for r in receiver.received] == [e.event_id for e in events]
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.failing_since) == (True, None)


def test_a_delivery_sending_now_is_left_to_its_worker(stuck, manager, commit):
    delivery = stuck(datetime.timedelta(seconds=5))

    commit(lambda: change_status(stuck.lead, manager))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.SENDING, 1)
    assert not delivery.attempt_log.exists()


def test_a_sender_finishing_after_its_delivery_was_taken_back_changes_only_the_log(
    stuck, monkeypatch
):
    delivery = stuck(datetime.timedelta(hours=1))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=State.PENDING, attempts=0)

    def slow_send(**kwargs):
        # Meanwhile the delivery looked stuck and was taken back for its retry.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            sending_since=timezone.now() - datetime.timedelta(hours=1)
        )
        assert services.recover_stuck() == 1
        return Outcome(200, 12)

    monkeypatch.setattr(services, "send", slow_send)

    services.deliver(delivery_id=delivery.pk, attempts=0)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
    log = list(delivery.attempt_log.values_list("status_code", "error"))
    assert log == [(None, "The worker stopped while sending"), (200, "")]
