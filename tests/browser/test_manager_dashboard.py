"""The manager dashboard in the browser, on a desktop and on a phone: a zone manager sees their
two stores, their associates, conversion and ageing charts; an associate sees the ageing of
their store's leads and no team tables. Saved to screenshots/ to be looked at."""

import pytest
from django.core.management import call_command

from .conftest import DESKTOP, PHONE, SCREENSHOTS, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", leads=120, customers=40, verbosity=0)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_zone_manager_sees_their_stores_and_people(open_page, demo, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    log_in(page, "zoe", "zoe-demo-pass")
    page.goto("/")

    stores = page.locator("#team-stores").locator("xpath=ancestor::section")
    store_names = stores.locator("tbody td:first-child").all_inner_texts()
    assert [name.strip() for name in store_names] == ["S1 · Bandra", "S2 · Andheri"]
    people = page.locator("#team-owners").locator("xpath=ancestor::section")
    names = " ".join(people.locator("tbody td:first-child").all_inner_texts())
    assert "Alice" in names and "Carol" in names
    assert "Dev" not in names and "Emma" not in names
    assert page.get_by_role("heading", name="Ageing of active leads").is_visible()
    assert page.get_by_role("heading", name="Conversion by store").is_visible()
    assert page.locator("[aria-label='Active leads by age'] .bar-row").count() == 4
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the dashboard is {width}px wide"
    screenshot(page, f"dashboard-zone-manager{suffix}")
    # The team's figures alone, readable at the phone's size too.
    stores.screenshot(path=str(SCREENSHOTS / f"dashboard-by-store{suffix}.png"))
    page.locator(".team-grid").screenshot(
        path=str(SCREENSHOTS / f"dashboard-ageing-conversion{suffix}.png")
    )

    # Each store's row opens the list of that store's leads.
    page.locator("#team-stores").locator("xpath=ancestor::section").get_by_role(
        "link", name="S2 · Andheri"
    ).click()
    page.wait_for_url("**/leads/?entityType=STORE&entityCode=S2")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_associate_sees_the_ageing_of_their_store_and_no_team(open_page, demo, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    log_in(page, "alice", "alice-demo-pass")
    page.goto("/")

    assert "Leads of S1" in page.locator(".page-head").inner_text()
    assert page.get_by_role("heading", name="Ageing of active leads").is_visible()
    assert page.locator("#team-stores").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"dashboard-associate{suffix}")
