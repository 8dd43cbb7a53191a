"""The lead list: the API's filters, search, sorting, pagination, export link and bulk actions."""

import datetime

from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, LeadStatus, LeadType, OwnerChange, Status
from tests.factories import CustomerFactory, LeadFactory, SubStatusFactory, UserFactory

from .conftest import field_errors, text_of

LIST = reverse("lead-list")


def listed(response) -> list[int]:
    return [row["id"] for row in response.context["rows"]]


def test_list_shows_leads_newest_first(staff_client):
    old = LeadFactory(created_on=timezone.now() - datetime.timedelta(days=3))
    new = LeadFactory()

    response = staff_client.get(LIST)

    assert response.status_code == 200
    assert listed(response) == [new.pk, old.pk]


def test_status_and_type_filters_use_the_api_parameters(staff_client):
    won = LeadFactory(status=Status.WON, type=LeadType.CUSTOM)
    LeadFactory(status=Status.OPEN, type=LeadType.CUSTOM)
    LeadFactory(status=Status.WON, type=LeadType.BRAND, lead_for="NIKE")

    response = staff_client.get(LIST, {"status": "WON", "type": "CUSTOM"})

    assert listed(response) == [won.pk]


def test_active_choice_filters_open_and_on_hold_together(staff_client):
    open_lead = LeadFactory(status=Status.OPEN)
    held = LeadFactory(status=Status.ON_HOLD)
    LeadFactory(status=Status.LOST)

    response = staff_client.get(LIST, {"status": "OPEN,ON_HOLD"})

    assert set(listed(response)) == {open_lead.pk, held.pk}


def test_owner_source_substatus_customer_and_date_filters(staff_client, staff):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    customer = CustomerFactory()
    match = LeadFactory(
        owner=staff,
        org_source_id=1,
        status=Status.ON_HOLD,
        sub_status=sub,
        customer=customer,
        next_follow_up=timezone.now() + datetime.timedelta(days=1),
    )
    LeadFactory(owner=staff, org_source_id=1)
    LeadFactory(org_source_id=1, status=Status.ON_HOLD, sub_status=sub)
    today = timezone.localdate()

    response = staff_client.get(
        LIST,
        {
            "owner": staff.username,
            "orgSourceId": "1",
            "substatus": "YetToDecide",
            "userId": str(customer.pk),
            "createdOnFrom": today.isoformat(),
            "createdOnTo": today.isoformat(),
            "nextFollowUpFrom": today.isoformat(),
        },
    )

    assert listed(response) == [match.pk]


def test_search_finds_lead_for_and_the_customers_name_mobile_and_email(staff_client):
    asha = CustomerFactory(
        first_name="Asha", last_name="Verma", mobile="+919812345678", email="asha@shop.example"
    )
    lead = LeadFactory(customer=asha, lead_for="Wedding gift set")
    LeadFactory(lead_for="Something else")

    for q in ["wedding", "Asha", "verma", "9812345678", "asha@shop"]:
        response = staff_client.get(LIST, {"q": q})
        assert listed(response) == [lead.pk], q


def test_a_bad_filter_shows_the_api_code_next_to_the_field(staff_client):
    LeadFactory()

    response = staff_client.get(LIST, {"status": "MAYBE", "type": "THING"})

    assert response.status_code == 400
    assert field_errors(response, "status") == ["92003 · Invalid Lead Status MAYBE"]
    assert field_errors(response, "type") == ["92009 · Invalid Lead Type"]
    assert listed(response) == []


def test_unknown_owner_filter_is_92019(staff_client):
    response = staff_client.get(LIST, {"owner": "nobody"})

    assert field_errors(response, "owner") == ["92019 · Invalid lead owner nobody"]


def test_columns_sort_by_next_follow_up_both_ways(staff_client):
    now = timezone.now()
    later = LeadFactory(next_follow_up=now + datetime.timedelta(days=2))
    sooner = LeadFactory(next_follow_up=now + datetime.timedelta(days=1))
    never = LeadFactory(next_follow_up=None)

    ascending = staff_client.get(LIST, {"sortBy": "nextFollowUp", "sortOrder": "ASC"})
    descending = staff_client.get(LIST, {"sortBy": "nextFollowUp", "sortOrder": "DESC"})

    assert listed(ascending) == [sooner.pk, later.pk, never.pk]
    assert listed(descending) == [later.pk, sooner.pk, never.pk]
    html = ascending.content.decode()
    # The active column's header reverses the order on the next click.
    assert "sortBy=nextFollowUp&amp;sortOrder=DESC" in html


