"""HTTP Basic at the cost of a token: verified credentials are remembered for a short time, under
a key that reveals nothing, until the password changes or the user is deactivated; failures are
never remembered and are limited per username and per client address."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.api.conftest import assert_error_envelope, basic
from tests.factories import PASSWORD, LeadFactory, UserFactory


@pytest.fixture
def hasher_calls(monkeypatch):
    """How many times a password was checked with the hasher."""
    calls = []
    user_model = get_user_model()
    original = user_model.check_password

    def counting(self, raw_password):
        calls.append(self.username)
        return original(self, raw_password)

    monkeypatch.setattr(user_model, "check_password", counting)
    return calls


def _get(client, username, password=PASSWORD, address="10.1.1.1"):
    return client.get(
        "/v2/leads", HTTP_AUTHORIZATION=basic(username, password), REMOTE_ADDR=address
    )


def test_verified_credentials_skip_the_hasher_until_they_expire(client, staff, hasher_calls):
    LeadFactory()
    for _ in range(3):
        assert _get(client, staff.username).status_code == 200
    assert hasher_calls == [staff.username]

    cache.clear()  # as when the entry expires
    assert _get(client, staff.username).status_code == 200
    assert len(hasher_calls) == 2


def test_nothing_is_remembered_when_the_setting_is_zero(client, staff, settings, hasher_calls):
    settings.BASIC_AUTH_CACHE_SECONDS = 0
    for _ in range(2):
        assert _get(client, staff.username).status_code == 200
    assert len(hasher_calls) == 2


def test_a_password_change_ends_the_remembered_credentials_at_once(client, staff, hasher_calls):
    assert _get(client, staff.username).status_code == 200
    staff.set_password("a-new-password-9")
    staff.save()

    assert_error_envelope(_get(client, staff.username), 401, 90001)
    assert _get(client, staff.username, "a-new-password-9").status_code == 200


def test_a_deactivation_ends_the_remembered_credentials_at_once(client, staff):
    assert _get(client, staff.username).status_code == 200
    staff.is_active = False
    staff.save()

    assert_error_envelope(_get(client, staff.username), 401, 90001)


def test_a_wrong_password_is_never_remembered(client, staff, hasher_calls):
    for _ in range(2):
        assert_error_envelope(_get(client, staff.username, "wrong"), 401, 90001)
    assert len(hasher_calls) == 2
    assert _get(client, staff.username).status_code == 200
    assert len(hasher_calls) == 3


def test_remembered_credentials_do_not_admit_another_password(client, staff):
    assert _get(client, staff.username).status_code == 200
    assert_error_envelope(_get(client, staff.username, PASSWORD + "x"), 401, 90001)


def test_the_cache_keys_reveal_neither_username_nor_password(client, staff):
    assert _get(client, staff.username).status_code == 200
    _get(client, staff.username, "wrong-secret")

    keys = " ".join(str(key) for key in cache._cache)  # the local-memory cache of the tests
    assert "basic:" in keys
    for secret in (staff.username, PASSWORD, "wrong-secret"):
        assert secret not in keys


def test_failures_past_the_limit_are_refused_before_the_hasher_per_username(
    client, staff, settings, hasher_calls
):
    settings.BASIC_AUTH_MAX_FAILURES = 3
    for n in range(3):
        assert_error_envelope(_get(client, staff.username, "wrong", f"10.0.0.{n}"), 401, 90001)

    # From another address, even with the right password: refused without checking it.
    response = _get(client, staff.username, PASSWORD, "10.9.9.9")
    assert_error_envelope(response, 429, 90007)
    assert response["Retry-After"] == str(settings.BASIC_AUTH_FAILURE_WINDOW)
    assert len(hasher_calls) == 3


def test_failures_past_the_limit_are_refused_per_client_address(client, settings, hasher_calls):
    settings.BASIC_AUTH_MAX_FAILURES = 3
    for n in range(3):
        UserFactory(username=f"user{n}")
        assert_error_envelope(_get(client, f"user{n}", "wrong", "10.2.2.2"), 401, 90001)

    other = UserFactory(username="another")
    assert_error_envelope(_get(client, other.username, PASSWORD, "10.2.2.2"), 429, 90007)
    assert _get(client, other.username, PASSWORD, "10.3.3.3").status_code == 200
