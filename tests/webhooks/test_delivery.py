"""Deliveries to a real HTTP receiver on loopback: signed as Standard Webhooks says, retried on
schedule with the same ``webhook-id``, in order per endpoint and lead, failed after the last
retry, and an endpoint failing for a day switched off with its admins told."""

from __future__ import annotations

import datetime
import json
import socket

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from crm.core.models import Notification
from crm.webhooks import services, tasks
from crm.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from leads import services as lead_services
from leads.inputs import FollowUpInput, StatusChange
from leads.models import OutboxEvent, Status
from tests.factories import LeadFactory, UserFactory
from tests.task_backend import backend, run_deferred

State = WebhookDelivery.State


@pytest.fixture
def lead(manager):
    return LeadFactory(owner=manager)


@pytest.fixture
def endpoint(receiver, manager):
    return services.endpoint_create(created_by=manager, url=receiver.url)


def change_status(lead, user, status=Status.ON_HOLD):
    return lead_services.lead_change_status(lead_id=lead.pk, status=status, changed_by=user)


def test_a_delivery_is_signed_and_verifies_with_standardwebhooks(
    receiver, endpoint, lead, manager, commit
):
    commit(lambda: change_status(lead, manager))

    (request,) = receiver.received
    event = OutboxEvent.objects.get()
    body = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == event.event_id
    assert request.headers["webhook-signature"].startswith("v1,")
    assert set(body) == {"type", "timestamp", "data"}
    assert body["type"] == "lead.status_changed"
    assert body["data"]["lead"]["id"] == lead.pk
    assert body["data"]["lead"]["status"] == "ON_HOLD"
    assert body["data"]["details"] == {
        "previousStatus": "OPEN",
        "status": "ON_HOLD",
        "subStatusId": None,
        "reasonId": None,
    }
    assert body["data"]["actor"] == manager.username
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.SUCCEEDED, 1)
    assert WebhookAttempt.objects.get().status_code == 200
    event.refresh_from_db()
    assert event.dispatched_on is not None


def test_a_tampered_body_does_not_verify(receiver, endpoint, lead, manager, commit):
    commit(lambda: change_status(lead, manager))

    (request,) = receiver.received
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(endpoint.secret).verify(request.body.replace(b"ON_HOLD", b"WON"), request.headers)


def test_a_failing_receiver_is_retried_on_schedule_then_succeeds_with_the_same_id(
    receiver, endpoint, lead, manager, commit
):
    receiver.statuses = [503, 500, 200]

    commit(lambda: change_status(lead, manager))

    delivery = WebhookDelivery.objects.get()
    first = delivery.attempt_log.get()
    (waiting,) = backend().deferred
    assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
    assert waiting.task.run_after == delivery.next_attempt_on
    assert delivery.next_attempt_on - first.attempted_on == datetime.timedelta(seconds=5)

    schedule = []
    while backend().deferred:
        schedule.append(backend().deferred[0].task.run_after)
        commit(lambda: run_deferred(limit=1))

    delivery.refresh_from_db()
    attempts = list(delivery.attempt_log.all())
    assert [a.status_code for a in attempts] == [503, 500, 200]
    # Each retry was deferred by the schedule's step after the attempt before it.
    assert [when - a.attempted_on for when, a in zip(schedule, attempts, strict=False)] == [
        datetime.timedelta(seconds=5),
        datetime.timedelta(seconds=300),
    ]
    assert (delivery.state, delivery.attempts) == (State.SUCCEEDED, 3)
    ids = {request.headers["webhook-id"] for request in receiver.received}
    assert ids == {OutboxEvent.objects.get().event_id}
    for request in receiver.received:
        Webhook(endpoint.secret).verify(request.body, request.headers)


@pytest.fixture
def run_retries(commit):
    def run() -> int:
        ran = 0
        while backend().deferred:
            ran += commit(lambda: run_deferred(limit=1))
        return ran

    return run


def test_after_the_last_retry_the_delivery_is_failed_and_visible(
    receiver, endpoint, lead, manager, commit, run_retries, settings
):
    settings.WEBHOOK_RETRY_SECONDS = [1, 2]
    receiver.statuses = [500]

    commit(lambda: change_status(lead, manager))
    run_retries()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.FAILED, 3)
    assert delivery.finished_on is not None
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 500]
    assert len(receiver.received) == 3
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None and endpoint.is_active


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_an_attempt_with_its_error_and_is_retried(
    receiver, manager, lead, commit
):
    services.endpoint_create(created_by=manager, url=f"http://127.0.0.1:{free_port()}/hook")

    commit(lambda: change_status(lead, manager))

    delivery = WebhookDelivery.objects.get()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("Connection failed")
    assert (delivery.state, len(backend().deferred)) == (State.PENDING, 1)


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    receiver, endpoint, lead, manager, commit, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 1

    commit(lambda: change_status(lead, manager))

    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (None, "Timed out after 0.2 s")
    assert WebhookDelivery.objects.get().state == State.PENDING


