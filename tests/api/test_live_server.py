"""The API over real HTTP: a live server, HTTP Basic, as a Capillary client talks to it."""

import pytest
import requests
from django.test import override_settings

from leads.models import Lead
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def http(live_server, staff):
    session = requests.Session()
    session.auth = (staff.username, PASSWORD)
    session.headers["Accept"] = "application/json"
    session.base = f"{live_server.url}/v2"
    yield session
    session.close()


def test_add_read_and_search_a_lead_over_http(http, customer):
    created = http.post(
        f"{http.base}/leads",
        json={"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa"},
        timeout=10,
    )

    assert created.status_code == 200, created.text
    lead_id = created.json()["id"]
    assert created.headers["Location"].endswith(f"/v2/leads/{lead_id}")
    fetched = http.get(created.headers["Location"], timeout=10)
    assert fetched.json()["leadFor"] == "Sofa"
    found = http.get(f"{http.base}/leads", params={"leadFor": "Sofa"}, timeout=10).json()
    assert [row["id"] for row in found["data"]] == [lead_id]
    assert Lead.objects.get().created_by.username == "associate"


def test_wrong_credentials_get_401_with_a_basic_challenge(http):
    http.auth = ("associate", "wrong")

    response = http.get(f"{http.base}/leads", timeout=10)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json()["errors"][0]["code"] == 90001


def test_errors_are_json_envelopes_over_http(http, customer):
    response = http.post(
        f"{http.base}/leads", json={"userId": customer.pk, "type": "SHOE"}, timeout=10
    )

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert sorted(e["code"] for e in response.json()["errors"]) == [92006, 92009]
    assert not Lead.objects.exists()


def test_an_unknown_api_url_is_the_json_404(http):
    response = http.get(f"{http.base}/no/such/thing", timeout=10)

    assert response.status_code == 404
    assert response.json() == {"errors": [{"code": 90003, "message": "Not found"}], "warnings": []}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_past_the_limit_is_413_over_http(http, customer):
    response = http.post(
        f"{http.base}/leads",
        json={"userId": customer.pk, "type": "CUSTOM", "leadFor": "x" * 4096},
        timeout=10,
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == 90006
    assert not Lead.objects.exists()


def test_the_docs_page_and_schema_are_served_without_internet(http):
    docs = http.get(f"{http.base}/docs/", headers={"Accept": "text/html"}, timeout=10)
    schema = http.get(f"{http.base}/schema/", params={"format": "json"}, timeout=10)

    assert docs.status_code == 200
    assert "swagger-ui-bundle.js" in docs.text
    # Every asset comes from this server (drf-spectacular-sidecar), none from a CDN.
    assert "//cdn" not in docs.text and "unpkg" not in docs.text and "jsdelivr" not in docs.text
    asset = http.get(
        http.base.replace("/v2", "")
        + "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        timeout=10,
    )
    assert asset.status_code == 200
    assert schema.json()["openapi"].startswith("3.")


def test_roles_hold_over_real_http(live_server):
    """The role table through a real server: the search, 404 for a lead out of sight, 403
    (90034) for one seen but not the associate's to change."""
    from tests.scoping import SEES, build_world

    world = build_world()
    session = requests.Session()
    session.auth = ("alice", PASSWORD)
    base = f"{live_server.url}/v2"
    try:
        found = session.get(f"{base}/leads", params={"limit": 100}, timeout=10).json()
        hidden = session.get(f"{base}/leads/{world.leads['s3'].pk}", timeout=10)
        refused = session.put(
            f"{base}/leads/{world.leads['ann_s1'].pk}/status", json={"status": "WON"}, timeout=10
        )
    finally:
        session.close()

    assert world.names(row["id"] for row in found["data"]) == SEES["alice"]
    assert (hidden.status_code, hidden.json()["errors"][0]["code"]) == (404, 92001)
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (403, 90034)
    assert Lead.objects.get(pk=world.leads["ann_s1"].pk).status == "OPEN"
