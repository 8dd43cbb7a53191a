import base64

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD, CustomerFactory, SkuFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


def basic(username: str, password: str = PASSWORD) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {token}"


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def client_for():
    """An API client that sends HTTP Basic credentials, as Capillary clients do."""

    def make(user, password: str = PASSWORD) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic(user.username, password))
        return client

    return make


@pytest.fixture
def api(staff, client_for):
    return client_for(staff)


@pytest.fixture
def manager_api(manager, client_for):
    return client_for(manager)


@pytest.fixture
def customer(db):
    return CustomerFactory(mobile="+919876543210", email="asha@example.com")


@pytest.fixture
def sku(db):
    return SkuFactory(code="SKU-1001")


def codes(response) -> list[int]:
    """The error codes of an envelope response, in order."""
    return [item["code"] for item in response.json()["errors"]]


def assert_error_envelope(response, status: int, *expected_codes: int) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"errors", "warnings"}
    assert body["warnings"] == []
    assert all(set(item) == {"code", "message"} for item in body["errors"])
    assert all(isinstance(item["message"], str) and item["message"] for item in body["errors"])
    if expected_codes:
        assert sorted(codes(response)) == sorted(expected_codes), body
