"""Who gets in: every URL pattern of the project walked as an anonymous visitor, as an
associate (staff without permissions) and as a signed-in user without a CSRF token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm.core.api.exceptions import api_not_found
from crm.core.models import IdempotencyKey
from crm.org.models import Role
from crm.pages.models import SavedView
from leads.models import (
    ImportJob,
    Lead,
    OrgSettings,
    OwnerChange,
    Reason,
    StoreChange,
    SubStatus,
)
from tests.factories import (
    ExtendedFieldFactory,
    FollowUpFactory,
    LeadFactory,
    OrgUnitFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
    give_role,
)

from .api_calls import WRITE_IDS, WRITES, send
from .conftest import app_rows, assert_envelope, basic_auth
from .url_walk import Url, all_urls, webhook_ids

METHODS = ("get", "post", "put", "patch", "delete")

# Open to anyone, and why. Everything else needs a signed-in active staff user.
PUBLIC = {
    "login": "the staff login page",
    "admin:login": "the admin login page",
    "rest_framework:login": "the browsable API's login page",
    "logout": "ends the session (a POST); holds nothing",
    "admin:logout": "ends the session; holds nothing",
    "rest_framework:logout": "ends the session; holds nothing",
    "api-schema": "the API's OpenAPI description: endpoints and codes, no data",
    "api-docs": "the offline docs page rendering that description",
    "v2/^.*$": "an unknown URL under /v2/ is the envelope's 404 for everyone",
}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@pytest.fixture
def urls(db) -> list[Url]:
    """Every URL pattern, its parameters filled with ids of existing rows."""
    owner = UserFactory(username="owner")
    lead = LeadFactory(owner=owner)
    # A row of every model the admin shows, so that its object pages find one.
    ReasonFactory()
    SubStatusFactory()
    SkuFactory()
    FollowUpFactory(lead=lead)
    OwnerChange.objects.create(lead=lead, to_owner=owner, changed_by=owner)
    StoreChange.objects.create(lead=lead, to_store=OrgUnitFactory(code="S1"), changed_by=owner)
    Group.objects.create(name="Managers")
    give_role(owner, Role.ASSOCIATE, OrgUnitFactory(code="S1"))
    Token.objects.create(user=owner)
    IdempotencyKey.objects.create(
        user=owner, key="k", method="POST", path="/v2/leads", request_hash="0", expires_on=now()
    )
    OrgSettings.load()
    field = ExtendedFieldFactory()
    job = ImportJob.objects.create(created_by=owner, file_name="leads.csv", file_path="x.csv")
    return all_urls(
        {
            "lead_id": lead.pk,
            "leadId": lead.pk,
            "customer_id": lead.customer_id,
            "userId": lead.customer_id,
            "job_id": job.pk,
            "field_id": field.pk,
            "reason_id": Reason.objects.order_by("pk").first().pk,
            "substatus_id": SubStatus.objects.order_by("pk").first().pk,
            "view_id": SavedView.objects.create(owner=owner, name="Mine", query="status=OPEN").pk,
            "id": owner.pk,
            "content_type_id": ContentType.objects.get_for_model(Lead).pk,
            "object_id": lead.pk,
            **webhook_ids(lead, url="https://example.com/hook"),
            "app_label": "leads",
            "url": "nothing-here/",
            "code": "S1",
            "username": owner.username,
        }
    )


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES)


def test_the_walk_covers_every_pattern(urls):
    """The walk is not a hand-picked list: it holds every route the project serves (the
    admin's, the API's, the pages'), each filled in and resolving to its own view."""
    routes = {url.route for url in urls}
    assert len(routes) == len(urls)
    for route in ("admin/leads/lead/<path:object_id>/change/", "v2/^leads/(?P<leadId>[^/]+)$"):
        assert route in routes
    assert sum(url.is_api for url in urls) >= 15
    assert sum(not url.is_api and not url.is_admin for url in urls) >= 25
    assert set(PUBLIC) <= {url.name for url in urls}


def test_an_anonymous_request_is_refused_everywhere(urls):
    """Every method on every URL: 401/403 (the API, in the envelope), a redirect to a login
    page, or 405 where the method does not exist; at least one method of each URL is refused
    rather than missing. The public URLs are listed above with the reason."""
    client = APIClient()
    before = app_rows()
    for url in urls:
        if url.name in PUBLIC:
            continue
        answers = {m: getattr(client, m)(url.path) for m in METHODS}
        refused = []
        for method, response in answers.items():
            status = response.status_code
            assert status in (302, 401, 403, 405), (str(url), method, status)
            if status == 302:
                assert _is_login_redirect(response), (str(url), method, response["Location"])
            if url.is_api and status in (401, 403):
                assert_envelope(response, status)
            if status != 405:
                refused.append(method)
        assert refused, str(url)
    assert app_rows() == before


def test_the_public_urls_hold_no_data(urls):
    """What an anonymous visitor sees on the public URLs names no lead or customer."""
    lead = Lead.objects.select_related("customer").get()
    client = Client()
    for url in urls:
        if url.name not in PUBLIC:
            continue
        response = client.get(url.path)
        assert response.status_code in (200, 302, 404, 405), str(url)
        body = response.content.decode()
        for private in (lead.lead_for, lead.customer.email, lead.customer.mobile):
            assert private not in body, (str(url), private)


@pytest.mark.parametrize("path", ["/no-such-page/", "/leads/0/", "/admin/no-such-app/"])
def test_an_anonymous_visitor_of_a_missing_page_is_not_shown_a_500(db, path):
    """The 404 page shares the sidebar of the signed-in pages; it must render without a
    user too (it was a 500)."""
    response = Client().get(path)

    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert _is_login_redirect(response)


def test_an_api_request_with_wrong_credentials_is_401_everywhere(urls, settings):
    # Every URL, one address: far more failures than the limit on guessing allows
    # (tests/api/test_basic_auth_cache.py tests that limit).
    settings.BASIC_AUTH_MAX_FAILURES = 10_000
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_auth("owner", "wrong password"))
    for url in urls:
        if not url.is_api or url.name in PUBLIC:
            continue
        for method in METHODS:
            response = getattr(client, method)(url.path)
            assert response.status_code in (401, 405), (str(url), method, response.status_code)
            if response.status_code == 401:
                assert_envelope(response, 401, 90001)
                assert response["WWW-Authenticate"].startswith("Basic")


