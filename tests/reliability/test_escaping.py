"""Markup in what people type (names, notes, reasons, items, labels) is shown as text on
every page: the staff pages, the admin and the browsable API."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape

from crm.pages.models import SavedView
from leads.models import ExtendedFieldDefinition, ImportJob, Lead
from tests.factories import (
    BrandFactory,
    CustomerFactory,
    OrgUnitFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)
from tests.leads import edge

from .url_walk import all_urls, webhook_ids

SCRIPT = '<script>alert("xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, ATTRIBUTE)


@pytest.fixture
def marked_up(boss):
    """Every free text the app shows, holding markup, written the way users write it."""
    owner = UserFactory(username="owner", first_name=SCRIPT, last_name=ATTRIBUTE)
    customer = CustomerFactory(first_name=SCRIPT, last_name=ATTRIBUTE, external_id=SCRIPT)
    sub = SubStatusFactory(status="ON_HOLD", name=SCRIPT)
    reason = ReasonFactory(reason=ATTRIBUTE)
    definition = ExtendedFieldDefinition.objects.create(name="note", label=SCRIPT)
    SkuFactory(code="SKU-1", name=SCRIPT, brand=BrandFactory(name=ATTRIBUTE))
    lead = edge.lead_create(
        created_by=boss,
        customer=customer,
        type="CUSTOM",
        lead_for=SCRIPT,
        owner="owner",
        notes=ATTRIBUTE,
        extended_fields={"note": ATTRIBUTE},
        next_follow_up=None,
    ).lead
    edge.lead_change_status(
        lead_id=lead.pk,
        status="ON_HOLD",
        sub_status=sub.name,
        reason_id=reason.pk,
        notes=SCRIPT,
        changed_by=boss,
    )
    edge.lead_add_followup(
        lead_id=lead.pk, followed_up_on=lead.created_on, notes=SCRIPT, created_by=boss
    )
    edge.lead_assign_owner(lead_id=lead.pk, owner=boss, changed_by=owner)
    job = ImportJob.objects.create(created_by=boss, file_name=SCRIPT, file_path="x.csv")
    return {
        "lead_id": lead.pk,
        "leadId": lead.pk,
        "customer_id": customer.pk,
        "userId": customer.pk,
        "job_id": job.pk,
        "field_id": definition.pk,
        "reason_id": reason.pk,
        "substatus_id": sub.pk,
        "view_id": SavedView.objects.create(owner=boss, name=SCRIPT, query="q=%3Cb%3E").pk,
        "id": owner.pk,
        "content_type_id": ContentType.objects.get_for_model(Lead).pk,
        "object_id": lead.pk,
        **webhook_ids(lead, url=f"https://example.com/?q={SCRIPT}"),
        "app_label": "leads",
        "url": "nothing-here/",
        "code": OrgUnitFactory(code="S1", name=SCRIPT).code,
        "username": owner.username,
    }


def _html_pages(client, urls, **query):
    for url in urls:
        response = client.get(url.path, query, HTTP_ACCEPT="text/html")
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            yield url, response.content.decode()


def test_markup_is_escaped_on_every_page(marked_up, boss, pages_as):
    client = pages_as(boss)
    urls = all_urls(marked_up)
    shown = {}
    for url, html in _html_pages(client, urls):
        for payload in PAYLOADS:
            assert payload not in html, (str(url), payload)
        shown[url.name] = escape(SCRIPT) in html or escape(ATTRIBUTE) in html
    # The pages that show this data show it (escaped), so the test sees what it checks.
    for name in (
        "lead-list",
        "lead-detail",
        "customer-list",
        "customer-detail",
        "org-settings",
        "lead-import",
        "lead-import-job",
        "lead-create",
        "admin:leads_lead_changelist",
        "admin:leads_lead_change",
        "admin:customers_customer_changelist",
        "admin:leads_leadstatus_changelist",
        "api-lead-detail",
    ):
        assert shown.get(name), name
    assert len(shown) >= 60


def test_markup_sent_in_the_query_string_is_escaped_when_echoed(marked_up, boss, pages_as):
    client = pages_as(boss)
    urls = [u for u in all_urls(marked_up) if not u.is_admin]
    echoed = 0
    for url, html in _html_pages(client, urls, q=SCRIPT, status=ATTRIBUTE, owner=SCRIPT):
        for payload in PAYLOADS:
            assert payload not in html, (str(url), payload)
        echoed += escape(SCRIPT) in html
    assert echoed >= 2


def test_json_answers_are_json_not_html(marked_up, boss, pages_as):
    """The raw text goes out only as JSON, which a browser does not render as a page."""
    client = pages_as(boss)
    for name in ("customer-lookup", "lead-for-suggestions"):
        url = next(u for u in all_urls(marked_up) if u.name == name)
        response = client.get(url.path, {"q": "SKU" if "suggest" in name else "xss"})
        assert response["Content-Type"].startswith("application/json"), name
        assert response["X-Content-Type-Options"] == "nosniff"
