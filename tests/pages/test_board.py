"""The pipeline board: columns by status under the list's filters, paged per column, and the
move that changes a lead's status through the service, with the API's codes."""

import pytest
from django.urls import reverse

from crm.pages.views.board import PER_COLUMN
from leads.models import Lead, LeadStatus, Status
from tests.factories import LeadFactory, ReasonFactory, SkuFactory, SubStatusFactory

from .conftest import FRAME_QUERIES, text_of

BOARD = reverse("lead-board")
MORE = reverse("lead-board-more")


def columns(response) -> dict[str, object]:
    return {column.status: column for column in response.context["columns"]}


def card_ids(column) -> list[int]:
    return [lead.pk for lead in column.leads]


def move(client, lead, **data):
    return client.post(reverse("lead-board-move", args=[lead.pk]), data)


def test_board_has_a_column_per_status_with_its_total(staff_client):
    LeadFactory.create_batch(3, status=Status.OPEN)
    LeadFactory(status=Status.ON_HOLD)
    LeadFactory(status=Status.WON)
    LeadFactory(status=Status.DELETED)

    response = staff_client.get(BOARD)

    assert response.status_code == 200
    board = columns(response)
    assert list(board) == ["OPEN", "ON_HOLD", "WON", "LOST"]
    assert {status: column.total for status, column in board.items()} == {
        "OPEN": 3,
        "ON_HOLD": 1,
        "WON": 1,
        "LOST": 0,
    }
    assert "No leads here." in text_of(response)


def test_cards_are_grouped_by_sub_status_within_a_column(staff_client):
    waiting = SubStatusFactory(status=Status.ON_HOLD, name="AwaitingFinance")
    deciding = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    first = LeadFactory(status=Status.ON_HOLD, sub_status=deciding)
    bare = LeadFactory(status=Status.ON_HOLD)
    second = LeadFactory(status=Status.ON_HOLD, sub_status=waiting)
    third = LeadFactory(status=Status.ON_HOLD, sub_status=deciding)

    response = staff_client.get(BOARD)

    groups = columns(response)["ON_HOLD"].groups
    assert [(sub.name if sub else None, [lead.pk for lead in leads]) for sub, leads in groups] == [
        (None, [bare.pk]),
        ("AwaitingFinance", [second.pk]),
        ("YetToDecide", [third.pk, first.pk]),
    ]
    html = response.content.decode()
    assert html.index("AwaitingFinance") < html.index("YetToDecide")


def test_the_list_filters_apply_with_the_same_query_string(staff_client, staff):
    mine = LeadFactory(owner=staff, status=Status.OPEN, lead_for="Air Zoom")
    LeadFactory(status=Status.OPEN, lead_for="Air Max")
    LeadFactory(owner=staff, status=Status.WON, lead_for="Cortez")

    response = staff_client.get(BOARD, {"owner": staff.username, "q": "Air"})

    board = columns(response)
    assert card_ids(board["OPEN"]) == [mine.pk]
    assert (board["OPEN"].total, board["WON"].total) == (1, 0)
    # The same filters, the same query string: the list's link and the board's.
    assert f'href="/leads/?owner={staff.username}&amp;q=Air"' in response.content.decode()
    listed = staff_client.get(reverse("lead-list"), {"owner": staff.username, "q": "Air"})
    assert f'href="/leads/board/?owner={staff.username}&amp;q=Air"' in listed.content.decode()


def test_a_status_filter_shows_only_its_columns(staff_client):
    LeadFactory(status=Status.OPEN)
    LeadFactory(status=Status.WON)

    response = staff_client.get(BOARD, {"status": "WON,LOST"})

    assert list(columns(response)) == ["WON", "LOST"]
    assert columns(response)["WON"].total == 1


def test_a_refused_filter_shows_its_code_and_no_cards(staff_client):
    LeadFactory(status=Status.OPEN)

    response = staff_client.get(BOARD, {"type": "SHOE"})

    assert response.status_code == 400
    assert "92009" in text_of(response)
    assert all(column.total == 0 for column in response.context["columns"])


def test_a_column_shows_one_page_and_more_loads_the_next(staff_client):
    leads = LeadFactory.create_batch(PER_COLUMN + 5, status=Status.OPEN)
    newest_first = [lead.pk for lead in reversed(leads)]

    response = staff_client.get(BOARD)

    column = columns(response)["OPEN"]
    assert (column.total, column.next_offset) == (PER_COLUMN + 5, PER_COLUMN)
    assert card_ids(column) == newest_first[:PER_COLUMN]
    assert f"column=OPEN&amp;offset={PER_COLUMN}" in response.content.decode()

    more = staff_client.get(MORE, {"column": "OPEN", "offset": PER_COLUMN})

    assert more.status_code == 200
    assert card_ids(more.context["column"]) == newest_first[PER_COLUMN:]
    assert more.context["column"].next_offset is None
    assert 'data-next-offset=""' in more.content.decode()


def test_more_keeps_the_filters(staff_client, staff):
    LeadFactory.create_batch(3, owner=staff, status=Status.OPEN)
    LeadFactory.create_batch(2, status=Status.OPEN)

    more = staff_client.get(MORE, {"owner": staff.username, "column": "OPEN", "offset": 1})

    column = more.context["column"]
    assert (column.total, len(column.leads)) == (3, 2)
    assert all(lead.owner_id == staff.pk for lead in column.leads)


