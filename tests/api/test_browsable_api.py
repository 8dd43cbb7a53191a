"""The browsable API renders every endpoint for a logged-in staff user."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, FollowUpFactory, LeadFactory


@pytest.fixture
def browser(admin_user):
    client = Client()
    assert client.login(username=admin_user.username, password=PASSWORD)
    return client


@pytest.fixture
def lead(customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    FollowUpFactory(lead=lead)
    return lead


@pytest.mark.parametrize(
    "path",
    [
        "/v2/leads",
        "/v2/leads/{lead}",
        "/v2/leads/{lead}/status",
        "/v2/leads/{lead}/statusLog",
        "/v2/leads/{lead}/followups",
        "/v2/leads/{lead}/followup",
        "/v2/leads/reasons",
        "/v2/leads/substatus",
        "/v2/leads/substatuses",
        "/v2/leads/bulk/status",
        "/v2/customers?idType=MOBILE&identifier=%2B919876543210",
        "/v2/customers/{customer}",
    ],
)
def test_every_endpoint_renders_as_html(browser, lead, customer, path):
    url = path.format(lead=lead.pk, customer=customer.pk)

    response = browser.get(url, HTTP_ACCEPT="text/html")

    content = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Leads CRM API" in content or "Django REST framework" in content
    # GET-less endpoints show their form with a 405 for the GET; the others answer 200.
    assert response.status_code in (200, 405)
    if response.status_code == 405:
        assert 'name="_content"' in content
    assert "90500" not in content


def test_the_add_lead_form_is_offered(browser):
    content = browser.get("/v2/leads", HTTP_ACCEPT="text/html").content.decode()

    assert 'name="_content"' in content
    assert "leadFor" in content


def test_a_lookup_without_identifier_renders_the_error_envelope(browser):
    response = browser.get("/v2/customers", HTTP_ACCEPT="text/html")

    assert response.status_code == 400
    assert "92012" in response.content.decode()


def test_a_logged_out_browser_gets_a_login_link_not_a_password_pop_up(db):
    response = Client().get("/v2/leads", HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert response.status_code == 401
    # No Basic challenge: the browser would show its own password dialog.
    assert "WWW-Authenticate" not in response
    assert "/v2/auth/login/" in response.content.decode()
    assert "90001" in response.content.decode()
