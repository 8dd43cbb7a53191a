"""My follow-ups as a one-screen loop, in Chromium at 1280 px and 390 px: log a contact,
reschedule, snooze and message on WhatsApp without the page ever loading again; the
navigation's counts follow."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.pages.followup_forms import WHATSAPP_NOTE
from leads.models import FollowUp
from tests.factories import CustomerFactory, LeadFactory, SkuFactory

from .conftest import DESKTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def at(days: int, hour: int = 12) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def suffix(viewport) -> str:
    return "" if viewport is DESKTOP else "-phone"


def mark_page(page) -> None:
    """A marker that only survives while the page is not loaded again."""
    page.evaluate("window.loopMarker = 'still the same page'")


def same_page(page) -> bool:
    return page.evaluate("window.loopMarker") == "still the same page"


def nav_count(page, key: str):
    """The visible count badge (the sidebar's on a desktop, the header's on a phone)."""
    return page.locator(f"[data-nav-count={key}]:visible")


@pytest.fixture
def leads(staff):
    SkuFactory(code="SKU1001", name="Air Zoom")
    asha = CustomerFactory(first_name="Asha", last_name="Rao", mobile="+919811122233")
    overdue = LeadFactory(
        owner=staff, customer=asha, type="SKU", lead_for="SKU1001", next_follow_up=at(-2, 16)
    )
    today = LeadFactory(owner=staff, lead_for="Wedding gift set", next_follow_up=at(0, 23))
    return overdue, today


@VIEWPORTS
def test_log_a_contact_in_place_with_its_coded_errors(open_page, staff, leads, viewport):
    overdue, _ = leads
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto("/followups/")
    assert nav_count(page, "overdue").text_content() == "1 overdue"
    assert nav_count(page, "today").text_content() == "1 due today"
    mark_page(page)
    row = page.locator(f"#lead-{overdue.pk}")

    row.locator("summary", has_text="Log contact").click()
    row.locator("button", has_text="Save contact").click()
    notes_error = row.locator('[data-error-for="notes"]')
    expect(notes_error).to_have_text("90029 · Write what was said or when to follow up next")
    expect(row.locator("textarea[name=notes]")).to_have_attribute("aria-invalid", "true")

    row.locator("textarea[name=notes]").fill("Will call")
    row.locator("input[name=followed_up_on]").fill(
        local_input(timezone.now() + datetime.timedelta(days=2))
    )
    row.locator("button", has_text="Save contact").click()
    when_error = row.locator('[data-error-for="followed_up_on"]')
    expect(when_error).to_have_text("90030 · followedUpOn cannot be in the future")
    expect(notes_error).to_be_hidden()
    screenshot(page, f"my-followups-contact-refused{suffix(viewport)}")
    assert not FollowUp.objects.exists()

    row.locator("input[name=followed_up_on]").fill("")
    row.locator("select[name=outcome]").select_option("Reached")
    row.locator("textarea[name=notes]").fill("Showed the catalogue")
    row.get_by_label("Next follow-up").fill(local_input(at(3, 11)))
    row.locator("button", has_text="Save contact").click()

    expect(row.locator("[data-loop-result]")).to_contain_text("Contact logged.")
    assert same_page(page)
    assert row.locator("[data-next]").inner_text() == timezone.localtime(at(3, 11)).strftime(
        "%a %d %b, %H:%M"
    )
    assert nav_count(page, "overdue").count() == 0  # none left: the badge is hidden
    assert page.locator(".summary-tab [data-count=overdue]").inner_text() == "0"
    assert page.locator(".summary-tab [data-count=upcoming]").inner_text() == "1"
    screenshot(page, f"my-followups-contact-logged{suffix(viewport)}")
    followup = FollowUp.objects.get(lead=overdue)
    assert followup.notes == "Reached: Showed the catalogue"
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(3, 11)


@VIEWPORTS
def test_reschedule_and_snooze_in_place(open_page, staff, leads, viewport):
    overdue, today = leads
    page = open_page(viewport=viewport)
    log_in(page, "associate")
    page.goto("/followups/")
    screenshot(page, f"my-followups{suffix(viewport)}")
    mark_page(page)

    row = page.locator(f"#lead-{today.pk}")
    row.locator("summary", has_text="Reschedule").click()
    row.get_by_label("New date and time").fill("")
    row.locator("button", has_text="Reschedule").click()
    expect(row.locator('[data-error-for="next_follow_up"]:visible')).to_have_text(
        "90008 · Invalid value for nextFollowUp: a date and time is needed"
    )
    row.get_by_label("New date and time").fill(local_input(at(2, 11)))
    row.locator("button", has_text="Reschedule").click()
    expect(row.locator("[data-loop-result]")).to_contain_text("Follow-up rescheduled.")
    today.refresh_from_db()
    assert today.next_follow_up == at(2, 11)
    assert nav_count(page, "today").count() == 0

    # Snooze by keyboard: the button takes the focus, shows it, and Enter presses it.
    row = page.locator(f"#lead-{overdue.pk}")
    snooze = row.get_by_role("button", name="Snooze to tomorrow")
    snooze.focus()
    page.keyboard.press("Enter")
    expect(row.locator("[data-loop-result]")).to_contain_text("Follow-up snoozed.")
    assert same_page(page)
    assert "overdue" not in row.locator("[data-next]").get_attribute("class")
    assert nav_count(page, "overdue").count() == 0
    screenshot(page, f"my-followups-snoozed{suffix(viewport)}")
    overdue.refresh_from_db()
    assert overdue.next_follow_up == at(1, 16)
    assert not FollowUp.objects.exists()


@VIEWPORTS
def test_the_whatsapp_link_opens_the_chat_and_logs_a_follow_up(open_page, staff, leads, viewport):
    overdue, _ = leads
    page = open_page(viewport=viewport)
    # No internet here: WhatsApp's page is a stand-in.
    page.context.route(
        "https://wa.me/**",
        lambda route: route.fulfill(body="<title>WhatsApp</title>", content_type="text/html"),
    )
    log_in(page, "associate")
    page.goto("/followups/")
    mark_page(page)
    row = page.locator(f"#lead-{overdue.pk}")
    assert row.get_by_role("link", name="Call").get_attribute("href") == "tel:+919811122233"

    with page.expect_popup() as popup:
        row.locator("a[data-whatsapp]").click()

    chat = popup.value
    assert chat.url.startswith("https://wa.me/919811122233?text=Hello%20Asha")
    assert "Air%20Zoom" in chat.url
    expect(row.locator("[data-loop-result]")).to_contain_text("WhatsApp message logged")
    assert same_page(page)
    followup = FollowUp.objects.get(lead=overdue)
    assert (followup.notes, followup.followed_up_by_id) == (WHATSAPP_NOTE, staff.pk)


@VIEWPORTS
def test_add_follow_up_is_the_first_tab_of_a_lead(open_page, staff, leads, viewport):
    overdue, _ = leads
    page = open_page(viewport=viewport)
    log_in(page, "associate")

    page.goto(f"/leads/{overdue.pk}/")

    first = page.get_by_role("tab").first
    assert first.inner_text() == "Add follow-up"
    assert first.get_attribute("aria-selected") == "true"
    assert page.locator("[data-panel=followup_form]").is_visible()
    assert page.locator("[data-panel=status_form]").is_hidden()
    assert page.locator(".lead-customer a[data-whatsapp]").is_visible()
    screenshot(page, f"lead-detail-follow-up-first{suffix(viewport)}")
