"""The services' typed contract: they take Python values (Status, ids as int, User rows,
CustomerDetails), snake_case; what a client sends is typed at the edge (``leads.inputs``,
``customers.inputs``, the API's serializers), which reports a value that cannot be one with the
registry's code. A raw client value reaching a service is a programming error (TypeError)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers import services as customer_services
from customers.inputs import CustomerDetails, IdType
from customers.models import Customer
from leads import inputs, services
from leads.errors import ErrorCollector, Refusals
from leads.models import Lead, LeadStatus, LeadType, Status
from tests.factories import CustomerFactory, LeadFactory, ReasonFactory, SubStatusFactory
from tests.leads.codes import coded


class TestServicesRefuseRawValues:
    @pytest.mark.parametrize(
        "arguments",
        [
            {"status": "WON"},  # text, not a Status
            {"status": Status.WON, "reason_id": "1"},  # an id as text
            {"status": Status.WON, "notes": None},
        ],
    )
    def test_status_change(self, staff, arguments):
        lead = LeadFactory()
        with pytest.raises(TypeError):
            services.lead_change_status(lead_id=lead.pk, changed_by=staff, **arguments)
        assert lead.status_logs.count() == 1

    @pytest.mark.parametrize("lead_id", ["5", 5.0, True, None])
    def test_lead_id_is_an_int(self, staff, lead_id):
        with pytest.raises(TypeError):
            services.lead_change_status(lead_id=lead_id, status=Status.WON, changed_by=staff)

    def test_owner_is_a_user_not_a_username(self, staff):
        lead = LeadFactory()
        before = lead.owner_id
        with pytest.raises(TypeError):
            services.lead_assign_owner(lead_id=lead.pk, owner=staff.username, changed_by=staff)
        with pytest.raises(TypeError):
            services.lead_update(lead_id=lead.pk, updated_by=staff, owner=staff.username)
        lead.refresh_from_db()
        assert lead.owner_id == before
        assert lead.owner_changes.count() == 0

    def test_a_contact_is_typed_inputs(self, staff):
        lead = LeadFactory()
        # The inputs check their own annotations: a username is no staff user.
        with pytest.raises(TypeError):
            inputs.FollowUpInput(followed_up_on=timezone.now(), followed_up_by=staff.username)
        with pytest.raises(TypeError):
            services.lead_add_followup(
                lead_id=lead.pk, contact={"followed_up_on": timezone.now()}, created_by=staff
            )
        assert lead.followups.count() == 0
        contact = inputs.FollowUpInput(followed_up_on=timezone.now(), notes="Called")
        followup = services.lead_add_followup(lead_id=lead.pk, contact=contact, created_by=staff)
        assert (followup.notes, followup.followed_up_by) == ("Called", staff)

    def test_a_rename_is_one_row_edit_for_reasons_and_sub_statuses(self):
        reason = ReasonFactory(reason="Too dear")
        sub = SubStatusFactory(status=Status.ON_HOLD, name="Later")
        with pytest.raises(TypeError):
            inputs.RowEdit(text=5)
        with pytest.raises(TypeError):
            services.reason_update(reason_id=reason.pk, edit=inputs.RowEdit(is_active="no"))
        edit = inputs.RowEdit(text="Too expensive")
        assert services.reason_update(reason_id=reason.pk, edit=edit).reason == "Too expensive"
        off = inputs.RowEdit(is_active=False)
        assert services.substatus_update(substatus_id=sub.pk, edit=off).is_active is False
        sub.refresh_from_db()
        assert (sub.name, sub.is_active) == ("Later", False)

    def test_org_configuration(self):
        with pytest.raises(TypeError):
            services.reasons_create(reasons=["Fine", 42])
        with pytest.raises(TypeError):
            services.substatus_create(status="ON_HOLD", name="Later")
        with pytest.raises(TypeError):
            services.org_settings_update(require_close_reason="yes")

    def test_customer_details_are_typed_and_snake_case(self):
        # The wire's camelCase dict is no longer what registration takes.
        with pytest.raises(TypeError):
            customer_services.customer_resolve(
                id_type="EMAIL", identifier="new@example.com", customer_data={"firstName": "N"}
            )
        with pytest.raises(TypeError):
            CustomerDetails(first_name=5)
        assert Customer.objects.count() == 0


class TestServicesTakeTypedValues:
    def test_status_change(self, staff):
        lead = LeadFactory()
        sub = SubStatusFactory(status=Status.ON_HOLD, name="Travelling")
        reason = ReasonFactory()
        services.lead_change_status(
            lead_id=lead.pk,
            status=Status.ON_HOLD,
            sub_status=sub,
            reason_id=reason.pk,
            notes="Back next week",
            changed_by=staff,
        )
        lead.refresh_from_db()
        assert (lead.status, lead.sub_status) == (Status.ON_HOLD, sub)
        assert lead.status_logs.last().reason == reason

    def test_check_only_reports_everything_and_writes_nothing(self, staff):
        lead = LeadFactory(status=Status.LOST)
        with pytest.raises(ValidationError) as raised:
            services.lead_change_status(
                lead_id=lead.pk,
                status=None,
                reason_id=10**9,
                changed_by=staff,
                check_only=True,
            )
        assert sorted(code for _, code, _ in coded(raised.value)) == [92004, 92022, 92024]
        fine = LeadFactory()
        assert (
            services.lead_change_status(
                lead_id=fine.pk, status=Status.WON, changed_by=staff, check_only=True
            )
            is None
        )
        fine.refresh_from_db()
        assert fine.status == Status.OPEN
        assert LeadStatus.objects.filter(lead=fine).count() == 1

    def test_lead_create_check_only_registers_nobody(self, staff):
        result = services.lead_create(
            created_by=staff,
            type=LeadType.CUSTOM,
            lead_for="Sofa",
            id_type=IdType.EMAIL,
            identifier="walk.in@example.com",
            customer_data=CustomerDetails(first_name="Walk", last_name="In"),
            check_only=True,
        )
        assert result is None
        assert Customer.objects.count() == 0
        assert Lead.objects.count() == 0

    def test_customer_details_register_the_customer(self, staff):
        result = services.lead_create(
            created_by=staff,
            type=LeadType.CUSTOM,
            lead_for="Sofa",
            id_type=IdType.EMAIL,
            identifier="walk.in@example.com",
            customer_data=CustomerDetails(first_name=" Walk ", last_name="In"),
        )
        customer = result.lead.customer
        assert (customer.first_name, customer.last_name, customer.email) == (
            "Walk",
            "In",
            "walk.in@example.com",
        )


class TestTheEdgeTypesWithTheSameCodes:
    def test_status_change_values(self):
        errors = ErrorCollector()
        change = inputs.status_change(
            {"status": "CLOSED", "sub_status": " Later ", "reason_id": "x", "notes": None}, errors
        )
        assert change == inputs.StatusChange(status=None, sub_status=" Later ", notes="")
        assert coded(errors.as_error()) == [
            ("status", 92003, "Invalid Lead Status CLOSED"),
            ("reason", 92004, "Lead Reason not found with id x"),
        ]

    def test_typed_values_pass_as_they_are(self):
        errors = ErrorCollector()
        change = inputs.status_change({"status": "WON", "reason_id": "7"}, errors)
        assert change.status is Status.WON
        assert change.reason_id == 7
        assert not errors

    def test_unknown_owner_is_92019_at_the_edge(self, staff):
        errors = ErrorCollector()
        changes = inputs.lead_changes({"owner": "ghost", "next_follow_up": None}, errors)
        assert coded(errors.as_error()) == [("owner", 92019, "Invalid lead owner ghost")]
        known = inputs.lead_changes({"owner": staff.username}, ErrorCollector())
        assert known.owner == staff
        assert known.as_kwargs() == {"owner": staff}
        assert changes.as_kwargs()["next_follow_up"] is None

    def test_lead_ids(self):
        errors = ErrorCollector()
        assert inputs.lead_id_of(" 12 ", errors) == 12
        assert inputs.lead_id_of("abc", errors) is None
        assert coded(errors.as_error()) == [("lead", 92001, "Lead not found")]


class TestLeadCreationIsTyped:
    @pytest.mark.parametrize(
        "arguments",
        [
            {"type": "CUSTOM"},  # text, not a LeadType
            {"status": "WON"},
            {"owner": "alice"},  # a username, not a User
            {"reason_id": "1"},
            {"user_id": "5"},
            {"id_type": "EMAIL", "identifier": "a@example.com"},
            {"status_log_details": [{"status": "OPEN"}]},  # rows are StatusLogInput
        ],
    )
    def test_raw_client_values_are_refused(self, staff, arguments):
        with pytest.raises(TypeError):
            services.lead_create(created_by=staff, lead_for="Sofa", **arguments)
        assert (Lead.objects.count(), Customer.objects.count()) == (0, 0)

    def test_the_edge_types_a_new_lead_and_refuses_what_it_cannot(self, staff):
        refused = Refusals()
        lead = inputs.new_lead(
            {
                "type": "CUSTOM",
                "lead_for": 100200,
                "status": "SHIPPED",
                "owner": staff.username,
                "reason_id": "x",
                "user_id": " 7 ",
                "status_log_details": [{"status": "OPEN", "reason_id": "3"}, "OPEN"],
            },
            refused,
        )
        assert (lead["type"], lead["lead_for"], lead["status"]) == (LeadType.CUSTOM, "100200", None)
        assert (lead["owner"], lead["reason_id"], lead["user_id"]) == (staff, None, 7)
        assert lead["status_log_details"][0] == inputs.StatusLogInput(
            status=Status.OPEN, reason_id=3
        )
        assert all(name in refused for name in ("status", "reason_id", "status_log_details[1]"))
        assert "owner" not in refused
        errors = ErrorCollector()
        assert refused.report("reason_id", errors)
        assert coded(errors.as_error()) == [("reason", 92004, "Lead Reason not found with id x")]

    def test_a_refusal_is_reported_where_the_service_reads_it(self, staff):
        """The edge refused the status; the service finds an unknown owner before the lead's
        own checks and an unknown SKU after them: the status comes between, where the
        model reports a status, as before lead creation was typed."""
        customer = CustomerFactory()
        refused = Refusals()
        refused.on("status").add("status", 92003, "PENDING")
        refused.on("owner").add("owner", 92019, "ghost")
        with pytest.raises(ValidationError) as raised:
            services.lead_create(
                created_by=staff,
                customer=customer,
                lead_for="NOPE",
                status=None,
                refused=refused,
            )
        assert coded(raised.value) == [
            ("owner", 92019, "Invalid lead owner ghost"),
            ("status", 92003, "Invalid Lead Status PENDING"),
            ("lead_for", 92016, "Invalid SKU NOPE"),
        ]
        assert Lead.objects.count() == 0

    def test_customer_resolve_takes_typed_keys(self):
        with pytest.raises(TypeError):
            customer_services.customer_resolve(user_id=" 5 ")
        with pytest.raises(TypeError):
            customer_services.customer_resolve(id_type="mobile", identifier="9876543210")
        customer = customer_services.customer_resolve(
            id_type=IdType.MOBILE, identifier="98765 43210"
        )
        assert customer.mobile == "+919876543210"
        assert Customer.objects.count() == 1
