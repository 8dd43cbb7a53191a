"""The lead list's and the board's reference lists (owners, sources, sub-statuses, reasons,
stores) are cached between requests, and a change to any of them shows on the next page."""

import re
from html import unescape

import pytest
from django.urls import reverse

from crm.org import services as org_services
from crm.org.models import UnitType
from crm.pages.reference import read_reference_lists, reference_lists, reference_lists_changed
from leads import services
from leads.inputs import RowEdit
from leads.models import OrgSource, Reason, Status, SubStatus
from tests.factories import (
    LeadFactory,
    OrgUnitFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)

LIST = reverse("lead-list")
BOARD = reverse("lead-board")


# Where each form's selects are on the page, by their ids.
SELECT_IDS = {"search": "id_{}", "bulk_form": "bulk-{}", "move_form": "move-{}"}


def options(response, form: str, name: str) -> list[tuple[str, str]]:
    """(value, label) of a select the page shows: of its filter bar ("search"), bulk bar
    ("bulk_form") or the board's move form ("move_form"), as written in the HTML (the list
    keeps its filter and bulk bars' HTML beside the lists)."""
    html = response.content.decode()
    select_id = re.escape(SELECT_IDS[form].format(name))
    found = re.search(rf'<select[^>]* id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select {SELECT_IDS[form].format(name)} on the page"
    return [
        (unescape(value), unescape(label))
        for value, label in re.findall(
            r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found.group(1)
        )
    ]


@pytest.fixture(autouse=True)
def a_lead(staff):
    # The list shows its bulk bar above leads to tick: one of the signed-in person's own.
    return LeadFactory(owner=staff)


def test_the_next_pages_read_the_lists_from_the_cache(staff_client, monkeypatch):
    ReasonFactory(reason="Too far")
    staff_client.get(LIST)
    monkeypatch.setattr(
        "crm.pages.reference.read_reference_lists",
        lambda: pytest.fail("the lists were read again"),
    )

    board = staff_client.get(BOARD)  # the board shares the cached lists
    response = staff_client.get(LIST)

    assert board.status_code == response.status_code == 200
    assert "Too far" in [label for _, label in options(response, "bulk_form", "reason")]
    assert "Too far" in [label for _, label in options(board, "move_form", "reason")]


def test_the_cached_lists_are_what_the_database_holds(staff):
    UserFactory(username="meera", first_name="Meera", last_name="Iyer")
    UserFactory(username="gone", is_active=False)
    OrgUnitFactory(code="S1", name="Indiranagar")
    OrgUnitFactory(code="S0", name="Closed store", is_active=False)
    SubStatusFactory(status=Status.ON_HOLD, name="Awaiting stock", is_active=False)
    ReasonFactory(reason="Price")

    cached = reference_lists()

    assert cached == read_reference_lists() == reference_lists()
    assert [owner.username for owner in cached.owners] == sorted([staff.username, "meera"])
    assert [str(store) for store in cached.active_stores] == ["S1 · Indiranagar"]
    assert [store.code for store in cached.stores] == ["S0", "S1"]
    assert [sub.name for sub in cached.sub_statuses] == ["Awaiting stock"]
    assert cached.active_sub_statuses == []
    assert [reason.reason for reason in cached.active_reasons] == ["Price"]
    assert [source.name for source in cached.sources] == list(
        OrgSource.objects.order_by("id").values_list("name", flat=True)
    )


def test_a_new_reason_and_sub_status_show_on_the_next_page(staff_client):
    staff_client.get(LIST)

    services.reasons_create(reasons=["Moved away"])
    services.substatus_create(status=Status.ON_HOLD, name="Budget check")
    response = staff_client.get(LIST)

    assert "Moved away" in [label for _, label in options(response, "bulk_form", "reason")]
    assert "Budget check" in [label for _, label in options(response, "search", "substatus")]
    assert "Budget check" in [label for _, label in options(response, "bulk_form", "sub_status")]


def test_a_reason_switched_off_or_renamed_leaves_the_next_page(staff_client):
    reason = ReasonFactory(reason="Old text")
    sub = SubStatusFactory(status=Status.OPEN, name="Called")
    staff_client.get(LIST)

    services.reason_update(reason_id=reason.pk, edit=RowEdit(is_active=False))
    services.substatus_update(substatus_id=sub.pk, edit=RowEdit(text="Phoned"))
    response = staff_client.get(LIST)

    assert "Old text" not in [label for _, label in options(response, "bulk_form", "reason")]
    labels = [label for _, label in options(response, "search", "substatus")]
    assert "Phoned" in labels and "Called" not in labels
    assert Reason.objects.get(pk=reason.pk).is_active is False


def test_a_new_store_and_a_store_closed_show_on_the_next_page(staff_client):
    old = OrgUnitFactory(code="S1", name="Old")
    staff_client.get(LIST)

    org_services.org_unit_create(type=UnitType.STORE, code="S2", name="New")
    org_services.org_unit_update(unit_code=old.code, is_active=False)
    response = staff_client.get(LIST)

    stores = options(response, "search", "storeCode")
    assert ("S2", "S2 · New") in stores and "S1" not in [code for code, _ in stores]


def test_a_new_deactivated_or_renamed_owner_shows_on_the_next_page(staff_client):
    leaving = UserFactory(username="leaving")
    renamed = UserFactory(username="ravi", first_name="R", last_name="")
    staff_client.get(LIST)

    UserFactory(username="newcomer", first_name="New", last_name="Comer")
    UserFactory(username="nameless", first_name="", last_name="")
    leaving.is_active = False
    leaving.save()
    renamed.first_name = "Ravi"
    renamed.save(update_fields=["first_name"])
    response = staff_client.get(LIST)

    owners = dict(options(response, "bulk_form", "owner"))
    assert owners["newcomer"] == "New Comer (newcomer)"
    assert owners["ravi"] == "Ravi (ravi)"
    assert owners["nameless"] == "nameless"
    assert "leaving" not in owners
    assert "leaving" not in dict(options(response, "search", "owner"))


def test_a_deleted_sub_status_leaves_the_board_at_once(staff_client):
    sub = SubStatusFactory(status=Status.WON, name="Paid cash")
    staff_client.get(BOARD)

    SubStatus.objects.filter(pk=sub.pk).get().delete()
    response = staff_client.get(BOARD)

    assert "Paid cash" not in [label for _, label in options(response, "search", "substatus")]


def test_a_login_or_a_time_zone_change_keeps_the_cached_lists(staff, client_for):
    before = reference_lists()
    staff.time_zone = "Asia/Kolkata"
    staff.save(update_fields=["time_zone"])
    client_for(staff)  # a login writes last_login

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "crm.pages.reference.read_reference_lists",
            lambda: pytest.fail("the lists were read again"),
        )
        assert reference_lists() == before


