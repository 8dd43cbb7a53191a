"""Session, HTTP Basic and token authentication; active staff only; model permissions for
org configuration."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from leads.models import Reason, SubStatus
from tests.factories import PASSWORD, UserFactory
from tests.scoping import build_world

from .conftest import assert_error_envelope, basic


def test_no_credentials_is_401_asking_for_basic(anon):
    response = anon.get("/v2/leads")

    assert_error_envelope(response, 401, 90001)
    assert response["WWW-Authenticate"].startswith("Basic")


def test_a_wrong_password_is_401(anon, staff):
    anon.credentials(HTTP_AUTHORIZATION=basic(staff.username, "wrong"))

    response = anon.get("/v2/leads")

    assert_error_envelope(response, 401, 90001)
    assert response["WWW-Authenticate"].startswith("Basic")


def test_an_unknown_token_is_401(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert_error_envelope(anon.get("/v2/leads"), 401, 90001)


def test_an_anonymous_write_is_401_and_writes_nothing(anon):
    response = anon.post("/v2/leads/reasons", [{"reason": "x"}], format="json")

    assert_error_envelope(response, 401, 90001)
    assert not Reason.objects.exists()


def test_basic_auth_of_active_staff_is_accepted(api):
    assert api.get("/v2/leads").status_code == 200


def test_a_non_staff_user_is_403(client_for):
    user = UserFactory(username="shopper", is_staff=False)

    assert_error_envelope(client_for(user).get("/v2/leads"), 403, 90002)


def test_an_inactive_staff_user_is_refused(client_for):
    user = UserFactory(username="former", is_active=False)

    response = client_for(user).get("/v2/leads")

    # Django's ModelBackend does not authenticate inactive users: the credentials are wrong.
    assert_error_envelope(response, 401, 90001)


def test_session_login_works_for_staff(staff):
    client = APIClient()
    assert client.login(username=staff.username, password=PASSWORD)

    assert client.get("/v2/leads").status_code == 200


def test_session_writes_need_the_csrf_token(staff, customer):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username=staff.username, password=PASSWORD)

    response = client.post(
        "/v2/leads", {"userId": customer.pk, "type": "CUSTOM", "leadFor": "x"}, format="json"
    )

    assert_error_envelope(response, 403, 90002)


def test_issue_token_prints_a_token_that_authenticates(staff, capsys):
    call_command("issue_token", staff.username)
    key = capsys.readouterr().out.strip()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert Token.objects.get(user=staff).key == key
    assert client.get("/v2/leads").status_code == 200


def test_issue_token_prints_the_same_token_twice_unless_rotated(staff, capsys):
    call_command("issue_token", staff.username)
    first = capsys.readouterr().out.strip()
    call_command("issue_token", staff.username)
    second = capsys.readouterr().out.strip()
    call_command("issue_token", staff.username, "--rotate")
    third = capsys.readouterr().out.strip()

    assert first == second != third
    assert Token.objects.get(user=staff).key == third


def test_issue_token_refuses_unknown_and_non_staff_users(db):
    UserFactory(username="shopper", is_staff=False)

    with pytest.raises(CommandError):
        call_command("issue_token", "ghost")
    with pytest.raises(CommandError):
        call_command("issue_token", "shopper")
    assert not Token.objects.exists()


def test_staff_without_the_model_permission_cannot_add_reasons(api):
    response = api.post("/v2/leads/reasons", [{"reason": "Too expensive"}], format="json")

    assert_error_envelope(response, 403, 90002)
    assert not Reason.objects.exists()


def test_staff_without_the_model_permission_cannot_add_substatuses(api):
    response = api.post(
        "/v2/leads/substatus", {"status": "ON_HOLD", "subStatus": "Later"}, format="json"
    )

    assert_error_envelope(response, 403, 90002)
    assert not SubStatus.objects.exists()


def test_staff_without_the_model_permission_can_still_read_them(api):
    assert api.get("/v2/leads/reasons").status_code == 200
    assert api.get("/v2/leads/substatuses").status_code == 200


def test_a_manager_with_the_permissions_adds_both(manager_api):
    reasons = manager_api.post("/v2/leads/reasons", [{"reason": "Too expensive"}], format="json")
    sub = manager_api.post(
        "/v2/leads/substatus", {"status": "ON_HOLD", "subStatus": "Later"}, format="json"
    )

    assert reasons.status_code == 200 and sub.status_code == 200
    assert Reason.objects.get().reason == "Too expensive"
    assert SubStatus.objects.filter(status="ON_HOLD", name="Later").exists()


def _token_client(user) -> tuple[APIClient, Token]:
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token


def test_a_deleted_token_stops_working_at_once(staff):
    client, token = _token_client(staff)
    assert client.get("/v2/leads").status_code == 200

    token.delete()

    assert_error_envelope(client.get("/v2/leads"), 401, 90001)


def test_the_token_of_a_deactivated_user_stops_working_at_once(staff):
    client, _ = _token_client(staff)
    assert client.get("/v2/leads").status_code == 200

    staff.is_active = False
    staff.save(update_fields=["is_active"])

    assert_error_envelope(client.get("/v2/leads"), 401, 90001)


def test_a_token_reads_its_user_and_their_role_in_one_query():
    world = build_world()
    client, _ = _token_client(world.users["alice"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/v2/leads")

    # The token's user comes with their role and stores; the count and the page then filter by
    # store ids, with no query or subquery of the org's tables of their own.
    auth, *lists = [query["sql"] for query in queries.captured_queries]
    assert "authtoken_token" in auth and "org_staffrole" in auth
    assert lists and not any("org_staffrole" in sql for sql in lists)
    assert {lead["id"] for lead in response.json()["data"]} == {
        world.leads[name].pk for name in ("alice_s1", "ann_s1", "free_s1")
    }
