"""Views of the lead list (owner "Me" and "Unassigned", DELETED hidden unless asked for, saved
views, the way back from a lead) and safety (bulk Lost/Deleted confirmed with the count, the
reason required, a duplicate lead shown before saving, reasons and sub-statuses renamed and
switched off, customers edited), each with its code and the state after."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from crm.pages.models import SavedView
from customers.models import Customer
from leads.models import Lead, OrgSettings, Reason, Status, SubStatus
from tests.factories import (
    CustomerFactory,
    LeadFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import field_errors, text_of

LIST = reverse("lead-list")
BULK = reverse("lead-bulk")


def listed(response) -> list[int]:
    return [row["id"] for row in response.context["rows"]]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- owner: Me and Unassigned ---------------------------------------------------------------


def test_owner_me_lists_the_persons_leads_and_unassigned_those_of_nobody(staff_client, staff):
    mine = LeadFactory(owner=staff)
    nobodys = LeadFactory(owner=None)
    LeadFactory(owner=UserFactory(username="bob"))

    me = staff_client.get(LIST, {"owner": "~me"})
    unassigned = staff_client.get(LIST, {"owner": "~none"})

    assert listed(me) == [mine.pk]
    assert listed(unassigned) == [nobodys.pk]
    html = me.content.decode()
    assert '<option value="~me" selected>Me</option>' in html
    assert '<option value="~none">Unassigned</option>' in html


def test_the_api_takes_owner_me_and_unassigned_too(staff_client, staff):
    mine = LeadFactory(owner=staff)
    nobodys = LeadFactory(owner=None)

    me = staff_client.get("/v2/leads", {"owner": "~me"}).json()
    unassigned = staff_client.get("/v2/leads", {"owner": "~none"}).json()

    assert [row["id"] for row in me["data"]] == [mine.pk]
    assert [row["id"] for row in unassigned["data"]] == [nobodys.pk]


def test_the_export_of_the_list_follows_owner_me(staff_client, staff):
    mine = LeadFactory(owner=staff, type="CUSTOM", lead_for="Mine only")
    LeadFactory(owner=None, type="CUSTOM", lead_for="Not mine")

    response = staff_client.get(reverse("lead-export-csv"), {"owner": "~me"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "Mine only" in body and "Not mine" not in body
    assert mine.lead_for in body


# --- DELETED hidden unless asked for --------------------------------------------------------


def test_deleted_leads_are_hidden_unless_the_status_filter_asks_for_them(staff_client):
    shown = LeadFactory(status=Status.LOST)
    deleted = LeadFactory(status=Status.DELETED)

    default = staff_client.get(LIST)
    asked = staff_client.get(LIST, {"status": "DELETED"})
    everything = staff_client.get(LIST, {"status": "OPEN,ON_HOLD,WON,LOST,DELETED"})
    closed = staff_client.get(LIST, {"status": "WON,LOST,DELETED"})

    assert listed(default) == [shown.pk]
    assert listed(asked) == [deleted.pk]
    assert listed(everything) == [deleted.pk, shown.pk]
    assert listed(closed) == [deleted.pk, shown.pk]
    assert "Any, deleted too" in text_of(default)


def test_the_api_search_keeps_every_status_by_default(staff_client):
    deleted = LeadFactory(status=Status.DELETED)

    body = staff_client.get("/v2/leads").json()

    assert [row["id"] for row in body["data"]] == [deleted.pk]


# --- saved views ----------------------------------------------------------------------------


def test_a_view_is_saved_listed_and_opens_the_same_filters(staff_client, staff):
    wanted = LeadFactory(owner=staff, status=Status.OPEN)
    LeadFactory(owner=staff, status=Status.WON)

    response = staff_client.post(
        reverse("lead-view-save"),
        {"name": " My open ", "query": "status=OPEN&owner=~me&sortBy=nextFollowUp&page=3&q="},
    )

    view = SavedView.objects.get()
    assert (view.owner, view.name) == (staff, "My open")
    # The page and empty values are not part of a view.
    assert view.query == "status=OPEN&owner=~me&sortBy=nextFollowUp"
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?{view.query}"
    page = staff_client.get(response["Location"])
    assert listed(page) == [wanted.pk]
    assert [v.name for v in page.context["saved_views"]] == ["My open"]
    assert f'href="{LIST}?status=OPEN&amp;owner=~me&amp;sortBy=nextFollowUp"' in (
        page.content.decode()
    )


def test_a_views_link_works_for_another_person(staff_client, staff, client_for):
    LeadFactory(owner=staff, status=Status.OPEN)
    unassigned = LeadFactory(owner=None, status=Status.OPEN)
    staff_client.post(reverse("lead-view-save"), {"name": "Nobody's", "query": "owner=~none"})
    view = SavedView.objects.get()

    other = client_for(UserFactory(username="bob"))
    page = other.get(f"{LIST}?{view.query}")

    assert listed(page) == [unassigned.pk]
    # Views are each person's own: bob has none.
    assert list(page.context["saved_views"]) == []


def test_saving_a_view_under_its_name_again_replaces_its_filters(staff_client):
    staff_client.post(reverse("lead-view-save"), {"name": "Mine", "query": "status=OPEN"})
    staff_client.post(reverse("lead-view-save"), {"name": "Mine", "query": "status=WON"})

    assert list(SavedView.objects.values_list("name", "query")) == [("Mine", "status=WON")]


def test_a_view_without_a_name_is_90008(staff_client):
    response = staff_client.post(
        reverse("lead-view-save"), {"name": "  ", "query": "status=OPEN"}, follow=True
    )

    assert "90008 · Invalid value for name: required" in messages_of(response)
    assert not SavedView.objects.exists()


def test_a_view_with_filters_that_cannot_apply_is_refused_with_their_code(staff_client):
    response = staff_client.post(
        reverse("lead-view-save"), {"name": "Bad", "query": "status=NOPE"}, follow=True
    )

    assert "92003 · Invalid Lead Status NOPE" in messages_of(response)
    assert not SavedView.objects.exists()


def test_a_view_is_deleted_by_its_owner_only(staff_client, staff, client_for):
    view = SavedView.objects.create(owner=staff, name="Mine", query="status=OPEN")
    other = client_for(UserFactory(username="bob"))

    refused = other.post(reverse("lead-view-delete", args=[view.pk]), follow=True)
    assert "90003 · Not found" in messages_of(refused)
    assert SavedView.objects.filter(pk=view.pk).exists()

    deleted = staff_client.post(
        reverse("lead-view-delete", args=[view.pk]), {"next": f"{LIST}?status=OPEN"}
    )
    assert deleted["Location"] == f"{LIST}?status=OPEN"
    assert not SavedView.objects.exists()


# --- the way back from a lead ---------------------------------------------------------------


def test_the_lead_pages_breadcrumb_goes_back_to_the_list_as_filtered(staff_client, staff):
    lead = LeadFactory(owner=staff)

    staff_client.get(LIST, {"owner": "~me", "status": "OPEN", "page": "1"})
    page = staff_client.get(reverse("lead-detail", args=[lead.pk])).content.decode()

    assert f'<a href="{LIST}?owner=~me&amp;status=OPEN" data-back-to-list>Leads</a>' in page
    # The plain list again: the plain way back.
    staff_client.get(LIST)
    page = staff_client.get(reverse("lead-detail", args=[lead.pk])).content.decode()
    assert f'<a href="{LIST}" data-back-to-list>Leads</a>' in page


# --- bulk Lost / Deleted asks first ---------------------------------------------------------


@pytest.mark.parametrize("status,label", [("LOST", "Lost"), ("DELETED", "Deleted")])
def test_bulk_lost_or_deleted_asks_first_with_the_count(staff_client, status, label):
    leads = LeadFactory.create_batch(3)
    back = f"{LIST}?status=OPEN"

    response = staff_client.post(
        BULK,
        {
            "action": "status",
            "status": status,
            "lead_ids": [lead.pk for lead in leads],
            "next": back,
        },
    )

    assert response.status_code == 200
    text = text_of(response)
    assert f"Mark 3 leads {label}?" in text
    assert f"Mark 3 leads {label}" in text
    html = response.content.decode()
    assert html.count('name="lead_ids"') == 3
    assert 'name="confirmed" value="1"' in html
    assert f'href="{back.replace("&", "&amp;")}"' in html  # Cancel
    assert {lead.status for lead in Lead.objects.all()} == {Status.OPEN}
    assert not any(lead.status_logs.count() > 1 for lead in Lead.objects.all())


def test_confirmed_bulk_lost_with_a_reason_applies_to_each(staff_client):
    leads = LeadFactory.create_batch(2)
    reason = ReasonFactory(reason="Bought elsewhere")

    response = staff_client.post(
        BULK,
        {
            "action": "status",
            "status": "LOST",
            "reason": str(reason.pk),
            "lead_ids": [lead.pk for lead in leads],
            "confirmed": "1",
        },
    )

    assert response.status_code == 302
    assert set(Lead.objects.values_list("status", flat=True)) == {Status.LOST}
    for lead in leads:
        assert lead.status_logs.order_by("-id").first().reason == reason


def test_confirmed_bulk_lost_without_a_reason_is_90031_on_each_row(staff_client):
    leads = LeadFactory.create_batch(2)

    staff_client.post(
        BULK,
        {
            "action": "status",
            "status": "LOST",
            "lead_ids": [lead.pk for lead in leads],
            "confirmed": "1",
        },
    )

    page = staff_client.get(LIST)
    rows = page.context["bulk_result"]["rows"]
    assert [[e["code"] for e in row["errors"]] for row in rows] == [[90031], [90031]]
    assert "90031 · A reason is required to change a lead to LOST" in text_of(page)
    assert set(Lead.objects.values_list("status", flat=True)) == {Status.OPEN}


def test_bulk_won_needs_no_confirmation(staff_client):
    lead = LeadFactory()

    response = staff_client.post(BULK, {"action": "status", "status": "WON", "lead_ids": [lead.pk]})

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Status.WON


def test_the_lead_page_does_not_offer_switched_off_reasons_or_sub_statuses(staff_client):
    ReasonFactory(reason="Still used")
    ReasonFactory(reason="Retired reason", is_active=False)
    SubStatusFactory(status=Status.ON_HOLD, name="Live")
    SubStatusFactory(status=Status.ON_HOLD, name="Retired sub")
    SubStatus.objects.filter(name="Retired sub").update(is_active=False)
    lead = LeadFactory()

    page = text_of(staff_client.get(reverse("lead-detail", args=[lead.pk])))
    listing = text_of(staff_client.get(LIST))

    for text in (page, listing):
        assert "Still used" in text and "Live" in text
        assert "Retired reason" not in text and "Retired sub" not in text


def test_the_lead_page_refuses_lost_without_a_reason_with_90031(staff_client):
    lead = LeadFactory()

    response = staff_client.post(reverse("lead-change-status", args=[lead.pk]), {"status": "LOST"})

    assert "90031 · A reason is required to change a lead to LOST" in text_of(response)
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


# --- a duplicate lead before saving ---------------------------------------------------------


def test_add_lead_shows_an_open_lead_for_the_same_item_before_saving(staff_client):
    customer = CustomerFactory(mobile="+919876543210")
    existing = LeadFactory(customer=customer, type="CUSTOM", lead_for="Gift wrap")
    data = {
        "customer_mode": "existing",
        "find_by": "MOBILE",
        "identifier": "098765 43210",
        "type": "CUSTOM",
        "lead_for": " Gift wrap ",
        "org_source": "-1",
    }

    response = staff_client.post(reverse("lead-create"), data)

    assert response.status_code == 200
    assert f"An open lead for this customer and item exists: #{existing.pk} ." in text_of(response)
    html = response.content.decode()
    assert f'href="/leads/{existing.pk}/"' in html
    assert 'name="save_anyway" value="1"' in html
    assert Lead.objects.count() == 1


def test_add_lead_saves_at_once_when_nothing_open_matches(staff_client):
    customer = CustomerFactory()
    LeadFactory(customer=customer, type="CUSTOM", lead_for="Gift wrap", status=Status.WON)
    data = {
        "customer_mode": "existing",
        "find_by": "USER_ID",
        "identifier": str(customer.pk),
        "type": "CUSTOM",
        "lead_for": "Gift wrap",
        "org_source": "-1",
    }

    response = staff_client.post(reverse("lead-create"), data)

    assert response.status_code == 302
    assert Lead.objects.count() == 2


# --- reasons and sub-statuses on the settings page ------------------------------------------


def test_a_manager_renames_and_switches_off_a_reason(manager_client):
    reason = ReasonFactory(reason="Too pricey")

    response = manager_client.post(
        reverse("org-update-reason", args=[reason.pk]), {"name": "Price too high"}, follow=True
    )

    reason.refresh_from_db()
    assert (reason.reason, reason.is_active) == ("Price too high", False)
    assert "Reason “Price too high” saved; it is no longer offered." in messages_of(response)


def test_renaming_a_reason_to_a_taken_text_shows_90028(manager_client):
    ReasonFactory(reason="Moved away")
    reason = ReasonFactory(reason="Relocated")

    response = manager_client.post(
        reverse("org-update-reason", args=[reason.pk]),
        {"name": "Moved away", "is_active": "on"},
        follow=True,
    )

    assert "90028 · Lead reason Moved away already exists" in messages_of(response)
    assert Reason.objects.get(pk=reason.pk).reason == "Relocated"


def test_a_manager_renames_a_sub_status_and_a_clash_shows_92021(manager_client):
    SubStatusFactory(status=Status.ON_HOLD, name="Travelling")
    sub = SubStatusFactory(status=Status.ON_HOLD, name="Away")

    renamed = manager_client.post(
        reverse("org-update-substatus", args=[sub.pk]), {"name": "Abroad", "is_active": "on"}
    )
    clash = manager_client.post(
        reverse("org-update-substatus", args=[sub.pk]),
        {"name": "Travelling", "is_active": "on"},
        follow=True,
    )

    assert renamed.status_code == 302
    assert "92021 · Lead sub status Travelling already exists for status ON_HOLD" in (
        messages_of(clash)
    )
    sub.refresh_from_db()
    assert (sub.name, sub.is_active) == ("Abroad", True)


def test_the_close_reason_setting_is_switched_on_the_settings_page(manager_client):
    off = manager_client.post(reverse("org-close-reason"), {})
    assert off.status_code == 302
    assert OrgSettings.load().require_close_reason is False

    manager_client.post(reverse("org-close-reason"), {"require_close_reason": "on"})
    assert OrgSettings.load().require_close_reason is True
    assert "Reason to close" in text_of(manager_client.get(reverse("org-settings")))


def test_associates_cannot_rename_or_switch_settings(staff_client):
    reason = ReasonFactory(reason="Kept")
    sub = SubStatusFactory(status=Status.OPEN, name="Kept")

    for url, data in (
        (reverse("org-update-reason", args=[reason.pk]), {"name": "X"}),
        (reverse("org-update-substatus", args=[sub.pk]), {"name": "X"}),
        (reverse("org-close-reason"), {}),
    ):
        assert staff_client.post(url, data).status_code == 403
    assert Reason.objects.get().reason == "Kept"
    assert SubStatus.objects.get().name == "Kept"
    assert OrgSettings.load().require_close_reason is True


# --- editing a customer ---------------------------------------------------------------------


def test_a_customer_is_edited_on_the_pages(staff_client):
    customer = CustomerFactory(first_name="Asha", last_name="Rao", mobile="+919812300001")
    url = reverse("customer-edit", args=[customer.pk])

    form = staff_client.get(url)
    response = staff_client.post(
        url,
        {"first_name": "Asha", "last_name": "Rao-Iyer", "mobile": "098123 00002", "email": ""},
    )

    assert 'value="+919812300001"' in form.content.decode()
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.last_name, customer.mobile, customer.email) == (
        "Rao-Iyer",
        "+919812300002",
        None,
    )
    detail = staff_client.get(reverse("customer-detail", args=[customer.pk]))
    assert f'href="{url}"' in detail.content.decode()


def test_a_mobile_another_customer_has_is_90015_and_nothing_changes(staff_client):
    CustomerFactory(mobile="+919812300009")
    customer = CustomerFactory(first_name="Asha", mobile="+919812300001")

    response = staff_client.post(
        reverse("customer-edit", args=[customer.pk]),
        {"first_name": "Changed", "mobile": "+91 98123 00009"},
    )

    assert response.status_code == 400
    assert field_errors(response, "mobile") == [
        "90015 · A customer with this mobile already exists"
    ]
    customer.refresh_from_db()
    assert (customer.first_name, customer.mobile) == ("Asha", "+919812300001")


def test_an_email_that_is_not_one_is_92011(staff_client):
    customer = CustomerFactory(email="asha@example.com")

    response = staff_client.post(
        reverse("customer-edit", args=[customer.pk]), {"email": "not an email"}
    )

    assert field_errors(response, "email") == ["92011 · Customer Registration failed"]
    assert Customer.objects.get(pk=customer.pk).email == "asha@example.com"


def test_editing_an_unknown_customer_is_the_404_page(staff_client):
    response = staff_client.get(reverse("customer-edit", args=[999999]))

    assert response.status_code == 404


def test_a_search_by_name_in_the_url_is_kept_when_quoted(staff_client):
    lead = LeadFactory(customer=CustomerFactory(first_name="Saanvi", last_name="Sharma"))

    page = staff_client.get(f"{LIST}?q={quote('Saanvi Sharma')}")

    assert listed(page) == [lead.pk]
