"""Search that finds, saved views and the safety steps, in Chromium on a desktop and on a
phone: search by full name and by item name, a saved view, bulk Lost confirmed with the
count, the duplicate-lead notice before saving, and editing a customer."""

import re

import pytest

from crm.pages.models import SavedView
from customers.models import Customer
from leads.models import Lead, Status
from tests.factories import CustomerFactory, LeadFactory, ReasonFactory, SkuFactory

from .conftest import DESKTOP, PHONE, fill_add_lead, log_in, screenshot

pytestmark = pytest.mark.browser

# A form sends "~" as %7E; the saved view's link has it as it is.
OWNER_ME = re.compile(r"owner=(~|%7E)me")
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def unfold_filters(page) -> None:
    """On a phone the list's filter panel starts folded: open it as a person would."""
    if page.locator("[data-filter-fold]").get_attribute("open") is None:
        page.click(".filter-fold-summary")


def suffix(viewport) -> str:
    return "" if viewport is DESKTOP else "-phone"


def listed_items(page) -> list[str]:
    return page.locator(".lead-table .row-link").all_inner_texts()


@VIEWPORTS
def test_search_finds_a_full_name_and_an_item_name(open_page, staff, viewport):
    SkuFactory(code="SKU1001", name="Nike Air Zoom Pegasus")
    saanvi = CustomerFactory(first_name="Saanvi", last_name="Sharma", mobile="+919876543210")
    LeadFactory(customer=saanvi, type="CUSTOM", lead_for="Wedding gift set")
    LeadFactory(customer=CustomerFactory(first_name="Saanvi", last_name="Rao"), lead_for="Other")
    LeadFactory(type="SKU", lead_for="SKU1001")
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto("/leads/")

    # The top bar's search (the same search as the API's q).
    page.fill("#global-search", "Saanvi Sharma")
    page.press("#global-search", "Enter")
    page.wait_for_url("**q=Saanvi**")
    assert listed_items(page) == ["Wedding gift set"]
    screenshot(page, f"views-search-full-name{suffix(viewport)}")

    unfold_filters(page)
    page.fill("#id_q", "Air Zoom")
    page.click(".filter-card button[type=submit]")
    page.wait_for_url("**q=Air**")
    assert listed_items(page) == ["Nike Air Zoom Pegasus"]

    unfold_filters(page)
    page.fill("#id_q", "098765-43210")
    page.click(".filter-card button[type=submit]")
    page.wait_for_url("**q=098765**")
    assert listed_items(page) == ["Wedding gift set"]


@VIEWPORTS
def test_a_saved_view_opens_the_same_filters(open_page, staff, viewport):
    LeadFactory(owner=staff, status=Status.OPEN, type="CUSTOM", lead_for="Mine and open")
    LeadFactory(owner=staff, status=Status.WON, type="CUSTOM", lead_for="Mine and won")
    LeadFactory(owner=None, status=Status.OPEN, type="CUSTOM", lead_for="Nobody's")
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto("/leads/")

    unfold_filters(page)
    page.select_option("#id_status", "OPEN")
    page.select_option("#id_owner", "~me")
    page.click(".filter-card button[type=submit]")
    page.wait_for_url(OWNER_ME)
    assert listed_items(page) == ["Mine and open"]
    page.fill("#save-view-name", "My open leads")
    page.click(".save-view-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator(".saved-view.is-current").inner_text().strip() == "My open leads"
    screenshot(page, f"views-saved-view{suffix(viewport)}")

    page.goto("/leads/")
    assert len(listed_items(page)) == 3
    page.click(".saved-view a >> text=My open leads")
    page.wait_for_url(OWNER_ME)
    assert listed_items(page) == ["Mine and open"]
    assert page.locator("#id_status").input_value() == "OPEN"

    # The view's address is the view: opening a lead and coming back keeps the filters.
    page.click(".lead-table .row-link >> text=Mine and open")
    page.wait_for_selector("[data-back-to-list]")
    page.click("[data-back-to-list]")
    page.wait_for_url(OWNER_ME)
    assert listed_items(page) == ["Mine and open"]

    page.click("[aria-label='Delete the view My open leads']")
    page.wait_for_selector(".flash-success")
    assert not SavedView.objects.exists()


@VIEWPORTS
def test_bulk_lost_asks_for_confirmation_with_the_count(open_page, staff, viewport):
    reason = ReasonFactory(reason="Bought elsewhere")
    first, second, untouched = LeadFactory.create_batch(3, owner=staff)
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto("/leads/")

    page.check(f"input[name=lead_ids][value='{first.pk}']")
    page.check(f"input[name=lead_ids][value='{second.pk}']")
    page.select_option("#bulk-status", "LOST")
    page.click("button[name=action][value=status]")

    page.wait_for_selector("[data-bulk-confirm]")
    assert page.locator("h1").inner_text() == "Mark 2 leads Lost?"
    assert page.locator("[data-confirm-submit]").inner_text() == "Mark 2 leads Lost"
    assert set(Lead.objects.values_list("status", flat=True)) == {Status.OPEN}
    screenshot(page, f"views-bulk-confirm{suffix(viewport)}")
    page.select_option("#bulk-reason", str(reason.pk))
    page.click("[data-confirm-submit]")

    page.wait_for_selector(".bulk-result")
    assert "2 leads updated." in page.locator(".flash-success").inner_text()
    assert set(Lead.objects.filter(status=Status.LOST).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert Lead.objects.get(pk=untouched.pk).status == Status.OPEN


@VIEWPORTS
def test_a_duplicate_open_lead_is_shown_before_saving(open_page, staff, viewport):
    customer = CustomerFactory(first_name="Asha", mobile="+919812300001")
    existing = LeadFactory(customer=customer, type="CUSTOM", lead_for="Gift wrap")
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    fill_add_lead(page, identifier="98123 00001", lead_for="Gift wrap", find_by="MOBILE")
    page.click("form[data-create-form] .form-footer button[type=submit]")

    notice = page.locator("[data-duplicate-notice]")
    notice.wait_for()
    assert f"exists: #{existing.pk}" in notice.inner_text()
    assert Lead.objects.count() == 1
    screenshot(page, f"views-duplicate-notice{suffix(viewport)}")
    assert notice.locator(f"a[href='/leads/{existing.pk}/']").count() == 2
    page.click("button[name=save_anyway]")

    page.wait_for_selector(".flash-warning")
    assert Lead.objects.count() == 2
    assert (
        f"90101 · An active lead {existing.pk} already exists"
        in page.locator(".flash-warning").inner_text()
    )


@VIEWPORTS
def test_a_customer_is_edited(open_page, staff, viewport):
    customer = CustomerFactory(first_name="Asha", last_name="Rao", mobile="+919812300001")
    CustomerFactory(mobile="+919812300009")
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto(f"/customers/{customer.pk}/")

    page.click("[data-edit-customer]")
    page.wait_for_selector("[data-customer-edit]")
    page.fill("#id_mobile", "98123 00009")
    page.click("[data-customer-edit] button[type=submit]")
    page.wait_for_selector(".field-error")
    assert (
        "90015 · A customer with this mobile already exists"
        in page.locator(".field-error").inner_text()
    )
    screenshot(page, f"views-customer-edit-refused{suffix(viewport)}")

    page.fill("#id_last_name", "Rao-Iyer")
    page.fill("#id_mobile", "098123 00002")
    page.click("[data-customer-edit] button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator("h1").inner_text() == "Asha Rao-Iyer"
    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.last_name, customer.mobile) == ("Rao-Iyer", "+919812300002")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