def test_a_signed_in_user_who_is_not_staff_is_refused_everywhere(urls, pages_as):
    outsider = UserFactory(username="shopper", is_staff=False)
    client = pages_as(outsider)
    before = app_rows()
    for url in urls:
        if url.name in PUBLIC:
            continue
        response = client.get(url.path)
        assert response.status_code in (302, 403, 405), (str(url), response.status_code)
        if response.status_code == 302:
            # The admin sends a non-staff user to its login page.
            assert _is_login_redirect(response), (str(url), response["Location"])
    assert app_rows() == before


# --- associates cannot configure -------------------------------------------------------------

CONFIGURATION = ("org-", "admin:", "api-reason-list", "api-substatus-list", "lead-import")
# The admin pages any staff user may open: the index (it says there is nothing to edit), the
# own password and logging out.
ADMIN_FOR_ANY_STAFF = {
    "admin:index",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:autocomplete",
}


def test_an_associate_cannot_configure_anything(urls, pages_as, api_as):
    """Staff without the managers' permissions: every settings page, every admin model page,
    the CSV import and the configuration endpoints of the API refuse them, for every method,
    and nothing changes."""
    associate = UserFactory(username="associate")
    pages = pages_as(associate)
    api = api_as(associate)
    before = app_rows()
    checked = 0
    for url in urls:
        if not url.name.startswith(CONFIGURATION) or url.name in {*ADMIN_FOR_ANY_STAFF, *PUBLIC}:
            continue
        client = api if url.is_api else pages
        writes = ("post",) if url.is_api else ("get", "post")
        for method in writes:
            response = getattr(client, method)(url.path, {})
            # (The admin's catch-all and its app index answer 404 to a user who may see
            # no model there.)
            assert response.status_code in (403, 404, 405), (str(url), method)
            assert response.status_code != 404 or url.is_admin, str(url)
        checked += 1
    assert checked >= 80
    assert app_rows() == before


def test_an_associate_sees_an_admin_index_with_nothing_to_edit(pages_as):
    associate = UserFactory(username="associate")

    response = pages_as(associate).get(reverse("admin:index"))

    assert response.status_code == 200
    assert "permission to view or edit anything" in response.content.decode()


# --- CSRF ------------------------------------------------------------------------------------


def test_every_url_refuses_a_session_write_without_the_csrf_token(urls, boss):
    """A superuser's browser session, every URL, every writing method, no CSRF token: 403
    and nothing changes (the API included: DRF checks CSRF for session logins)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    before = app_rows()
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            if url.is_api:
                response = getattr(client, method)(url.path, "{}", content_type="application/json")
            else:
                response = getattr(client, method)(url.path, {})
            if url.callback is api_not_found:
                # An unknown /v2/ URL writes nothing: it answers the envelope's 404 to every
                # method, so that a client calling an endpoint this app lacks can parse it.
                assert response.status_code == 404, (str(url), method, response.status_code)
                assert response.json()["errors"][0]["code"] == 90003
                continue
            assert response.status_code == 403, (str(url), method, response.status_code)
    assert app_rows() == before


def test_the_same_write_with_the_token_goes_through(boss):
    """The control of the test above: it is the token that makes the difference."""
    lead = LeadFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    page = client.get(reverse("lead-detail", args=[lead.pk]))
    token = page.cookies["csrftoken"].value

    response = client.post(
        reverse("lead-change-status", args=[lead.pk]),
        {"status": "WON", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "WON"


# --- passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["short", "password123", "12345678901234", "associate-crm", "qwertyuiop"],
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory(username="associate-crm", first_name="Associate", last_name="Crm")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_is_accepted(db):
    user = UserFactory(username="associate")
    assert validate_password("correct-horse-battery-staple-42", user) is None


def test_the_admin_refuses_a_weak_password_for_a_new_user(pages_as, boss):
    client = pages_as(boss)
    before = app_rows()

    response = client.post(
        reverse("admin:crm_user_add"),
        {"username": "newbie", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert app_rows() == before


# --- throttling ------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path,valid", WRITES, ids=WRITE_IDS)
def test_every_write_is_throttled_with_429_in_the_envelope(
    api, world, settings, method, path, valid
):
    """One write a minute: the second, on any write endpoint, is 429 with Retry-After and
    writes nothing; a read still goes through."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": "1/min"},
    }
    assert send(api, method, path, world, valid(world)).status_code == 200
    before = app_rows()

    response = send(api, method, path, world, valid(world))

    assert_envelope(response, 429, 90007)
    assert 0 < int(response["Retry-After"]) <= 60
    assert app_rows() == before
    assert api.get("/v2/leads").status_code == 200
