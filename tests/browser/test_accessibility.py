"""Keyboards and phones: every control of the main pages has an accessible name (as Chromium
computes it for screen readers), keyboard focus is visible, "/" and "n" are shortcuts, the
lead list's filters fold on a phone and its bulk bar stays in view."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import expect

from leads.models import Lead

from .conftest import DESKTOP, PHONE, SCREENSHOTS, log_in, screenshot

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])

CONTROLS = "input:not([type=hidden]), select, textarea, button"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", leads=40, customers=20, verbosity=0)
    return Lead.objects.annotate(n=Count("followups")).order_by("-n", "id").first()


def screenshot_of_the_view(page, name: str) -> None:
    """What is on the screen now (not the whole long page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def suffix(viewport) -> str:
    return "" if viewport is DESKTOP else "-phone"


def unnamed_controls(page) -> list[str]:
    """The controls Chromium's accessibility tree gives no name, as HTML snippets. Folded
    panels and tabs are opened first, so that their controls count too."""
    page.evaluate(
        """() => {
          document.querySelectorAll("details").forEach((d) => { d.open = true; });
          document.querySelectorAll("[data-panel]").forEach((p) => { p.hidden = false; });
        }"""
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("Accessibility.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": CONTROLS})["nodeIds"]
    tree = {
        node["backendDOMNodeId"]: node
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]
        if "backendDOMNodeId" in node
    }
    missing = []
    for node_id in node_ids:
        backend = cdp.send("DOM.describeNode", {"nodeId": node_id})["node"]["backendNodeId"]
        node = tree.get(backend)
        name = ((node or {}).get("name") or {}).get("value", "").strip()
        if node is not None and not node.get("ignored") and not name:
            missing.append(cdp.send("DOM.getOuterHTML", {"nodeId": node_id})["outerHTML"][:160])
    cdp.detach()
    return missing


def main_pages(lead) -> list[str]:
    return [
        "/",
        "/leads/",
        "/leads/?status=OPEN",
        f"/leads/{lead.pk}/",
        "/leads/new/",
        "/followups/",
        "/customers/",
        f"/customers/{lead.customer_id}/",
        "/customers/new/",
        "/me/",
    ]


def test_every_control_on_the_main_pages_has_an_accessible_name(open_page, demo):
    page = open_page()
    log_in(page, "alice", "alice-demo-pass")
    checked = 0
    for url in main_pages(demo):
        page.goto(url)
        checked += page.locator(CONTROLS).count()
        assert unnamed_controls(page) == [], url
    assert checked > 100  # the pages do have controls to check

    manager = open_page()
    log_in(manager, "manager", "manager-demo-pass")
    for url in ("/settings/", "/leads/import/"):
        manager.goto(url)
        assert unnamed_controls(manager) == [], url


def test_a_control_without_a_label_is_caught(open_page, demo):
    page = open_page()
    log_in(page, "alice", "alice-demo-pass")
    page.goto("/leads/")
    page.evaluate(
        """() => document.querySelector("h1").insertAdjacentHTML(
            "afterend", '<input id="no-label" type="text">')"""
    )

    assert unnamed_controls(page) == ['<input id="no-label" type="text">']


@VIEWPORTS
def test_keyboard_focus_is_visible(open_page, demo, viewport):
    page = open_page(viewport=viewport)
    log_in(page, "alice", "alice-demo-pass")
    page.goto("/followups/")

    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
              const el = document.activeElement;
              const s = getComputedStyle(el);
              return {tag: el.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};
            }"""
        )
        seen.append(style["tag"])
        assert style["outline"] != "none" and style["width"] >= 2, style
    assert {"A", "BUTTON"} <= set(seen) or {"A", "SUMMARY"} <= set(seen)
    screenshot(page, f"focus-visible{suffix(viewport)}")


@VIEWPORTS
def test_slash_focuses_the_search_and_n_opens_a_new_lead(open_page, demo, viewport):
    page = open_page(viewport=viewport)
    log_in(page, "alice", "alice-demo-pass")
    page.goto("/leads/")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"
    page.keyboard.type("n")  # typing in a field is typing, not a shortcut
    assert page.input_value("#global-search") == "n"
    assert page.url.endswith("/leads/")

    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    page.wait_for_url("**/leads/new/")
    assert page.locator("h1").inner_text() == "Add lead"


@VIEWPORTS
def test_the_filter_panel_folds_on_a_phone(open_page, demo, viewport):
    page = open_page(viewport=viewport)
    log_in(page, "alice", "alice-demo-pass")
    page.goto("/leads/")

    status = page.locator("#id_status")
    if viewport is DESKTOP:
        expect(status).to_be_visible()
        expect(page.locator(".filter-fold-summary")).to_be_hidden()
        return
    expect(status).to_be_hidden()
    screenshot_of_the_view(page, "lead-list-filters-folded-phone")
    page.click(".filter-fold-summary")
    expect(status).to_be_visible()
    page.select_option("#id_status", "OPEN")
    page.click(".filter-card button[type=submit]")
    page.wait_for_url("**status=OPEN**")
    badges = page.locator(".lead-table .badge").all_inner_texts()
    assert badges and all(text.startswith("Open") for text in badges)
    expect(page.locator(".filter-fold-summary")).to_contain_text("on")
    page.click(".filter-fold-summary")
    screenshot_of_the_view(page, "lead-list-filters-open-phone")


@VIEWPORTS
def test_the_bulk_bar_stays_in_view_while_the_list_scrolls(open_page, demo, viewport):
    page = open_page(viewport=viewport)
    log_in(page, "alice", "alice-demo-pass")
    page.goto("/leads/?per_page=50")
    first = page.locator("input[name=lead_ids]").first
    first.check()

    page.locator("input[name=lead_ids]").last.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)

    bar = page.locator("[data-bulk-bar]").bounding_box()
    assert bar["y"] >= 0 and bar["y"] + bar["height"] <= viewport["height"]
    assert page.locator("[data-bulk-count]").inner_text() == "1"
    # Nothing covers it: the point at its count is the bar's.
    covered = page.evaluate(
        """() => {
          const count = document.querySelector("[data-bulk-count]").getBoundingClientRect();
          const hit = document.elementFromPoint(count.x + 2, count.y + count.height / 2);
          return !!hit && !!hit.closest("[data-bulk-bar]");
        }"""
    )
    assert covered
    screenshot_of_the_view(page, f"lead-list-bulk-bar-in-view{suffix(viewport)}")
