"""The org-settings page's CSV import of stores and staff in the browser, on a desktop and on a
phone: a refused file lists its rows with their codes and imports nothing; a good one imports
everything. Saved to screenshots/ to be looked at."""

import pytest

from crm.org.models import OrgUnit, Role
from tests.factories import UserFactory, give_role

from .conftest import DESKTOP, PHONE, SCREENSHOTS, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_org_admin_imports_stores_from_the_settings_page(open_page, viewport, tmp_path):
    user = UserFactory(username="root", is_superuser=True)
    give_role(user, Role.ADMIN)
    page = open_page(viewport=viewport)
    suffix = "" if viewport is DESKTOP else "-phone"
    log_in(page, "root")
    page.goto("/settings/#org-units")
    section = page.locator("#org-units")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    section.screenshot(path=str(SCREENSHOTS / f"org-units-import{suffix}.png"))

    bad = tmp_path / "bad.csv"
    bad.write_text("type,code,name,parentCode\nZONE,WEST,West,\nTILL,T1,Till,WEST\n")
    page.set_input_files("#org-units-file", str(bad))
    page.get_by_role("button", name="Import org units").click()
    page.wait_for_selector("[data-refused-rows]")
    assert "90036" in page.locator("[data-refused-rows]").inner_text()
    assert not OrgUnit.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"org-units-import-refused{suffix}")

    good = tmp_path / "good.csv"
    good.write_text("type,code,name,parentCode\nZONE,WEST,West,\nSTORE,S1,Bandra,WEST\n")
    page.goto("/settings/#org-units")
    page.set_input_files("#org-units-file", str(good))
    page.get_by_role("button", name="Import org units").click()
    page.wait_for_selector("text=Org units imported: 2 added, 0 updated.")
    assert set(OrgUnit.objects.values_list("code", flat=True)) == {"WEST", "S1"}
