"""The activity timeline in a real browser: newest first on the lead page and the customer
page, notes added from the composer on top; on a phone the customer card and its call button
come first on the lead page."""

import datetime

import pytest
from django.utils import timezone

from leads.models import FollowUp, LeadStatus, OwnerChange, Status
from tests.factories import (
    CustomerFactory,
    FollowUpFactory,
    LeadFactory,
    ReasonFactory,
    UserFactory,
)

from .conftest import DESKTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.browser

NOW = timezone.now()


def ago(hours):
    return NOW - datetime.timedelta(hours=hours)


@pytest.fixture
def lead(staff):
    customer = CustomerFactory(first_name="Saanvi", last_name="Sharma", mobile="+919812300001")
    lead = LeadFactory(
        owner=staff, customer=customer, lead_for="Trail Runner", with_status_log=False
    )
    LeadStatus.objects.create(lead=lead, status=Status.OPEN, created_by=staff, created_on=ago(6))
    FollowUpFactory(lead=lead, followed_up_on=ago(5), notes="Called, no answer.")
    OwnerChange.objects.create(
        lead=lead,
        from_owner=UserFactory(username="bob"),
        to_owner=staff,
        changed_by=staff,
        changed_on=ago(4),
    )
    LeadStatus.objects.create(
        lead=lead,
        status=Status.ON_HOLD,
        reason=ReasonFactory(reason="Waiting for payday"),
        created_by=staff,
        created_on=ago(3),
    )
    return lead


def entry_texts(page) -> list[str]:
    return page.locator("[data-timeline-entries] > li").all_inner_texts()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_lead_timeline_newest_first_and_the_composer_adds_on_top(open_page, staff, lead, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    kinds = page.locator("[data-timeline-entries] > li").evaluate_all(
        "items => items.map(i => i.dataset.kind)"
    )
    assert kinds == ["status", "owner", "followup", "status"]
    texts = entry_texts(page)
    assert "Waiting for payday" in texts[0] and "bob" in texts[1]
    assert "Called, no answer." in texts[2]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"lead-timeline{suffix}")

    composer = page.locator("[data-composer]")
    composer.locator("textarea[name=notes]").fill("Sent the price list on WhatsApp.")
    composer.locator("button[type=submit]").click()

    page.wait_for_selector(".flash-success")
    assert "Sent the price list on WhatsApp." in entry_texts(page)[0]
    followup = FollowUp.objects.filter(lead=lead).latest("id")
    assert (followup.notes, followup.followed_up_by_id) == (
        "Sent the price list on WhatsApp.",
        staff.pk,
    )


def test_an_empty_note_is_refused_in_the_composer(page, staff, lead):
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    page.locator("[data-composer] button[type=submit]").click()

    error = page.locator("[data-composer] .field.has-error .field-error")
    error.wait_for()
    assert error.inner_text().startswith("90029 · ")
    assert FollowUp.objects.filter(lead=lead).count() == 1


def test_on_a_phone_the_customer_card_and_call_button_come_first(open_page, staff, lead):
    page = open_page(viewport=PHONE)
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    customer = page.locator(".lead-customer").bounding_box()
    work = page.locator(".detail-main").bounding_box()
    assert customer["y"] < work["y"]
    call = page.locator("[data-call]")
    assert call.is_visible() and call.get_attribute("href") == "tel:+919812300001"
    # within the first screen
    assert call.bounding_box()["y"] < PHONE["height"]


def test_on_a_desktop_the_customer_card_sits_beside_the_work(page, staff, lead):
    log_in(page, "associate")
    page.goto(f"/leads/{lead.pk}/")

    customer = page.locator(".lead-customer").bounding_box()
    work = page.locator(".detail-main").bounding_box()
    assert customer["x"] > work["x"] + work["width"] - 1
    assert abs(customer["y"] - work["y"]) < 2


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_customer_timeline_and_composer(open_page, staff, lead, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    other = LeadFactory(
        owner=staff, customer=lead.customer, lead_for="Gift card", with_status_log=False
    )
    LeadStatus.objects.create(lead=other, status=Status.OPEN, created_by=staff, created_on=ago(1))
    log_in(page, "associate")
    page.goto(f"/customers/{lead.customer_id}/")

    texts = entry_texts(page)
    assert f"#{other.pk} Gift card" in texts[0]
    assert f"#{lead.pk} Trail Runner" in texts[1] and "Waiting for payday" in texts[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"customer-timeline{suffix}")

    composer = page.locator("[data-composer]")
    composer.locator("select[name=lead]").select_option(str(lead.pk))
    composer.locator("textarea[name=notes]").fill("Will come on Saturday.")
    composer.locator("button[type=submit]").click()

    page.wait_for_selector(".flash-success")
    first = entry_texts(page)[0]
    assert "Will come on Saturday." in first and f"#{lead.pk} Trail Runner" in first
    assert FollowUp.objects.filter(lead=lead, notes="Will come on Saturday.").exists()
