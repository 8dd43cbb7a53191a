"""Every failure is the JSON envelope with a stable code: never an HTML page or a traceback."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from leads.api import views as lead_views
from leads.models import Lead
from tests.factories import LeadFactory

from .conftest import assert_error_envelope, codes


def test_one_object_has_its_fields_at_the_top_and_warnings(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    body = api.get(f"/v2/leads/{lead.pk}").json()

    assert body["id"] == lead.pk
    assert body["warnings"] == []
    assert "data" not in body and "errors" not in body


def test_a_list_has_data_pagination_warnings_and_errors(api, customer, staff):
    LeadFactory(customer=customer, owner=staff)

    body = api.get("/v2/leads").json()

    assert set(body) == {"data", "pagination", "warnings", "errors"}
    assert body["pagination"] == {"limit": 10, "offset": 0, "total": 1}
    assert body["warnings"] == [] and body["errors"] == []


def test_several_problems_in_one_request_are_all_reported(api, customer):
    response = api.post(
        "/v2/leads",
        {
            "userId": customer.pk,
            "type": "SHOE",
            "leadFor": " ",
            "status": "NEW",
            "orgSourceId": None,
            "owner": "ghost",
            "nextFollowUp": "tomorrow",
        },
        format="json",
    )

    assert_error_envelope(response, 400, 92009, 92006, 92003, 92013, 92019, 90008)
    assert "nextFollowUp" in response.json()["errors"][0]["message"]
    assert not Lead.objects.exists()


def test_type_errors_in_nested_items_come_with_the_rules_broken_elsewhere(api, customer):
    response = api.post(
        "/v2/leads",
        {
            "userId": customer.pk,
            "type": "CUSTOM",
            "leadFor": None,
            "followUpDetails": [{"followedUpOn": "not a date"}, {"notes": "no date"}],
        },
        format="json",
    )

    assert_error_envelope(response, 400, 90008, 92005, 92006)
    [type_error] = [e for e in response.json()["errors"] if e["code"] == 90008]
    assert "followUpDetails[0].followedUpOn" in type_error["message"]
    assert not Lead.objects.exists()


def test_malformed_json_is_90005(api):
    response = api.post("/v2/leads", "{not json", content_type="application/json")

    assert_error_envelope(response, 400, 90005)


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_a_body_that_is_not_an_object_is_90019(api, body):
    response = api.post("/v2/leads", body, content_type="application/json")

    assert_error_envelope(response, 400, 90019)
    assert not Lead.objects.exists()


def test_an_object_where_an_array_belongs_is_90019(client_for, admin_user):
    response = client_for(admin_user).post("/v2/leads/reasons", {"reason": "x"}, format="json")

    assert_error_envelope(response, 400, 90019)


def test_a_form_body_is_415(api):
    response = api.post("/v2/leads", "leadFor=x", content_type="application/x-www-form-urlencoded")

    assert_error_envelope(response, 415, 90017)


def test_an_unsupported_accept_header_is_406(api):
    response = api.get("/v2/leads", HTTP_ACCEPT="text/csv")

    assert_error_envelope(response, 406, 90016)


def test_a_method_the_endpoint_lacks_is_405_with_allow(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    response = api.delete(f"/v2/leads/{lead.pk}")

    assert_error_envelope(response, 405, 90004)
    assert "DELETE" in response.json()["errors"][0]["message"]
    assert "DELETE" not in response["Allow"]
    assert Lead.objects.filter(pk=lead.pk).exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_past_the_upload_limit_is_413(api, customer):
    body = json.dumps({"userId": customer.pk, "type": "CUSTOM", "leadFor": "x" * 2000})

    response = api.post("/v2/leads", body, content_type="application/json")

    assert_error_envelope(response, 413, 90006)
    assert "1000" in response.json()["errors"][0]["message"]
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "path", ["/v2/nothing", "/v2/leads/1/nothing", "/v2/leads/", "/v2/customers/1/leads"]
)
def test_an_unknown_url_under_v2_is_the_json_404(api, path):
    response = api.get(path)

    assert response["Content-Type"] == "application/json"
    assert_error_envelope(response, 404, 90003)


def test_handler404_answers_json_under_v2_and_leaves_pages_to_django(rf, monkeypatch):
    from django.http import Http404, HttpResponseNotFound
    from django.views import defaults

    from crm.core.api.exceptions import handler404

    monkeypatch.setattr(
        defaults, "page_not_found", lambda request, exception: HttpResponseNotFound("page")
    )

    api_response = handler404(rf.get("/v2/whatever"), Http404())
    page_response = handler404(rf.get("/leads/whatever"), Http404())

    assert api_response.status_code == 404
    assert api_response["Content-Type"] == "application/json"
    assert b'"code": 90003' in api_response.content
    assert page_response.content == b"page"


def test_handler500_answers_json_under_v2(rf):
    from crm.core.api.exceptions import handler500

    response = handler500(rf.get("/v2/leads"))

    assert response.status_code == 500
    assert b"90500" in response.content


def test_an_unexpected_exception_is_90500_without_a_traceback(api, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(lead_views, "lead_row_get", broken)

    response = api.get("/v2/leads/1")

    assert_error_envelope(response, 500, 90500)
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert any("secret internals" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_a_bad_leadid_of_any_shape_is_92001(api):
    for lead_id in ["abc", "1.5", "-1", "99999999999999999999999", "%20"]:
        response = api.get(f"/v2/leads/{lead_id}")
        assert response.status_code == 404, lead_id
        assert codes(response) == [92001]


def test_the_exception_handler_module_imports_first_without_a_cycle():
    # rest_framework.views reads DEFAULT_PARSER_CLASSES at import, and the parser imports
    # crm.core.api.exceptions: importing the latter first must still work (a fresh interpreter).
    code = (
        "import django; django.setup(); import crm.core.api.exceptions; "
        "from rest_framework.views import APIView; print(APIView.parser_classes[0].__module__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings"},
        cwd=settings.BASE_DIR,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "crm.core.api.parsers"
