"""The pipeline board in a real browser: a drag with its reason, the keyboard's Move to…, a
refused move that keeps the card, paging a column; on a desktop and on a phone."""

import pytest

from leads.models import Lead, LeadStatus, Status
from tests.factories import LeadFactory, ReasonFactory, SubStatusFactory

from .conftest import DESKTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.browser


def card(page, lead):
    return page.locator(f'[data-card][data-lead-id="{lead.pk}"]')


def column(page, status):
    return page.locator(f'[data-column="{status}"]')


def total(page, status) -> str:
    return column(page, status).locator("[data-column-total]").inner_text()


@pytest.fixture
def board_data(staff):
    won = SubStatusFactory(status=Status.WON, name="InStore")
    SubStatusFactory(status=Status.LOST, name="PriceTooHigh")
    held = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    reason = ReasonFactory(reason="Liked the demo")
    lead = LeadFactory(owner=staff, lead_for="Trail Runner")
    LeadFactory(owner=staff, status=Status.ON_HOLD, sub_status=held, lead_for="Gift set")
    return {"lead": lead, "won": won, "held": held, "reason": reason}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_board_renders_columns_and_fits(open_page, staff, board_data, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    log_in(page, "associate")

    page.click(".nav a[href='/leads/board/']") if viewport is DESKTOP else page.goto(
        "/leads/board/"
    )

    page.wait_for_selector("[data-board]")
    assert [text.strip() for text in page.locator(".board-column-head h2").all_inner_texts()] == [
        "Open",
        "On hold",
        "Won",
        "Lost",
    ]
    assert (total(page, "OPEN"), total(page, "ON_HOLD"), total(page, "WON")) == ("1", "1", "0")
    assert column(page, "ON_HOLD").locator(".board-group-head").text_content() == "YetToDecide"
    # The page fits; the columns scroll sideways inside the board.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if viewport is PHONE:
        assert page.evaluate(
            "(() => { const b = document.querySelector('[data-board]');"
            " return b.scrollWidth > b.clientWidth; })()"
        )
    screenshot(page, f"board{suffix}")


def test_dragging_a_card_with_its_reason_changes_the_status(page, staff, board_data):
    lead, won, reason = board_data["lead"], board_data["won"], board_data["reason"]
    log_in(page, "associate")
    page.goto("/leads/board/")

    card(page, lead).drag_to(column(page, "WON"))

    dialog = page.locator("[data-move-dialog]")
    dialog.wait_for(state="visible")
    assert page.input_value("#move-status") == "WON"
    # Only the target status's sub-statuses are offered.
    assert page.locator("#move-sub_status option").all_inner_texts() == ["None", "InStore"]
    page.select_option("#move-sub_status", str(won.pk))
    page.select_option("#move-reason", str(reason.pk))
    page.fill("#move-notes", "Paid at the till")
    screenshot(page, "board-move-dialog")
    dialog.locator("button[type=submit]").click()

    dialog.wait_for(state="hidden")
    moved = column(page, "WON").locator(f'[data-lead-id="{lead.pk}"]')
    moved.wait_for()
    group = column(page, "WON").locator(".board-group").first
    assert group.locator(".board-group-head").text_content() == "InStore"
    assert group.locator("[data-card]").get_attribute("data-lead-id") == str(lead.pk)
    assert card(page, lead).count() == 1
    assert (total(page, "OPEN"), total(page, "WON")) == ("0", "1")
    assert moved.get_attribute("draggable") is None  # a closed lead stays put
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id) == ("WON", won.pk)
    row = LeadStatus.objects.filter(lead=lead).latest("id")
    assert (row.reason_id, row.notes) == (reason.pk, "Paid at the till")


def test_a_refused_move_shows_the_code_and_keeps_the_card(page, staff, board_data):
    lead = board_data["lead"]
    log_in(page, "associate")
    page.goto("/leads/board/")
    # Someone closes the lead while the board is open.
    Lead.objects.filter(pk=lead.pk).update(status=Status.LOST)

    card(page, lead).drag_to(column(page, "ON_HOLD"))
    page.locator("[data-move-dialog] button[type=submit]").click()

    errors = page.locator("[data-move-errors]")
    errors.wait_for(state="visible")
    assert errors.inner_text().strip() == "92024 · Status change not allowed on closed leads"
    screenshot(page, "board-move-refused")
    page.click("[data-move-cancel]")
    assert page.locator("[data-move-dialog]").is_hidden()
    assert column(page, "OPEN").locator(f'[data-lead-id="{lead.pk}"]').count() == 1
    assert (total(page, "OPEN"), total(page, "ON_HOLD")) == ("1", "1")
    assert Lead.objects.get(pk=lead.pk).status == "LOST"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_move_to_by_keyboard(open_page, staff, board_data, viewport):
    page = open_page(viewport=viewport)
    lead, held = board_data["lead"], board_data["held"]
    log_in(page, "associate")
    page.goto("/leads/board/")

    card(page, lead).locator("[data-move]").focus()
    page.keyboard.press("Enter")

    page.locator("[data-move-dialog]").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "move-status"
    page.select_option("#move-status", "ON_HOLD")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "move-sub_status"
    page.select_option("#move-sub_status", str(held.pk))
    if viewport is PHONE:
        screenshot(page, "board-move-dialog-phone")
    page.locator("[data-move-dialog] button[type=submit]").focus()
    page.keyboard.press("Enter")

    page.locator("[data-move-dialog]").wait_for(state="hidden")
    column(page, "ON_HOLD").locator(f'[data-lead-id="{lead.pk}"]').wait_for()
    # Focus comes back to the moved card, and the move is announced.
    assert page.evaluate("document.activeElement.closest('[data-card]').dataset.leadId") == str(
        lead.pk
    )
    assert "moved to On hold" in page.locator("[data-board-status]").inner_text()
    assert total(page, "ON_HOLD") == "2"
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id) == ("ON_HOLD", held.pk)


def test_more_loads_the_next_cards_of_a_column_in_place(page, staff):
    leads = LeadFactory.create_batch(25, owner=staff, status=Status.OPEN)
    LeadFactory.create_batch(3, owner=staff, status=Status.WON)
    log_in(page, "associate")
    page.goto("/leads/board/")
    open_column = column(page, "OPEN")
    assert open_column.locator("[data-card]").count() == 20
    assert open_column.locator("[data-column-shown]").inner_text() == "20 of 25 shown"

    open_column.locator("[data-more]").click()

    open_column.locator("[data-more]").wait_for(state="detached")
    assert open_column.locator("[data-card]").count() == 25
    assert open_column.locator("[data-column-shown]").inner_text() == "25 of 25 shown"
    shown = [
        int(i)
        for i in open_column.locator("[data-card]").evaluate_all(
            "cards => cards.map(c => c.dataset.leadId)"
        )
    ]
    assert shown == [lead.pk for lead in reversed(leads)]
    assert column(page, "WON").locator("[data-card]").count() == 3
    assert page.url.endswith("/leads/board/")  # no page change


def test_the_board_keeps_the_list_filters(page, staff, board_data):
    log_in(page, "associate")
    page.goto("/leads/?q=Trail")

    page.click("[data-board-link]")

    page.wait_for_url("**/leads/board/?q=Trail")
    assert page.input_value("#id_q") == "Trail"
    assert (total(page, "OPEN"), total(page, "ON_HOLD")) == ("1", "0")
