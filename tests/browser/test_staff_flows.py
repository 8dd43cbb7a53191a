"""What staff do all day, in a real browser."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone

from customers.models import Customer
from leads.models import FollowUp, Lead, LeadStatus, OwnerChange, Status
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    LeadFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_staff_user_logs_in_and_out(page, staff):
    page.goto("/leads/")
    assert "/accounts/login/" in page.url
    screenshot(page, "login")

    page.fill("#id_username", "associate")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".form-errors").is_visible()

    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/leads/")
    assert page.locator("h1").inner_text() == "Leads"
    page.click("button[title='Log out']")
    page.wait_for_url("**/accounts/login/")


def test_add_a_lead_for_a_new_customer(page, staff):
    log_in(page, "associate")
    page.click("text=Add lead >> nth=0")
    page.wait_for_url("**/leads/new/")

    # JavaScript shows only the part of the customer block that applies.
    assert page.locator("[data-mode=new]").is_hidden()
    page.check("input[name=customer_mode][value=new]")
    assert page.locator("[data-mode=existing]").is_hidden()
    page.fill("#id_first_name", "Kiran")
    page.fill("#id_last_name", "Rao")
    page.fill("#id_mobile", "98111 22233")
    page.select_option("#id_type", "CUSTOM")
    page.fill("#id_lead_for", "Wedding gift set")
    page.fill("#id_next_follow_up", "2026-12-01T10:30")
    screenshot(page, "lead-create")
    page.click("form[data-create-form] button[type=submit]")

    page.wait_for_selector(".flash-success")
    lead = Lead.objects.get()
    assert page.url.endswith(f"/leads/{lead.pk}/")
    assert page.locator("h1").inner_text() == "Wedding gift set"
    assert "Kiran Rao" in page.locator(".customer-card").inner_text()
    customer = Customer.objects.get()
    assert (customer.mobile, lead.customer_id) == ("+919811122233", customer.pk)


def test_add_a_follow_up(page, staff):
    lead = LeadFactory(owner=staff)
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    page.click("[data-tab=followup_form]")
    page.fill("#id_followed_up_on", "2026-11-20T16:45")
    page.fill("#id_next_follow_up", "2026-11-30T11:00")
    page.fill("[data-panel=followup_form] textarea[name=notes]", "Showed the catalogue.")
    page.click("[data-panel=followup_form] button[type=submit]")

    page.wait_for_selector(".flash-success")
    assert "Showed the catalogue." in page.locator("[data-timeline-entries]").inner_text()
    followup = FollowUp.objects.get(lead=lead)
    assert followup.followed_up_by_id == staff.pk
    lead.refresh_from_db()
    assert lead.next_follow_up.isoformat().startswith("2026-11-30T11:00")


def test_change_status_with_a_reason_and_a_sub_status(page, staff):
    lead = LeadFactory(owner=staff)
    held = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    SubStatusFactory(status=Status.LOST, name="PriceTooHigh")
    reason = ReasonFactory(reason="Waiting for payday")
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    page.click("[data-tab=status_form]")
    page.select_option("#id_status", "ON_HOLD")
    # The sub-status list now holds only On hold's sub-statuses.
    options = page.locator("#id_sub_status option").all_inner_texts()
    assert options == ["None", "YetToDecide"]
    page.select_option("#id_sub_status", str(held.pk))
    page.select_option("#id_reason", str(reason.pk))
    screenshot(page, "lead-detail")
    page.click("[data-panel=status_form] button[type=submit]")

    page.wait_for_selector(".flash-success")
    first_entry = page.locator(".timeline-item").first.inner_text()
    assert "On hold" in first_entry and "YetToDecide" in first_entry
    assert "Waiting for payday" in first_entry
    entry = LeadStatus.objects.filter(lead=lead).order_by("-id").first()
    assert (entry.status, entry.sub_status_id, entry.reason_id) == ("ON_HOLD", held.pk, reason.pk)


def test_status_change_on_a_closed_lead_shows_92024_next_to_the_status(page, staff):
    lead = LeadFactory(owner=staff)
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")
    # Someone closes the lead while the page is open.
    Lead.objects.filter(pk=lead.pk).update(status=Status.WON)

    page.click("[data-tab=status_form]")
    page.select_option("#id_status", "LOST")
    page.click("[data-panel=status_form] button[type=submit]")

    error = page.locator(".field.has-error .field-error")
    assert error.inner_text() == "92024 · Status change not allowed on closed leads"
    # The error sits under the status field.
    assert page.locator(".field.has-error select[name=status]").count() == 1
    assert page.locator(".callout-warning").is_visible()
    screenshot(page, "lead-detail-closed-refusal")
    lead.refresh_from_db()
    assert lead.status == Status.WON
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_filter_and_sort_the_lead_list(page, staff):
    now = timezone.now()
    soon = LeadFactory(
        lead_for="Soon", status=Status.OPEN, next_follow_up=now + datetime.timedelta(days=1)
    )
    later = LeadFactory(
        lead_for="Later", status=Status.OPEN, next_follow_up=now + datetime.timedelta(days=5)
    )
    LeadFactory(lead_for="Won already", status=Status.WON)
    log_in(page, "associate")
    page.goto("/leads/")

    page.select_option("#id_status", "OPEN")
    page.click(".filter-card button[type=submit]")
    page.wait_for_url("**status=OPEN**")
    assert page.locator(".lead-table tbody tr").count() == 2

    page.click("th >> text=Follow-up")
    page.wait_for_url("**sortBy=nextFollowUp**")
    names = page.locator(".lead-table .row-link").all_inner_texts()
    assert names == [later.lead_for, soon.lead_for]  # newest first on the first click
    page.click("th >> text=Follow-up")
    page.wait_for_url("**sortOrder=ASC**")
    assert page.locator(".lead-table .row-link").all_inner_texts() == ["Soon", "Later"]
    assert "status=OPEN" in page.url
    screenshot(page, "lead-list-filtered")


def test_export_the_filtered_list_as_csv(page, staff):
    LeadFactory(lead_for="Keep me", status=Status.OPEN)
    LeadFactory(lead_for="Not me", status=Status.LOST)
    log_in(page, "associate")
    page.goto("/leads/?status=OPEN")

    with page.expect_download() as download_info:
        page.click("[data-export]")
    download = download_info.value

    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["leadFor"] for row in rows] == ["Keep me"]


def test_bulk_assign_ticked_leads(page, staff):
    UserFactory(username="bob", first_name="Bob", last_name="Khan")
    first, second, untouched = LeadFactory.create_batch(3, owner=staff)
    log_in(page, "associate")
    page.goto("/leads/")

    assert page.locator("[data-bulk-count]").inner_text() == "0"
    page.check(f"input[name=lead_ids][value='{first.pk}']")
    page.check(f"input[name=lead_ids][value='{second.pk}']")
    assert page.locator("[data-bulk-count]").inner_text() == "2"
    page.select_option("#bulk-owner", "bob")
    page.click("button[name=action][value=assign]")

    page.wait_for_selector(".bulk-result")
    assert page.locator(".result-list li.result-ok").count() == 2
    assert "2 leads reassigned." in page.locator(".flash-success").inner_text()
    assert page.locator("tr.row-ok").count() == 2
    screenshot(page, "lead-list-bulk-result")
    assert set(Lead.objects.filter(owner__username="bob").values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert Lead.objects.get(pk=untouched.pk).owner_id == staff.pk
    assert OwnerChange.objects.count() == 2


def test_associate_cannot_open_org_settings(page, staff):
    log_in(page, "associate")

    assert page.locator(".nav >> text=Org settings").count() == 0
    response = page.goto("/settings/")

    assert response.status == 403
    assert page.locator("h1").inner_text() == "You cannot open this page"
    screenshot(page, "org-settings-refused")


def test_status_change_works_without_javascript(open_page, staff):
    page = open_page(javascript=False)
    lead = LeadFactory(owner=staff)
    lost = SubStatusFactory(status=Status.LOST, name="BoughtElsewhere")
    reason = ReasonFactory(reason="Bought elsewhere")
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    # Without JavaScript every form is on the page and sub-statuses are grouped.
    assert page.locator("[data-panel=followup_form]").is_visible()
    assert page.locator("#id_sub_status optgroup[label=Lost]").count() == 1
    page.select_option("#id_status", "LOST")
    page.select_option("#id_sub_status", str(lost.pk))
    # LOST needs a reason (org setting, on by default).
    page.select_option("#id_reason", str(reason.pk))
    page.click("[data-panel=status_form] button[type=submit]")

    page.wait_for_selector(".flash-success")
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id) == (Status.LOST, lost.pk)


def test_customer_search_and_registration(page, staff):
    CustomerFactory(first_name="Zara", last_name="Iyer")
    log_in(page, "associate")
    page.goto("/customers/")
    page.fill("#customer-q", "zara")
    page.click(".filter-card button[type=submit]")
    assert page.locator(".table .row-link").all_inner_texts() == ["Zara Iyer"]

    page.click("text=Register customer")
    page.fill("#id_first_name", "Omar")
    page.fill("#id_mobile", "12")
    page.click("form.narrow-card button[type=submit]")
    assert page.locator(".field-error").inner_text() == "92011 · Customer Registration failed"
    page.fill("#id_mobile", "9811100099")
    page.click("form.narrow-card button[type=submit]")

    page.wait_for_selector(".flash-success")
    assert page.locator("h1").inner_text() == "Omar"
    assert Customer.objects.filter(mobile="+919811100099").exists()


def test_add_a_lead_for_a_customer_found_as_you_type(page, staff):
    customer = CustomerFactory(first_name="Zara", last_name="Iyer", mobile="+919800000123")
    log_in(page, "associate")
    page.goto("/leads/new/")

    page.fill("#id_identifier", "Zara")
    page.click(".lookup-item >> text=Zara Iyer")
    assert page.input_value("#id_find_by") == "USER_ID"
    assert page.input_value("#id_identifier") == str(customer.pk)
    page.select_option("#id_type", "CUSTOM")
    page.fill("#id_lead_for", "Festive hamper")
    page.click("form[data-create-form] button[type=submit]")

    page.wait_for_selector(".flash-success")
    assert Lead.objects.get().customer_id == customer.pk