def test_sort_links_keep_the_filters(staff_client):
    LeadFactory(status=Status.WON)

    html = staff_client.get(LIST, {"status": "WON"}).content.decode()

    assert "status=WON&amp;sortBy=createdOn&amp;sortOrder=ASC" in html


def test_pagination_pages_through_the_filtered_list(staff_client):
    leads = LeadFactory.create_batch(12, status=Status.OPEN)

    first = staff_client.get(LIST, {"per_page": "10", "status": "OPEN"})
    second = staff_client.get(LIST, {"per_page": "10", "status": "OPEN", "page": "2"})

    assert len(listed(first)) == 10
    assert len(listed(second)) == 2
    assert set(listed(first)) | set(listed(second)) == {lead.pk for lead in leads}
    assert "page=2" in first.content.decode()
    assert "11–12 of 12" in text_of(second)


def test_export_link_carries_the_current_filters(staff_client):
    LeadFactory(status=Status.WON)

    html = staff_client.get(LIST, {"status": "WON", "q": "x y"}).content.decode()

    assert f'href="{reverse("lead-export-csv")}?status=WON&amp;q=x+y"' in html


def test_empty_list_says_so_and_offers_to_clear_the_filters(staff_client):
    LeadFactory(status=Status.OPEN)

    response = staff_client.get(LIST, {"status": "WON"})

    assert "No leads match these filters" in text_of(response)


def test_lead_text_is_escaped(staff_client):
    LeadFactory(lead_for="<script>alert(1)</script>")

    html = staff_client.get(LIST).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- bulk actions ----------------------------------------------------------------------------


