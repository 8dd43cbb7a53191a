"""Idempotency-Key on writes: a retry returns the first response and stores nothing new."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from crm.core.models import IdempotencyKey
from leads.models import FollowUp, Lead, LeadStatus
from tests.factories import LeadFactory

from .conftest import assert_error_envelope, basic


def _add(api, customer, key, lead_for="Sofa"):
    return api.post(
        "/v2/leads",
        {"userId": customer.pk, "type": "CUSTOM", "leadFor": lead_for},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retry_returns_the_first_response_and_creates_nothing(api, customer):
    first = _add(api, customer, "key-1")
    retry = _add(api, customer, "key-1")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Lead.objects.count() == 1 and LeadStatus.objects.count() == 1


def test_the_same_key_with_another_body_is_90011(api, customer):
    _add(api, customer, "key-1")

    response = _add(api, customer, "key-1", lead_for="Table")

    assert_error_envelope(response, 422, 90011)
    assert list(Lead.objects.values_list("lead_for", flat=True)) == ["Sofa"]


def test_keys_belong_to_one_user(api, client_for, manager, customer):
    _add(api, customer, "shared")
    _add(client_for(manager), customer, "shared")

    assert Lead.objects.count() == 2
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_a_failed_request_keeps_no_key(api, customer):
    failed = api.post(
        "/v2/leads",
        {"userId": customer.pk, "type": "SHOE"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert failed.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert _add(api, customer, "k").status_code == 200


def test_an_expired_key_can_be_used_again(api, customer):
    _add(api, customer, "old")
    IdempotencyKey.objects.update(expires_on=timezone.now() - datetime.timedelta(seconds=1))

    response = _add(api, customer, "old")

    assert "Idempotent-Replayed" not in response
    assert Lead.objects.count() == 2
    assert IdempotencyKey.objects.get().expires_on > timezone.now()


def test_expired_keys_of_the_user_are_purged_on_their_next_keyed_write(api, customer):
    _add(api, customer, "a")
    _add(api, customer, "b", lead_for="Table")
    IdempotencyKey.objects.filter(key="a").update(
        expires_on=timezone.now() - datetime.timedelta(seconds=1)
    )

    _add(api, customer, "c", lead_for="Chair")

    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["b", "c"]


def test_the_key_expires_after_the_configured_time(api, customer, settings):
    settings.LEADS_IDEMPOTENCY_TTL_HOURS = 2
    _add(api, customer, "ttl")

    key = IdempotencyKey.objects.get()
    assert datetime.timedelta(hours=1, minutes=59) < key.expires_on - key.created_on
    assert key.expires_on - key.created_on <= datetime.timedelta(hours=2, seconds=1)


def test_an_overlong_key_is_90008(api, customer):
    assert_error_envelope(_add(api, customer, "k" * 256), 400, 90008)
    assert not Lead.objects.exists()


def test_follow_ups_honour_the_key_too(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    body = {"followedUpOn": "2026-11-27T10:00:00Z"}

    for _ in range(2):
        api.post(f"/v2/leads/{lead.pk}/followup", body, format="json", HTTP_IDEMPOTENCY_KEY="f")

    assert FollowUp.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_parallel_requests_with_one_key_store_one_lead(staff, customer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers before the key is reached")
    barrier = threading.Barrier(2)
    responses = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic(staff.username))
        barrier.wait()
        try:
            responses.append(_add(client, customer, "parallel"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Lead.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
