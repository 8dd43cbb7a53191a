"""Webhooks delivered by a real worker process (the database queue; RQ on Redis), to a real
receiver on loopback, retried on schedule through the backend's ``run_after``."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from crm.webhooks import services
from crm.webhooks.models import WebhookDelivery
from leads import services as lead_services
from leads.models import OutboxEvent, Status
from tests.factories import LeadFactory
from tests.workers import child_env, needs_reachable_database, needs_redis, process, wait_for

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["database", "redis"])
def worker_backend(request, settings):
    """The task backend of the test process and of its worker, alike."""
    needs_reachable_database()
    if request.param == "database":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        return {}
    url = needs_redis()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}
    import django_rq

    django_rq.get_connection("default").flushdb()
    return {"REDIS_URL": url}


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_signed_and_retries_on_schedule(
    worker_backend, receiver, manager, tmp_path, settings
):
    receiver.statuses = [503, 200]
    endpoint = services.endpoint_create(created_by=manager, url=receiver.url)
    lead = LeadFactory(owner=manager)

    lead_services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=manager)

    env = child_env(
        WEBHOOK_ALLOWED_PRIVATE_RANGES="127.0.0.0/8", WEBHOOK_RETRY_SECONDS="1", **worker_backend
    )
    with process(["worker"], env, tmp_path / "worker.log"):
        wait_for(
            lambda: WebhookDelivery.objects.filter(state=WebhookDelivery.State.SUCCEEDED).exists(),
            what="the delivery to succeed",
        )

    delivery = WebhookDelivery.objects.get()
    attempts = list(delivery.attempt_log.all())
    assert [a.status_code for a in attempts] == [503, 200]
    assert delivery.attempts == 2
    event_id = OutboxEvent.objects.get().event_id
    assert [r.headers["webhook-id"] for r in receiver.received] == [event_id, event_id]
    body = Webhook(endpoint.secret).verify(
        receiver.received[-1].body, receiver.received[-1].headers
    )
    assert body["data"]["lead"]["id"] == lead.pk
