"""The role table on the staff pages: the list, the board, a lead's page and its forms, the
follow-up loop, my follow-ups and the navigation's counts, saved views, bulk actions, the
CSV export, the customer pages and the admin."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from crm.pages.models import SavedView
from leads.models import Lead, Status, StoreChange
from tests.factories import CustomerFactory, LeadFactory, ReasonFactory
from tests.scoping import SEES, build_world

from .conftest import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def page_as(world, client_for):
    return lambda name: client_for(world.users[name])


@pytest.mark.parametrize("name", sorted(SEES))
def test_the_lead_list_shows_only_the_leads_the_user_sees(world, page_as, name):
    response = page_as(name).get(reverse("lead-list"), {"per_page": "100"})

    assert response.status_code == 200
    assert world.names(row["id"] for row in response.context["rows"]) == SEES[name]
    assert response.context["paginator"].count == len(SEES[name])


@pytest.mark.parametrize("name", ["alice", "zoe", "nobody"])
def test_the_board_and_its_more_show_only_the_leads_the_user_sees(world, page_as, name):
    client = page_as(name)

    board = client.get(reverse("lead-board"))
    more = client.get(reverse("lead-board-more"), {"column": "OPEN", "offset": "0"})

    shown = {lead.pk for column in board.context["columns"] for lead in column.leads}
    assert world.names(shown) == SEES[name]
    assert world.names(lead.pk for lead in more.context["column"].leads) == SEES[name]


def test_the_list_filters_by_store(world, page_as):
    response = page_as("boss").get(reverse("lead-list"), {"storeCode": "S2"})

    assert world.names(row["id"] for row in response.context["rows"]) == {"s2"}
    assert 'value="S2"' in response.content.decode()


def test_a_lead_page_out_of_sight_is_404_like_a_missing_one(world, page_as):
    client = page_as("alice")
    hidden = world.leads["s3"].pk

    page = client.get(reverse("lead-detail", args=[hidden]))
    post = client.post(reverse("lead-change-status", args=[hidden]), {"status": "WON"})
    missing = client.get(reverse("lead-detail", args=[hidden + 1000]))

    assert (page.status_code, post.status_code, missing.status_code) == (404, 404, 404)
    assert "92001" in page.content.decode()
    assert Lead.objects.get(pk=hidden).status == Status.OPEN


def test_a_change_the_role_refuses_is_403_on_the_lead_page(world, page_as):
    lead = world.leads["ann_s1"]

    response = page_as("alice").post(
        reverse("lead-change-status", args=[lead.pk]), {"status": "WON"}
    )

    assert response.status_code == 403
    assert "90034" in text_of(response)
    assert Lead.objects.get(pk=lead.pk).status == Status.OPEN


# Every form of the lead page, with what a person would send.
LEAD_FORMS = [
    ("lead-change-status", {"status": "ON_HOLD"}),
    ("lead-add-followup", {"followed_up_on": "2026-01-05T10:00", "notes": "Rang"}),
    ("lead-add-note", {"notes": "Rang"}),
    ("lead-assign", {"owner": "alice"}),
    ("lead-update-details", {"next_follow_up": "2030-01-05T10:00"}),
    ("lead-move-store", {"store_code": "S2"}),
]


@pytest.mark.parametrize(("url", "data"), LEAD_FORMS, ids=[url for url, _ in LEAD_FORMS])
def test_every_form_of_the_lead_page_is_404_out_of_sight_and_403_when_not_theirs(
    world, page_as, url, data
):
    client = page_as("alice")
    hidden, colleagues = world.leads["s3"], world.leads["ann_s1"]

    out_of_sight = client.post(reverse(url, args=[hidden.pk]), data)
    not_theirs = client.post(reverse(url, args=[colleagues.pk]), data)

    assert out_of_sight.status_code == 404
    assert "92001" in out_of_sight.content.decode()
    assert not_theirs.status_code == 403
    assert "90034" in text_of(not_theirs)
    for lead, owner, store in ((hidden, "bob", "S3"), (colleagues, "ann", "S1")):
        after = Lead.objects.get(pk=lead.pk)
        assert (after.status, after.owner.username, after.store.code) == ("OPEN", owner, store)
        assert after.next_follow_up is None
        assert not after.followups.exists()
    assert not StoreChange.objects.exists()


def test_the_board_move_answers_404_or_403_in_the_envelope(world, page_as):
    client = page_as("alice")

    hidden = client.post(reverse("lead-board-move", args=[world.leads["s3"].pk]), {"status": "WON"})
    refused = client.post(
        reverse("lead-board-move", args=[world.leads["ann_s1"].pk]), {"status": "WON"}
    )
    own = client.post(
        reverse("lead-board-move", args=[world.leads["alice_s1"].pk]), {"status": "ON_HOLD"}
    )

    assert (hidden.status_code, [e["code"] for e in hidden.json()["errors"]]) == (404, [92001])
    assert (refused.status_code, [e["code"] for e in refused.json()["errors"]]) == (403, [90034])
    assert own.status_code == 200
    assert Lead.objects.get(pk=world.leads["ann_s1"].pk).status == Status.OPEN
    assert Lead.objects.get(pk=world.leads["alice_s1"].pk).status == Status.ON_HOLD


def test_the_follow_up_loop_refuses_leads_out_of_reach(world, page_as):
    client = page_as("alice")
    json = {"HTTP_ACCEPT": "application/json"}

    hidden = client.post(
        reverse("followup-snooze", args=[world.leads["s3"].pk]), {"by": "tomorrow"}, **json
    )
    refused = client.post(
        reverse("followup-contact", args=[world.leads["ann_s1"].pk]), {"notes": "Rang"}, **json
    )

    assert (hidden.status_code, [e["code"] for e in hidden.json()["errors"]]) == (404, [92001])
    assert (refused.status_code, [e["code"] for e in refused.json()["errors"]]) == (403, [90034])
    assert not world.leads["ann_s1"].followups.exists()
    assert Lead.objects.get(pk=world.leads["s3"].pk).next_follow_up is None


def test_my_follow_ups_and_the_navigation_count_only_the_users_own_leads(world, page_as):
    soon = timezone.now() - datetime.timedelta(days=2)
    Lead.objects.filter(pk__in=[lead.pk for lead in world.leads.values()]).update(
        next_follow_up=soon
    )

    page = page_as("alice").get(reverse("my-followups"))

    overdue = next(group for group in page.context["groups"] if group["key"] == "overdue")
    assert world.names(lead.pk for lead in overdue["leads"]) == {"alice_s1"}
    assert page.context["nav_followups"]["overdue"] == 1


def test_a_saved_view_shows_only_what_the_user_sees(world, page_as):
    SavedView.objects.create(owner=world.users["alice"], name="Everything", query="status=OPEN")

    response = page_as("alice").get(reverse("lead-list"), {"status": "OPEN"})

    assert [view.name for view in response.context["saved_views"]] == ["Everything"]
    assert world.names(row["id"] for row in response.context["rows"]) == SEES["alice"]


def test_bulk_on_the_list_refuses_each_lead_on_its_own(world, page_as):
    client = page_as("alice")
    ids = [world.leads[name].pk for name in ("alice_s1", "ann_s1", "s3")]

    client.post(
        reverse("lead-bulk"),
        {"action": "status", "status": "DELETED", "lead_ids": ids, "confirmed": "1"},
    )
    client.post(reverse("lead-bulk"), {"action": "assign", "owner": "alice", "lead_ids": ids})

    rows = client.get(reverse("lead-list")).context["bulk_result"]["rows"]
    assert [[e["code"] for e in row["errors"]] for row in rows] == [[], [90034], [92001]]
    assert Lead.objects.filter(status=Status.DELETED).count() == 0
    assert Lead.objects.get(pk=ids[1]).owner.username == "ann"


def test_bulk_deleted_needs_a_manager_on_the_list_page(world, page_as):
    ids = [world.leads["alice_s1"].pk]
    data = {
        "action": "status",
        "status": "DELETED",
        "reason": str(ReasonFactory().pk),
        "lead_ids": ids,
        "confirmed": "1",
    }
    page_as("alice").post(reverse("lead-bulk"), data)
    assert Lead.objects.get(pk=ids[0]).status == Status.OPEN

    page_as("mike").post(reverse("lead-bulk"), data)
    assert Lead.objects.get(pk=ids[0]).status == Status.DELETED


@pytest.mark.parametrize(
    ("name", "offered"),
    [("alice", False), ("nobody", False), ("mike", True), ("zoe", True), ("boss", True)],
)
def test_the_bulk_bar_offers_deleted_and_lost_only_to_managers(world, page_as, name, offered):
    response = page_as(name).get(reverse("lead-list"))

    statuses = {value for value, _ in response.context["bulk_form"].fields["status"].widget.choices}
    assert {"OPEN", "ON_HOLD", "WON"} <= statuses
    assert ({"DELETED", "LOST"} <= statuses) is offered
    assert not ({"DELETED", "LOST"} & statuses) or offered


@pytest.mark.parametrize("name", ["alice", "bob", "nobody"])
def test_the_csv_export_of_the_list_holds_only_the_leads_the_user_sees(world, page_as, name):
    response = page_as(name).get(reverse("lead-export-csv"))

    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["leadFor"] for row in rows} == {world.leads[n].lead_for for n in SEES[name]}
    assert {row["storeCode"] for row in rows} <= {"S1", "S2", "S3", ""}


def test_a_customer_page_lists_only_the_leads_the_user_sees(world, page_as):
    customer = CustomerFactory()
    Lead.objects.filter(pk__in=[world.leads["alice_s1"].pk, world.leads["s3"].pk]).update(
        customer=customer
    )

    page = page_as("alice").get(reverse("customer-detail", args=[customer.pk]))
    listing = page_as("alice").get(reverse("customer-list"), {"q": customer.last_name})

    assert world.names(lead.pk for lead in page.context["leads"]) == {"alice_s1"}
    assert world.names(entry.lead.pk for entry in page.context["timeline"]) == {"alice_s1"}
    [row] = [c for c in listing.context["customers"] if c.pk == customer.pk]
    assert (row.lead_count, row.active_lead_count) == (1, 1)


def test_a_manager_hands_a_lead_over_on_its_page_and_the_timeline_shows_it(world, page_as):
    lead = world.leads["alice_s1"]
    client = page_as("mike")

    assert (
        'data-tab="store_form"'
        in client.get(reverse("lead-detail", args=[lead.pk])).content.decode()
    )
    response = client.post(reverse("lead-move-store", args=[lead.pk]), {"store_code": "S2"})

    assert response.status_code == 302
    assert StoreChange.objects.get(lead=lead).to_store.code == "S2"
    page = client.get(reverse("lead-detail", args=[lead.pk]))
    assert [entry.kind for entry in page.context["timeline"]][:2] == ["store", "owner"]
    assert "Store S1 → to S2" in text_of(page)


def test_an_associate_is_not_offered_the_handover_and_is_refused_it(world, page_as):
    lead = world.leads["alice_s1"]
    client = page_as("alice")

    page = client.get(reverse("lead-detail", args=[lead.pk]))
    response = client.post(reverse("lead-move-store", args=[lead.pk]), {"store_code": "S2"})

    assert 'data-tab="store_form"' not in page.content.decode()
    assert response.status_code == 403
    assert not StoreChange.objects.exists()


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_as(world, client_for):
    def make(name):
        user = world.users[name]
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="leads",
                codename__in=["view_lead", "change_lead", "view_leadstatus", "view_storechange"],
            )
        )
        return client_for(user)

    return make


def test_the_admin_lists_only_the_leads_a_non_superuser_sees(world, admin_as):
    response = admin_as("alice").get(reverse("admin:leads_lead_changelist"))

    assert response.status_code == 200
    assert world.names(lead.pk for lead in response.context["cl"].result_list) == SEES["alice"]


def test_the_admin_answers_a_lead_out_of_sight_as_a_missing_one(world, admin_as):
    client = admin_as("alice")

    hidden = client.get(reverse("admin:leads_lead_change", args=[world.leads["s3"].pk]))
    missing = client.get(reverse("admin:leads_lead_change", args=[world.leads["s3"].pk + 1000]))

    assert hidden.status_code == missing.status_code == 302
    assert hidden["Location"] == missing["Location"]


def test_the_admin_shows_a_lead_the_role_may_not_change_read_only(world, admin_as):
    client = admin_as("alice")
    url = reverse("admin:leads_lead_change", args=[world.leads["ann_s1"].pk])

    page = client.get(url)
    post = client.post(url, {"status": "WON"})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert post.status_code == 403
    assert Lead.objects.get(pk=world.leads["ann_s1"].pk).status == Status.OPEN


def test_the_admin_history_lists_are_scoped_too(world, admin_as):
    response = admin_as("bob").get(reverse("admin:leads_leadstatus_changelist"))

    assert {row.lead_id for row in response.context["cl"].result_list} == {world.leads["s3"].pk}


def test_superusers_see_every_lead_in_the_admin(world, admin_user, client_for):
    LeadFactory()
    response = client_for(admin_user).get(reverse("admin:leads_lead_changelist"))

    assert response.context["cl"].result_count == Lead.objects.count()


def test_the_admin_form_refuses_what_the_role_does_not_allow_with_its_code(world, admin_as):
    from tests.leads.test_admin import form_data

    client = admin_as("alice")
    lead = world.leads["alice_s1"]
    url = reverse("admin:leads_lead_change", args=[lead.pk])

    response = client.post(
        url,
        form_data(client, lead, owner=str(world.users["ann"].pk), store=str(world.units["S2"].pk)),
    )

    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors.as_data()
    assert [e.code for e in errors["owner"]] == [e.code for e in errors["store"]] == [90034]
    lead.refresh_from_db()
    assert (lead.owner.username, lead.store.code) == ("alice", "S1")
    assert not StoreChange.objects.exists()
