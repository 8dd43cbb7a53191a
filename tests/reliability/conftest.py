import base64

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from leads.errors import REGISTRY, http_status_of
from leads.models import Status
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    ExtendedFieldFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)

ON_POSTGRESQL = connection.vendor == "postgresql"
# The tables the app writes (Django's own bookkeeping tables excluded).
APP_LABELS = ("crm", "catalog", "customers", "leads")


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


def basic_auth(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def boss(db):
    """A superuser: every permission, so that only the input decides the answer."""
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def world(boss):
    """One of everything a request can name."""
    customer = CustomerFactory(mobile="+919876543210", email="asha@example.com")
    ExtendedFieldFactory(name="budget")
    ExtendedFieldFactory(name="count", data_type="INTEGER")
    return {
        "customer": customer,
        "lead": LeadFactory(customer=customer, owner=boss),
        "reason": ReasonFactory(reason="Price too high"),
        "sub": SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide"),
        "sku": SkuFactory(code="SKU-1001"),
    }


@pytest.fixture
def api_as():
    """An API client sending HTTP Basic credentials, as Capillary clients do."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic_auth(user.username))
        return client

    return make


@pytest.fixture
def api(boss, api_as):
    return api_as(boss)


@pytest.fixture
def pages_as():
    """A browser-like client signed in as ``user``."""

    def make(user, **kwargs) -> Client:
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return make


def codes(response) -> list[int]:
    return [item["code"] for item in response.json()["errors"]]


def assert_envelope(response, status: int, *expected: int) -> None:
    """An error in the envelope, with registry codes that give this HTTP status."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"errors", "warnings"}, body
    assert body["errors"], body
    for item in body["errors"]:
        assert set(item) == {"code", "message"}, item
        assert item["code"] in REGISTRY, item
        assert isinstance(item["message"], str) and item["message"], item
    assert http_status_of(body["errors"]) == status, body
    if expected:
        assert sorted(codes(response)) == sorted(expected), body


def app_rows() -> dict[str, list[tuple]]:
    """Every row of every app table, to compare before and after: "nothing written" means
    this did not change (ordered by primary key; sessions and throttles are not app data)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in APP_LABELS and not model._meta.proxy:
            fields = [f.attname for f in model._meta.concrete_fields]
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return state


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The fuzz run's figures (requests sent per operation, 5xx answers), when it ran."""
    from . import test_fuzz

    if not test_fuzz.SENT:
        return
    sent, errors = test_fuzz.SENT, test_fuzz.SERVER_ERRORS
    terminalreporter.write_sep("-", "schemathesis fuzz")
    terminalreporter.write_line(
        f"{sum(sent.values())} requests over {len(sent)} operations "
        f"({min(sent.values())} to {max(sent.values())} each), "
        f"{sum(errors.values())} answered 5xx"
    )