def test_more_with_a_refused_filter_is_its_code(staff_client):
    response = staff_client.get(MORE, {"column": "OPEN", "offset": 0, "type": "SHOE"})

    assert response.status_code == 400
    assert [error["code"] for error in response.json()["errors"]] == [92009]


def test_more_for_a_column_that_is_no_status_is_92003(staff_client):
    response = staff_client.get(MORE, {"column": "DONE", "offset": 0})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"code": 92003, "message": "Invalid Lead Status DONE"}]


def test_moving_a_card_changes_the_status_with_sub_status_reason_and_notes(staff_client, staff):
    lead = LeadFactory(status=Status.OPEN)
    won = SubStatusFactory(status=Status.WON, name="InStore")
    reason = ReasonFactory(reason="Liked the demo")

    response = move(
        staff_client,
        lead,
        status="WON",
        sub_status=str(won.pk),
        reason=str(reason.pk),
        notes="Paid at the till",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["group"], body["groupLabel"]) == ("WON", str(won.pk), "InStore")
    assert f'data-lead-id="{lead.pk}"' in body["card"]
    assert "draggable" not in body["card"]  # a closed lead stays where it is
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id, lead.last_updated_by_id) == ("WON", won.pk, staff.pk)
    row = LeadStatus.objects.filter(lead=lead).latest("id")
    assert (row.status, row.reason_id, row.notes, row.created_by_id) == (
        "WON",
        reason.pk,
        "Paid at the till",
        staff.pk,
    )


def test_a_sub_status_of_another_status_is_92020_and_nothing_changes(staff_client):
    lead = LeadFactory(status=Status.OPEN)
    held = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    # With a reason: LOST needs one (90031), and this test is about the sub-status alone.
    reason = ReasonFactory()

    response = move(
        staff_client, lead, status="LOST", sub_status=str(held.pk), reason=str(reason.pk)
    )

    assert response.status_code == 400
    assert [error["code"] for error in response.json()["errors"]] == [92020]
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id) == ("OPEN", None)
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_moving_a_closed_lead_is_92024_and_nothing_changes(staff_client):
    lead = LeadFactory(status=Status.LOST)

    response = move(staff_client, lead, status="OPEN")

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"code": 92024, "message": "Status change not allowed on closed leads"}
    ]
    lead.refresh_from_db()
    assert lead.status == "LOST"
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_a_move_without_a_status_is_92022(staff_client):
    lead = LeadFactory(status=Status.OPEN)

    response = move(staff_client, lead, status="")

    assert response.status_code == 400
    assert [error["code"] for error in response.json()["errors"]] == [92022]
    assert Lead.objects.get(pk=lead.pk).status == "OPEN"


def test_moving_an_unknown_lead_is_92001(staff_client):
    response = staff_client.post(reverse("lead-board-move", args=[999999]), {"status": "WON"})

    assert response.status_code == 404
    assert [error["code"] for error in response.json()["errors"]] == [92001]


def test_a_move_must_be_posted_by_staff(client, staff_client):
    lead = LeadFactory(status=Status.OPEN)
    url = reverse("lead-board-move", args=[lead.pk])

    assert staff_client.get(url).status_code == 405
    anonymous = client.post(url, {"status": "WON"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Lead.objects.get(pk=lead.pk).status == "OPEN"


def test_the_navigation_links_the_board(staff_client):
    response = staff_client.get(reverse("dashboard"))

    assert f'href="{BOARD}"' in response.content.decode()


# frame + the totals, one page per column, the cards' catalog names; the reference lists of
# the filter bar and the dialog (owners, sub-statuses, reasons, sources, stores) come from the
# cache, read on the first page after they change: five more
BOARD_QUERIES = FRAME_QUERIES + 1 + 4 + 1
REFERENCE_LISTS = 5


@pytest.mark.parametrize("per_column", [10, 100])
def test_board_query_count_is_the_same_for_10_and_100_leads_per_column(
    staff_client, django_assert_num_queries, per_column
):
    sku = SkuFactory()
    for status in ("OPEN", "ON_HOLD", "WON", "LOST"):
        sub = SubStatusFactory(status=status, name=f"Sub{status}")
        LeadFactory.create_batch(
            per_column, status=status, sub_status=sub, type="SKU", lead_for=sku.code
        )

    with django_assert_num_queries(BOARD_QUERIES + REFERENCE_LISTS):
        staff_client.get(BOARD)
    with django_assert_num_queries(BOARD_QUERIES):
        response = staff_client.get(BOARD)

    assert [len(column.leads) for column in response.context["columns"]] == [
        min(per_column, PER_COLUMN)
    ] * 4


# session, user (a fragment, without the navigation), the column's total, its page, names
MORE_QUERIES = 2 + 3


@pytest.mark.parametrize("per_column", [30, 100])
def test_more_query_count_is_the_same_for_few_and_many_leads(
    staff_client, django_assert_num_queries, per_column
):
    sku = SkuFactory()
    LeadFactory.create_batch(per_column, status="OPEN", type="SKU", lead_for=sku.code)

    with django_assert_num_queries(MORE_QUERIES):
        response = staff_client.get(MORE, {"column": "OPEN", "offset": PER_COLUMN})

    assert len(response.context["column"].leads) == min(per_column - PER_COLUMN, PER_COLUMN)
