"""The ten bugs of the staff work loop, each tried in Chromium as a person meets it, on a
desktop (1280 px) and on a phone (390 px): what the page shows, and what is stored after."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leads.models import FollowUp, ImportJob, Lead, OrgSettings, Reason
from tests.factories import CustomerFactory, FollowUpFactory, LeadFactory, SkuFactory

from .conftest import DESKTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def suffix(viewport) -> str:
    return "" if viewport is DESKTOP else "-phone"


def listed(page) -> list[str]:
    return page.locator(".lead-table .row-link").all_inner_texts()


def search_from_the_top_bar(page, text: str) -> None:
    page.fill("#global-search", text)
    page.press("#global-search", "Enter")
    page.wait_for_url("**/leads/?q=**")


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# 1 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_1_search_finds_a_customers_full_name(open_page, staff, viewport):
    saanvi = CustomerFactory(first_name="Saanvi", last_name="Sharma")
    LeadFactory(customer=saanvi, lead_for="Silk saree")
    LeadFactory(customer=CustomerFactory(first_name="Rohan", last_name="Sharma"), lead_for="Kurta")
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    search_from_the_top_bar(page, "Saanvi Sharma")

    assert listed(page) == ["Silk saree"]
    assert "Saanvi Sharma" in page.locator(".lead-table").inner_text()
    screenshot(page, f"bug1-full-name-search{suffix(viewport)}")
    search_from_the_top_bar(page, "Sharma")
    assert sorted(listed(page)) == ["Kurta", "Silk saree"]


# 2 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_2_search_finds_the_items_name_and_a_lead_by_its_number(open_page, staff, viewport):
    SkuFactory(code="SKU1001", name="Air Zoom")
    shoe = LeadFactory(type="SKU", lead_for="SKU1001")
    other = LeadFactory(lead_for="Gift card")
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    search_from_the_top_bar(page, "Air Zoom")
    assert listed(page) == ["Air Zoom"]  # the row shows the catalog name in bold

    search_from_the_top_bar(page, f"#{other.pk}")
    assert listed(page) == ["Gift card"]
    screenshot(page, f"bug2-search-by-number{suffix(viewport)}")
    page.click(".lead-table .row-link")
    page.wait_for_url(f"**/leads/{other.pk}/")
    assert Lead.objects.get(pk=shoe.pk).lead_for == "SKU1001"


# 3 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_3_a_follow_up_in_the_future_is_refused_and_a_past_next_one_warned_of(
    open_page, staff, viewport
):
    lead = LeadFactory(owner=staff)
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    form = page.locator("[data-panel=followup_form]")
    form.locator("#id_followed_up_on").fill(
        local_input(timezone.now() + datetime.timedelta(days=30))
    )
    form.locator("textarea[name=notes]").fill("Will call")
    form.locator("button[type=submit]").click()

    error = page.locator(".field.has-error:has(#id_followed_up_on) .field-error")
    expect(error).to_have_text("90030 · followedUpOn cannot be in the future")
    screenshot(page, f"bug3-future-follow-up-refused{suffix(viewport)}")
    assert not FollowUp.objects.exists()
    lead.refresh_from_db()
    assert lead.last_follow_up is None

    past = timezone.now() - datetime.timedelta(days=400)
    form = page.locator("[data-panel=followup_form]")
    form.locator("#id_followed_up_on").fill(local_input(timezone.now()))
    form.locator("#id_next_follow_up").fill(local_input(past))
    form.locator("textarea[name=notes]").fill("Called")
    form.locator("button[type=submit]").click()

    expect(page.locator(".flash-success")).to_contain_text("Follow-up added.")
    warning = page.locator(".flash-warning")
    expect(warning).to_contain_text("90102 · nextFollowUp")
    expect(warning).to_contain_text("is in the past")
    screenshot(page, f"bug3-past-next-follow-up-warned{suffix(viewport)}")
    lead.refresh_from_db()
    assert timezone.localtime(lead.next_follow_up).date() == timezone.localtime(past).date()
    assert FollowUp.objects.get(lead=lead).notes == "Called"


# 4 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_4_an_empty_follow_up_is_refused(open_page, staff, viewport):
    lead = LeadFactory(owner=staff)
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    # The date comes filled in; nothing else is written.
    assert page.input_value("#id_followed_up_on") != ""
    page.click("[data-panel=followup_form] button[type=submit]")

    error = page.locator(".field.has-error:has(textarea[name=notes]) .field-error")
    expect(error).to_have_text("90029 · Write what was said or when to follow up next")
    assert page.locator("[data-panel=followup_form]").is_visible()
    screenshot(page, f"bug4-empty-follow-up-refused{suffix(viewport)}")
    assert not FollowUp.objects.filter(lead=lead).exists()


# 5 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_5_the_same_reason_cannot_be_added_twice(open_page, manager, viewport):
    page = open_page(viewport=viewport)
    log_in(page, "manager")
    page.goto("/settings/")

    page.fill("#id_reason", "Customer moved away")
    page.click("#reasons button:has-text('Add reason')")
    expect(page.locator(".flash-success")).to_be_visible()
    page.fill("#id_reason", "  customer MOVED away ")
    page.click("#reasons button:has-text('Add reason')")

    error = page.locator("#reasons .field-error")
    expect(error).to_contain_text("90028 · ")
    screenshot(page, f"bug5-duplicate-reason-refused{suffix(viewport)}")
    assert page.locator("#reasons [data-reason-row]").count() == 1
    assert list(Reason.objects.values_list("reason", flat=True)) == ["Customer moved away"]


# 6 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_6_a_missing_lead_is_the_apps_404_page_even_with_debug_on(
    open_page, staff, settings, viewport
):
    settings.DEBUG = True
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    response = page.goto("/leads/99999/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Nothing here"
    assert "92001 · Lead not found" in page.locator(".error-page").inner_text()
    assert "URLconf" not in page.content()
    screenshot(page, f"bug6-not-found{suffix(viewport)}")
    page.click("text=Go to the lead list")
    page.wait_for_url("**/leads/")


# 7 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_7_a_logged_out_browser_on_the_api_gets_a_login_link_not_a_pop_up(
    open_page, staff, viewport
):
    page = open_page(viewport=viewport)

    response = page.goto("/v2/leads")

    assert response.status == 401
    # No Basic challenge: that is what makes a browser open its password dialog.
    assert "www-authenticate" not in response.all_headers()
    assert "90001" in page.content()
    login = page.locator("a[href^='/v2/auth/login/']").first
    expect(login).to_be_visible()
    screenshot(page, f"bug7-api-logged-out{suffix(viewport)}")
    page.goto(login.get_attribute("href"))
    page.fill("#id_username", "associate")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("[type=submit]")
    page.wait_for_url("**/v2/leads")
    assert '"data"' in page.content() or "pagination" in page.content()


# 8 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_8_times_are_shown_in_the_users_zone_with_its_name(open_page, staff, viewport):
    staff.time_zone = "Asia/Kolkata"
    staff.save()
    lead = LeadFactory(owner=staff)
    # 04:30 UTC is 10:00 in India.
    FollowUpFactory(
        lead=lead,
        followed_up_on=datetime.datetime(2026, 11, 27, 4, 30, tzinfo=datetime.UTC),
        notes="Called about the saree",
    )
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    page.goto(f"/leads/{lead.pk}/")

    entry = page.locator("[data-timeline-entries] li[data-kind=followup]").first.inner_text()
    assert "10:00" in entry and "04:30" not in entry
    if viewport is PHONE:
        page.click("[data-nav-toggle]")
    zone = page.locator("[data-time-zone]")
    expect(zone).to_be_visible()
    expect(zone).to_have_text("Times in Asia/Kolkata")
    screenshot(page, f"bug8-times-in-the-users-zone{suffix(viewport)}")


# 9 ------------------------------------------------------------------------------------------


@VIEWPORTS
def test_9_no_new_customer_is_offered_with_auto_registration_off(open_page, staff, viewport):
    settings_row = OrgSettings.load()
    settings_row.auto_register_customers = False
    settings_row.save()
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    page.goto("/leads/new/")

    assert page.locator("input[name=customer_mode][value=new]").count() == 0
    assert page.get_by_text("New customer").count() == 0
    expect(page.get_by_text("the customer must exist already")).to_be_visible()
    screenshot(page, f"bug9-no-new-customer{suffix(viewport)}")
    assert not Lead.objects.exists()


# 10 -----------------------------------------------------------------------------------------


@VIEWPORTS
def test_10_see_the_leads_after_an_import_lists_only_the_imported_leads(
    open_page, manager, settings, tmp_path, viewport
):
    settings.MEDIA_ROOT = tmp_path / "media"
    customer = CustomerFactory()
    LeadFactory(lead_for="Bookshelf")
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        f"type,leadFor,userId\r\nCUSTOM,Desk,{customer.pk}\r\nCUSTOM,Chair,{customer.pk}\r\n"
    )
    page = open_page(viewport=viewport)
    log_in(page, "manager")
    page.goto("/leads/import/")

    page.set_input_files("#id_file", str(csv_file))
    page.click("[data-import-upload] button[type=submit]")
    page.click("[data-import-start] button[type=submit]")
    page.click("text=See the leads")

    imported = ImportJob.objects.get(dry_run=False)
    page.wait_for_url(f"**/leads/?importJob={imported.pk}")
    assert sorted(listed(page)) == ["Chair", "Desk"]
    expect(page.locator("[data-import-filter]")).to_contain_text(f"import #{imported.pk}")
    screenshot(page, f"bug10-imported-leads{suffix(viewport)}")
    assert sorted(Lead.objects.filter(import_job=imported).values_list("lead_for", flat=True)) == [
        "Chair",
        "Desk",
    ]
