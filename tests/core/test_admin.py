"""Rows the app writes are shown in the admin and never written there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.core.models import IdempotencyKey, Notification
from crm.core.services import notify


@pytest.fixture
def admin_client(client, admin_user, password):
    assert client.login(username=admin_user.username, password=password)
    return client


@pytest.fixture
def notification(admin_user):
    (row,) = notify(recipients=[admin_user], kind="FOLLOW_UP_DUE", title="Lead 1 is yours")
    return row


@pytest.fixture
def stored_key(admin_user):
    now = timezone.now()
    return IdempotencyKey.objects.create(
        key="k-1",
        user=admin_user,
        method="POST",
        path="/v2/leads",
        request_hash="x",
        response_status=200,
        response_body={},
        expires_on=now + datetime.timedelta(hours=1),
    )


@pytest.mark.parametrize("row_name", ["notification", "stored_key"])
def test_app_written_rows_are_seen_but_not_added_changed_or_deleted(
    admin_client, request, row_name
):
    row = request.getfixturevalue(row_name)
    opts = row._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"

    assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200
    assert admin_client.get(reverse(f"{name}_add")).status_code == 403
    assert (
        admin_client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.post(reverse(f"{name}_change", args=[row.pk]), {}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()
    assert Notification.objects.count() + IdempotencyKey.objects.count() == 1
