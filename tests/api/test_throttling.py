"""Writes are rate-limited per user at REST_FRAMEWORK's "writes" rate; reads are not."""

import pytest

from leads.models import Lead

from .conftest import assert_error_envelope


@pytest.fixture
def two_writes_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": "2/min"},
    }


def _add(api, customer):
    return api.post(
        "/v2/leads", {"userId": customer.pk, "type": "CUSTOM", "leadFor": "x"}, format="json"
    )


def test_the_write_past_the_rate_is_429_in_the_envelope(two_writes_a_minute, api, customer):
    assert [_add(api, customer).status_code for _ in range(2)] == [200, 200]

    response = _add(api, customer)

    assert_error_envelope(response, 429, 90007)
    assert int(response["Retry-After"]) > 0
    assert Lead.objects.count() == 2


def test_reads_are_not_throttled(two_writes_a_minute, api, customer):
    for _ in range(2):
        _add(api, customer)

    assert [api.get("/v2/leads").status_code for _ in range(5)] == [200] * 5


def test_each_user_has_their_own_budget(two_writes_a_minute, api, manager_api, customer):
    for _ in range(2):
        _add(api, customer)

    assert _add(manager_api, customer).status_code == 200
    assert _add(api, customer).status_code == 429
