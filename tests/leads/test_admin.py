"""The Django admin keeps the lead rules: status changes go through the service, closed leads
stay closed, leads are never deleted, and every model has a working changelist."""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from leads.models import Lead, LeadStatus, Status
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    CustomerFactory,
    ExtendedFieldFactory,
    FollowUpFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
)


class FormValues(HTMLParser):
    """The values a browser would submit for the page's main form (all named fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data.setdefault(self._textarea, []).append(text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def change_url(lead: Lead) -> str:
    return reverse("admin:leads_lead_change", args=[lead.pk])


def form_data(client, lead: Lead | None, **changes: str) -> dict[str, list[str]]:
    """What the lead's change form (or with no lead the add form) submits, with ``changes``."""
    response = client.get(change_url(lead) if lead else reverse("admin:leads_lead_add"))
    assert response.status_code == 200
    parser = FormValues()
    parser.feed(response.content.decode())
    data = {name: values for name, values in parser.data.items() if values}
    for name, value in changes.items():
        data[name] = [value]
    return data


@pytest.fixture
def admin_client(client, admin_user, password):
    assert client.login(username=admin_user.username, password=password)
    return client


def test_admin_status_change_goes_through_the_service(admin_client, admin_user):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    reason = ReasonFactory()
    lead = LeadFactory(status=Status.OPEN)
    data = form_data(
        admin_client,
        lead,
        status="ON_HOLD",
        sub_status=str(sub.pk),
        reason=str(reason.pk),
        status_notes="customer travelling",
    )

    response = admin_client.post(change_url(lead), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status, lead.last_updated_by) == (
        Status.ON_HOLD,
        sub,
        admin_user,
    )
    logs = list(LeadStatus.objects.filter(lead=lead).order_by("created_on", "id"))
    assert len(logs) == 2
    assert (logs[1].status, logs[1].sub_status, logs[1].reason) == (Status.ON_HOLD, sub, reason)
    assert (logs[1].notes, logs[1].created_by) == ("customer travelling", admin_user)


def test_admin_save_without_changes_writes_no_status_row(admin_client):
    FollowUpFactory()
    lead = Lead.objects.get()
    before = Lead.objects.filter(pk=lead.pk).values().get()
    response = admin_client.post(change_url(lead), form_data(admin_client, lead))
    assert response.status_code == 302
    assert LeadStatus.objects.filter(lead=lead).count() == 1
    assert Lead.objects.filter(pk=lead.pk).values().get() == before


@pytest.mark.parametrize("closed", [Status.WON, Status.LOST, Status.DELETED])
def test_admin_refuses_status_change_on_closed_lead(closed, admin_client):
    lead = LeadFactory(status=closed)
    before = Lead.objects.filter(pk=lead.pk).values().get()
    response = admin_client.post(change_url(lead), form_data(admin_client, lead, status="OPEN"))
    assert response.status_code == 200
    assert "Status change not allowed on closed leads" in response.content.decode()
    assert Lead.objects.filter(pk=lead.pk).values().get() == before
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_admin_refuses_a_sub_status_of_another_status(admin_client):
    other = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    lead = LeadFactory(status=Status.OPEN)
    response = admin_client.post(
        change_url(lead),
        form_data(admin_client, lead, status="WON", sub_status=str(other.pk)),
    )
    assert response.status_code == 200
    assert "Invalid lead sub status YetToDecide" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Status.OPEN
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_admin_has_no_delete_for_leads(admin_client, admin_user):
    lead = LeadFactory()
    lead_admin = admin.site._registry[Lead]
    request = admin_client.get(change_url(lead)).wsgi_request
    assert lead_admin.has_delete_permission(request, lead) is False
    response = admin_client.post(
        reverse("admin:leads_lead_delete", args=[lead.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = admin_client.post(
        reverse("admin:leads_lead_changelist"),
        {"action": "delete_selected", "_selected_action": [lead.pk], "post": "yes"},
    )
    assert Lead.objects.filter(pk=lead.pk).exists()
    assert "delete_selected" not in lead_admin.get_actions(request)


APP_LABELS = ("leads", "customers", "catalog", "crm")
PROJECT_MODELS = [m for label in APP_LABELS for m in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    assert model in admin.site._registry


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_changelist_loads_with_a_search(model, admin_client):
    lead = FollowUpFactory(lead__sub_status=SubStatusFactory(status=Status.OPEN)).lead
    SkuFactory(brand=BrandFactory(), category=CategoryFactory())
    LeadStatus.objects.create(lead=lead, status=Status.OPEN, reason=ReasonFactory())
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for query in ("", "?q=x"):
        response = admin_client.get(url + query)
        assert response.status_code == 200, (url + query, response.status_code)


def post_add_form(client, **fields: str):
    customer = CustomerFactory()
    data = form_data(
        client, None, customer=str(customer.pk), status="OPEN", extended_fields="{}", **fields
    )
    return customer, client.post(reverse("admin:leads_lead_add"), data)


def test_admin_add_goes_through_lead_create(admin_client, admin_user):
    customer, response = post_add_form(
        admin_client, type="CUSTOM", lead_for="Wardrobe", org_source="1"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lead = Lead.objects.get()
    assert (lead.customer, lead.lead_for, lead.org_source_id) == (customer, "Wardrobe", 1)
    assert (lead.created_by, lead.last_updated_by) == (admin_user, admin_user)
    assert list(lead.status_logs.values_list("status", "created_by")) == [("OPEN", admin_user.pk)]


def test_admin_add_refuses_an_unknown_sku_with_its_code_text(admin_client):
    _, response = post_add_form(admin_client, type="SKU", lead_for="NOPE-9", org_source="-1")
    assert response.status_code == 200
    assert "Invalid SKU NOPE-9" in response.content.decode()
    assert Lead.objects.count() == 0
    assert LeadStatus.objects.count() == 0


def test_admin_keeps_an_extended_fields_name_and_data_type(admin_client):
    field = ExtendedFieldFactory(name="budget", data_type="STRING", label="Budget")
    url = reverse("admin:leads_extendedfielddefinition_change", args=[field.pk])
    parser = FormValues()
    parser.feed(admin_client.get(url).content.decode())
    data = {name: values for name, values in parser.data.items() if values}
    data.update({"name": ["renamed"], "data_type": ["INTEGER"], "label": ["Budget band"]})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    field.refresh_from_db()
    assert (field.name, field.data_type, field.label) == ("budget", "STRING", "Budget band")