def test_a_large_answer_is_read_only_up_to_the_cap(
    receiver, endpoint, lead, manager, commit, settings
):
    settings.WEBHOOK_RESPONSE_MAX_BYTES = 1024
    receiver.body = b"x" * (5 * 1024 * 1024)

    commit(lambda: change_status(lead, manager))

    assert WebhookAttempt.objects.get().status_code == 200
    assert WebhookDelivery.objects.get().state == State.SUCCEEDED


def test_events_of_one_lead_reach_an_endpoint_in_order(
    receiver, endpoint, lead, manager, commit, run_retries
):
    """The first event fails and waits for its retry: the lead's next event waits behind it,
    and then both arrive in the order they happened."""
    receiver.statuses = [500, 200]

    commit(lambda: change_status(lead, manager))
    commit(
        lambda: lead_services.lead_add_followup(
            lead_id=lead.pk,
            contact=FollowUpInput(followed_up_on=timezone.now()),
            created_by=manager,
        )
    )

    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.filter(state=State.PENDING).count() == 2
    run_retries()

    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert types == ["lead.status_changed", "lead.status_changed", "lead.followup_added"]
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {State.SUCCEEDED}


def test_another_lead_s_events_do_not_wait(receiver, endpoint, lead, manager, commit):
    receiver.statuses = [500, 200]
    other = LeadFactory(owner=manager)

    commit(lambda: change_status(lead, manager))
    commit(lambda: change_status(other, manager))

    assert [json.loads(r.body)["data"]["lead"]["id"] for r in receiver.received] == [
        lead.pk,
        other.pk,
    ]


def test_an_endpoint_hears_only_the_events_it_names(receiver, manager, lead, commit):
    services.endpoint_create(created_by=manager, url=receiver.url, events=["lead.assigned"])
    alice = UserFactory(username="alice")

    commit(lambda: change_status(lead, manager))
    commit(
        lambda: lead_services.lead_assign_owner(lead_id=lead.pk, owner=alice, changed_by=manager)
    )

    assert [json.loads(r.body)["type"] for r in receiver.received] == ["lead.assigned"]


def test_a_rolled_back_change_sends_nothing(receiver, endpoint, lead, manager, commit):
    from django.db import transaction

    def change_then_roll_back():
        with transaction.atomic():
            change_status(lead, manager)
            transaction.set_rollback(True)

    commit(change_then_roll_back)

    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_an_endpoint_failing_for_a_day_is_switched_off_and_its_admins_told(
    receiver, endpoint, lead, manager, commit
):
    admin = UserFactory(username="root", is_superuser=True, email="root@example.com")
    associate = UserFactory(username="assoc")
    receiver.statuses = [500]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )

    commit(lambda: change_status(lead, manager))

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason.startswith("Every delivery failed since")
    assert WebhookDelivery.objects.get().state == State.FAILED
    assert backend().deferred == []
    (notice,) = Notification.objects.all()
    assert (notice.recipient, notice.kind) == (admin, "webhook_disabled")
    assert endpoint.url in notice.title
    assert not Notification.objects.filter(recipient=associate).exists()
    assert [m.to for m in mail.outbox] == [["root@example.com"]]


def test_a_switched_off_endpoint_gets_no_delivery(receiver, endpoint, lead, manager, commit):
    services.endpoint_update(endpoint_id=endpoint.pk, is_active=False)

    commit(lambda: change_status(lead, manager))

    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_failed_delivery_retried_by_hand_is_sent_again_with_the_same_id(
    receiver, endpoint, lead, manager, commit, settings
):
    settings.WEBHOOK_RETRY_SECONDS = []
    receiver.statuses = [500, 200]
    commit(lambda: change_status(lead, manager))
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == State.FAILED

    commit(lambda: services.delivery_retry(endpoint_id=endpoint.pk, delivery_id=delivery.pk))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.SUCCEEDED, 1)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_a_destination_that_became_private_is_not_called(
    receiver, endpoint, lead, manager, commit, settings
):
    settings.WEBHOOK_ALLOWED_PRIVATE_RANGES = []

    commit(lambda: change_status(lead, manager))

    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.error == f"Webhook URL {receiver.url} points to an address that is not public"


def test_a_bulk_change_dispatches_once_and_delivers_each_event(
    receiver, endpoint, manager, commit, monkeypatch
):
    enqueued = []
    task = tasks.dispatch_events

    class Counted:
        def enqueue(self):
            enqueued.append(1)
            return task.enqueue()

    monkeypatch.setattr(tasks, "dispatch_events", Counted())
    leads = LeadFactory.create_batch(3, owner=manager)

    commit(
        lambda: lead_services.lead_bulk_change_status(
            items=[(lead.pk, StatusChange(status=Status.ON_HOLD)) for lead in leads],
            changed_by=manager,
        )
    )

    assert enqueued == [1]
    assert sorted(json.loads(r.body)["data"]["lead"]["id"] for r in receiver.received) == [
        lead.pk for lead in leads
    ]