def test_the_lists_are_dropped_again_when_the_change_commits(
    django_capture_on_commit_callbacks,
):
    """A page that read the lists between the change and its commit (it saw the old rows)
    cached them under a stamp that the commit replaces."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ReasonFactory(reason="Late")
    stale = reference_lists()  # as if read by another request before the commit
    Reason.objects.filter(reason="Late").update(reason="Later")  # no signal: stays cached
    assert reference_lists() == stale

    for callback in callbacks:
        callback()

    assert "Later" in [reason.reason for reason in reference_lists().reasons]


def test_with_no_cache_time_every_page_reads_the_lists(settings, staff_client):
    settings.REFERENCE_CACHE_SECONDS = 0
    staff_client.get(LIST)

    Reason.objects.bulk_create([Reason(reason="Unsignalled")])  # a write no signal tells of
    response = staff_client.get(LIST)

    assert "Unsignalled" in [label for _, label in options(response, "bulk_form", "reason")]


def test_a_bulk_write_tells_of_itself(staff_client):
    staff_client.get(LIST)
    Reason.objects.bulk_create([Reason(reason="Imported")])

    reference_lists_changed()  # as generate_leads does after its bulk inserts
    response = staff_client.get(LIST)

    assert "Imported" in [label for _, label in options(response, "bulk_form", "reason")]