def test_bulk_assign_reassigns_every_ticked_lead_and_reports_each(staff_client, staff):
    bob = UserFactory(username="bob")
    leads = LeadFactory.create_batch(3, owner=staff)
    back = LIST + "?status=OPEN"

    response = staff_client.post(
        reverse("lead-bulk"),
        {"action": "assign", "owner": "bob", "lead_ids": [leads[0].pk, leads[1].pk], "next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
    assert {lead.owner_id for lead in Lead.objects.filter(pk__in=[leads[0].pk, leads[1].pk])} == {
        bob.pk
    }
    assert Lead.objects.get(pk=leads[2].pk).owner_id == staff.pk
    assert OwnerChange.objects.filter(to_owner=bob).count() == 2
    page = staff_client.get(back)
    assert "2 leads reassigned." in text_of(page)
    result = page.context["bulk_result"]
    assert result["title"] == "Assign to bob"
    assert [row["ok"] for row in result["rows"]] == [True, True]


def test_bulk_assign_reports_a_refused_lead_on_its_own_row(staff_client, staff):
    lead = LeadFactory(owner=staff)

    staff_client.post(
        reverse("lead-bulk"), {"action": "assign", "owner": "bob", "lead_ids": [lead.pk, 999999]}
    )

    page = staff_client.get(LIST)
    rows = page.context["bulk_result"]["rows"]
    # No user "bob": every lead is refused with 92019, the missing one with 92001.
    assert rows[0]["errors"] == [{"code": 92019, "message": "Invalid lead owner bob"}]
    assert rows[1]["errors"][0]["code"] == 92001
    assert "92019 · Invalid lead owner bob" in text_of(page)
    assert Lead.objects.get(pk=lead.pk).owner_id == staff.pk


def test_bulk_status_change_applies_to_each_lead_on_its_own(staff_client):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="AwaitingStock")
    open_lead = LeadFactory(status=Status.OPEN)
    closed = LeadFactory(status=Status.WON)

    staff_client.post(
        reverse("lead-bulk"),
        {
            "action": "status",
            "status": "ON_HOLD",
            "sub_status": str(sub.pk),
            "lead_ids": [open_lead.pk, closed.pk],
        },
    )

    open_lead.refresh_from_db()
    closed.refresh_from_db()
    assert (open_lead.status, open_lead.sub_status_id) == (Status.ON_HOLD, sub.pk)
    assert closed.status == Status.WON
    page = staff_client.get(LIST)
    rows = {row["lead_id"]: row for row in page.context["bulk_result"]["rows"]}
    assert rows[str(open_lead.pk)]["ok"]
    assert rows[str(closed.pk)]["errors"] == [
        {"code": 92024, "message": "Status change not allowed on closed leads"}
    ]
    text = text_of(page)
    assert "1 of 2 leads updated; 1 refused" in text
    assert "92024 · Status change not allowed on closed leads" in text
    assert LeadStatus.objects.filter(lead=closed).count() == 1


def test_bulk_action_without_ticked_leads_changes_nothing(staff_client):
    lead = LeadFactory()

    response = staff_client.post(reverse("lead-bulk"), {"action": "status", "status": "WON"})

    assert response.status_code == 302
    assert "Tick at least one lead" in text_of(staff_client.get(LIST))
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_bulk_redirect_never_leaves_the_site(staff_client):
    lead = LeadFactory()

    response = staff_client.post(
        reverse("lead-bulk"),
        {
            "action": "status",
            "status": "WON",
            "lead_ids": [lead.pk],
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == LIST


def test_each_row_shows_its_cells_in_the_users_time_zone(staff_client, staff):
    staff.time_zone = "Asia/Kolkata"
    staff.save()
    owner = UserFactory(username="meera", first_name="Meera", last_name="Iyer")
    on_hold = SubStatusFactory(status=Status.ON_HOLD, name="Awaiting stock")
    due = datetime.datetime(2026, 11, 27, 4, 30, tzinfo=datetime.UTC)  # 10:00 in Kolkata
    lead = LeadFactory(
        owner=owner,
        status=Status.ON_HOLD,
        sub_status=on_hold,
        next_follow_up=due,
        customer=CustomerFactory(first_name="Saanvi", last_name="Sharma"),
    )

    response = staff_client.get(LIST)

    [row] = response.context["rows"]
    assert row["id"] == lead.pk and row["url"] == reverse("lead-detail", args=[lead.pk])
    assert row["customer_url"] == reverse("customer-detail", args=[lead.customer_id])
    assert row["follow_up"] == "27 Nov, 10:00" and row["overdue"] is True
    assert row["follow_up_title"] == "27 Nov 2026, 10:00 IST"
    text = text_of(response)
    assert f"#{lead.pk}" in text and "Saanvi Sharma" in text
    assert "On hold Awaiting stock" in text and "MI meera" in text
    assert 'class="overdue"' in response.content.decode()


def test_a_closed_lead_is_never_shown_overdue(staff_client):
    LeadFactory(status=Status.WON, next_follow_up=timezone.now() - datetime.timedelta(days=2))

    response = staff_client.get(LIST)

    [row] = response.context["rows"]
    assert row["overdue"] is False and 'class="overdue"' not in response.content.decode()


def test_each_row_shows_its_store_code_with_the_name_on_hover(staff_client):
    from tests.factories import OrgUnitFactory

    store = OrgUnitFactory(code="B001", name="Bandra <West>")
    in_store = LeadFactory(store=store)
    org_level = LeadFactory(store=None)

    response = staff_client.get(LIST)

    rows = {row["id"]: row for row in response.context["rows"]}
    assert (rows[in_store.pk]["store"], rows[in_store.pk]["store_name"]) == ("B001", store.name)
    assert rows[org_level.pk]["store"] == ""
    html = response.content.decode()
    assert "<th>Store</th>" in html
    cell = '<td data-label="Store" class="cell-store"><span title="Bandra &lt;West&gt;">B001</span>'
    assert cell in html
    assert 'title="No store: an org-level lead">—</span>' in html


def test_the_rows_are_escaped(staff_client):
    customer = CustomerFactory(first_name='"><img src=x>', last_name="&", email="a@b.example")
    LeadFactory(customer=customer, lead_for="<b>bold</b>")

    html = staff_client.get(LIST).content.decode()

    assert "<img src=x>" not in html and "<b>bold</b>" not in html
    assert "&quot;&gt;&lt;img src=x&gt; &amp;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
