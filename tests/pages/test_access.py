"""Who may open the pages: active staff only; org settings only for managers."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, CustomerFactory, LeadFactory, UserFactory

from .conftest import text_of

STAFF_PAGES = [
    "dashboard",
    "lead-list",
    "lead-create",
    "my-followups",
    "customer-list",
    "customer-create",
]


@pytest.mark.parametrize("name", [*STAFF_PAGES, "org-settings"])
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_signed_in_user_without_staff_status_is_refused(client_for, name):
    outsider = UserFactory(username="shopper", is_staff=False)

    response = client_for(outsider).get(reverse(name))

    assert response.status_code == 403
    assert "Staff access is required" in text_of(response)


def test_deactivated_staff_session_is_refused(client_for):
    user = UserFactory(username="leaver")
    client = client_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(reverse("lead-list"))

    # Django's auth drops the session of an inactive user: back to the login page.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_lead_and_customer_pages_need_staff_too(client_for):
    lead = LeadFactory()
    outsider = UserFactory(username="shopper", is_staff=False)
    client = client_for(outsider)

    assert client.get(reverse("lead-detail", args=[lead.pk])).status_code == 403
    assert client.get(reverse("customer-detail", args=[lead.customer_id])).status_code == 403


def test_staff_user_logs_in_and_lands_on_the_dashboard(client, staff):
    response = client.post(reverse("login"), {"username": "associate", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_login_refuses_an_account_without_staff_status(client, db):
    UserFactory(username="shopper", is_staff=False)

    response = client.post(reverse("login"), {"username": "shopper", "password": PASSWORD})

    assert response.status_code == 200
    assert "This account has no access to the CRM" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_password_says_so(client, staff):
    response = client.post(reverse("login"), {"username": "associate", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(staff_client):
    response = staff_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert staff_client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize("name", ["org-add-reason", "org-add-substatus", "org-auto-registration"])
def test_associate_cannot_change_org_settings(staff_client, name):
    response = staff_client.post(reverse(name), {"reason": "x", "status": "OPEN", "name": "x"})

    assert response.status_code == 403
    assert "Only managers can change the org settings" in text_of(response)


def test_associate_sees_the_403_page_for_org_settings(staff_client):
    response = staff_client.get(reverse("org-settings"))

    assert response.status_code == 403
    assert "You cannot open this page" in text_of(response)


def test_manager_and_superuser_open_org_settings(manager_client, admin_user, client_for):
    assert manager_client.get(reverse("org-settings")).status_code == 200
    assert client_for(admin_user).get(reverse("org-settings")).status_code == 200


def test_navigation_shows_settings_and_import_to_managers_only(staff_client, manager_client):
    associate_page = staff_client.get(reverse("dashboard")).content.decode()
    manager_page = manager_client.get(reverse("dashboard")).content.decode()

    assert reverse("org-settings") not in associate_page
    assert reverse("lead-import") not in associate_page
    assert reverse("org-settings") in manager_page
    assert reverse("lead-import") in manager_page


def test_every_form_carries_a_csrf_token(manager_client):
    lead = LeadFactory()
    customer = CustomerFactory()
    for url in [
        reverse("lead-detail", args=[lead.pk]),
        reverse("lead-create"),
        reverse("lead-list"),
        reverse("customer-create"),
        reverse("org-settings"),
        reverse("customer-detail", args=[customer.pk]),
    ]:
        html = manager_client.get(url).content.decode()
        post_forms = html.count('method="post"')
        assert post_forms >= 1, url
        assert html.count("csrfmiddlewaretoken") == post_forms, url


def test_a_post_without_csrf_token_is_refused(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    lead = LeadFactory()

    response = client.post(reverse("lead-change-status", args=[lead.pk]), {"status": "WON"})

    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.status == "OPEN"


@pytest.mark.parametrize("path", ["/leads/99999/", "/customers/99999/", "/no-such-page/"])
def test_a_missing_page_is_the_apps_404_page_even_with_debug_on(staff_client, settings, path):
    settings.DEBUG = True

    response = staff_client.get(path)

    assert response.status_code == 404
    text = response.content.decode()
    assert "Nothing here" in text and "Go to the lead list" in text
    # Not Django's technical page, which lists the URL patterns.
    assert "URLconf" not in text and "Using the URLconf" not in text
