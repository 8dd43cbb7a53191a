"""The role table as a person sees it, in a real browser: an associate of S1 lists, opens and
claims only S1's leads and cannot bulk-delete; a store manager hands a lead over to another
store; a zone manager's dashboard is about their zone's stores; add lead offers only the
user's stores; the navigation names each person's role. Screenshots go to /tmp/roles-shots
for a person to look at (not into the repository)."""

from pathlib import Path

import pytest

from leads.models import Lead, Status, StoreChange
from tests.factories import CustomerFactory, ReasonFactory
from tests.scoping import SEES, build_world

from .conftest import fill_add_lead, log_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/roles-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def world(transactional_db):
    world = build_world()
    ReasonFactory(reason="Not interested")
    return world


def listed_ids(page) -> set[int]:
    return {
        int(value)
        for value in page.locator("input[name=lead_ids]").evaluate_all(
            "boxes => boxes.map(box => box.value)"
        )
    }


def options(page, selector: str) -> list[str]:
    return page.locator(f"{selector} option").evaluate_all("items => items.map(item => item.value)")


def test_an_associate_lists_only_their_stores_leads_and_not_another_stores(open_page, world):
    page = open_page()
    log_in(page, "alice")

    page.goto("/leads/")

    assert world.names(listed_ids(page)) == SEES["alice"]
    assert page.locator("[data-role]").inner_text() == "Associate · S1"
    shot(page, "associate-list")

    response = page.goto(f"/leads/{world.leads['s3'].pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Nothing here"
    assert "92001" in page.locator(".error-detail").inner_text()
    # Just as a lead that does not exist.
    missing = page.goto(f"/leads/{world.leads['s3'].pk + 1000}/")
    assert missing.status == 404
    shot(page, "associate-other-store-404")


def test_an_associate_claims_an_unowned_lead_of_their_store(open_page, world):
    lead = world.leads["free_s1"]
    page = open_page()
    log_in(page, "alice")
    page.goto(f"/leads/{lead.pk}/")

    page.click("[data-tab=owner_form]")
    page.locator("[data-panel=owner_form] select[name=owner]").select_option("alice")
    page.locator("[data-panel=owner_form] button[type=submit]").click()

    page.wait_for_selector(".flash-success")
    assert "Lead assigned to alice." in page.locator(".flash-success").inner_text()
    shot(page, "associate-claimed")
    assert Lead.objects.get(pk=lead.pk).owner.username == "alice"


def test_an_associates_bulk_bar_offers_no_deleted_or_lost_and_a_forced_one_is_refused(
    open_page, world
):
    own = world.leads["alice_s1"]
    page = open_page()
    log_in(page, "alice")
    page.goto("/leads/")

    statuses = options(page, "#bulk-status")
    assert "OPEN" in statuses and "WON" in statuses
    assert "DELETED" not in statuses and "LOST" not in statuses

    # Sent anyway (an option put back into the page): the confirmation, then 90034.
    page.check(f"input[name=lead_ids][value='{own.pk}']")
    page.evaluate(
        """() => {
            const select = document.querySelector('#bulk-status');
            select.add(new Option('Deleted', 'DELETED'));
            select.value = 'DELETED';
        }"""
    )
    page.click("button[name=action][value=status]")
    page.wait_for_selector("[data-bulk-confirm]")
    page.locator("[data-bulk-confirm] select[name=reason]").select_option(label="Not interested")
    page.click("[data-confirm-submit]")

    page.wait_for_selector(".bulk-result")
    result = page.locator(".bulk-result").inner_text()
    assert "90034" in result and "1 refused" in result
    shot(page, "associate-bulk-deleted-refused")
    own.refresh_from_db()
    assert own.status == Status.OPEN
    assert not Lead.objects.filter(status=Status.DELETED).exists()


def test_a_store_manager_hands_a_lead_over_and_the_timeline_shows_it(open_page, world):
    lead = world.leads["alice_s1"]
    page = open_page()
    log_in(page, "mike")
    page.goto(f"/leads/{lead.pk}/")
    assert page.locator("[data-role]").inner_text() == "Store manager · S1"

    page.click("[data-tab=store_form]")
    stores = options(page, "[data-panel=store_form] select[name=store_code]")
    assert stores == ["", "S2", "S3"]
    page.locator("[data-panel=store_form] select[name=store_code]").select_option("S2")
    page.locator("[data-panel=store_form] button[type=submit]").click()

    page.wait_for_selector(".flash-success")
    flash = page.locator(".flash-success").inner_text()
    assert "handed over to store S2" in flash and "unassigned" in flash
    entries = page.locator("[data-timeline-entries] > li").all_inner_texts()
    assert "S1" in entries[0] and "S2" in entries[0]
    assert "alice" in entries[1]  # the owner, who does not work at S2, let go
    shot(page, "store-manager-handover")
    lead.refresh_from_db()
    assert (lead.store.code, lead.owner) == ("S2", None)
    assert StoreChange.objects.get(lead=lead).changed_by.username == "mike"


def test_a_zone_manager_dashboard_is_about_their_zones_stores(open_page, world):
    page = open_page()
    log_in(page, "zoe")
    page.goto("/")

    assert page.locator("[data-role]").inner_text() == "Zone manager · WEST"
    stores = page.locator("#team-stores").locator("xpath=ancestor::section")
    names = [name.strip() for name in stores.locator("tbody td:first-child").all_inner_texts()]
    assert names == ["S1 · Store one", "S2 · Store two"]
    shot(page, "zone-manager-dashboard")


@pytest.mark.parametrize(
    ("name", "offered", "chosen"),
    [("alice", ["S1"], "S1"), ("zoe", ["", "S1", "S2"], ""), ("boss", ["", "S1", "S2", "S3"], "")],
)
def test_add_lead_offers_only_the_users_stores(open_page, world, name, offered, chosen):
    page = open_page()
    log_in(page, name)
    page.goto("/leads/new/")

    assert options(page, "#id_store_code") == offered
    assert page.locator("#id_store_code").input_value() == chosen
    shot(page, f"add-lead-stores-{name}")


def test_a_zone_manager_adds_a_lead_at_one_of_their_stores(open_page, world):
    customer = CustomerFactory(mobile="+919800011122")
    page = open_page()
    log_in(page, "zoe")

    fill_add_lead(page, identifier="9800011122", lead_for="Corner sofa", store_code="S2")
    page.click("form[data-create-form] button[type=submit]")

    page.wait_for_selector(".flash-success")
    lead = Lead.objects.get(lead_for="Corner sofa")
    assert (lead.store.code, lead.customer_id) == ("S2", customer.pk)
    assert "S2" in page.locator("body").inner_text()
