"""Every page, with a realistic amount of data, on a desktop and on a phone: it renders without
script errors, fits the phone's width, and is saved to screenshots/ to be looked at."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from leads.models import Lead

from .conftest import DESKTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", leads=90, customers=40, verbosity=0)
    return (
        Lead.objects.annotate(n=Count("followups"), s=Count("status_logs", distinct=True))
        .order_by("-s", "-n", "id")
        .first()
    )


def page_urls(lead) -> list[tuple[str, str, int]]:
    return [
        ("dashboard", "/", 200),
        ("lead-list", "/leads/", 200),
        ("lead-list-more-filters", "/leads/?status=OPEN,ON_HOLD&substatus=New", 200),
        ("lead-board", "/leads/board/", 200),
        ("lead-detail", f"/leads/{lead.pk}/", 200),
        ("lead-create", "/leads/new/", 200),
        ("my-followups", "/followups/", 200),
        ("customers", "/customers/", 200),
        ("customer-detail", f"/customers/{lead.customer_id}/", 200),
        ("customer-register", "/customers/new/", 200),
        ("not-found", "/leads/999999/", 404),
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_renders_and_fits(open_page, demo_data, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    page.goto("/accounts/login/")
    screenshot(page, f"login{suffix}")
    log_in(page, "alice", "alice-demo-pass")

    for name, url, status in page_urls(demo_data):
        response = page.goto(url)
        assert response.status == status, url
        assert page.locator("h1").count() == 1, url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{url} is {width}px wide"
        screenshot(page, f"{name}{suffix}")

    response = page.goto("/settings/")
    assert response.status == 403
    screenshot(page, f"org-settings-refused{suffix}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_manager_pages_render_and_fit(open_page, demo_data, viewport):
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    log_in(page, "manager", "manager-demo-pass")

    response = page.goto("/settings/")

    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"org-settings{suffix}")
    if viewport is PHONE:
        page.click("[data-nav-toggle]")
        assert page.locator(".nav >> text=Org settings").is_visible()
        screenshot(page, "navigation-open-phone")
