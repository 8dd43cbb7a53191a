"""customer_resolve and lead_create: the order in which a lead's customer is found."""

import pytest
from django.core.exceptions import ValidationError

from crm.core.parsing import MISSING
from customers.inputs import CustomerDetails, customer_key
from customers.models import Customer
from customers.services import customer_register, customer_resolve
from leads import services
from leads.errors import ErrorCollector, Refusals
from leads.models import Lead, OrgSettings
from tests.factories import CustomerFactory
from tests.leads import edge
from tests.leads.codes import coded, codes


@pytest.fixture
def stored():
    return customer_register(
        loyalty_type=Customer.LoyaltyType.LOYALTY,
        first_name="Asha",
        mobile="+919876543210",
        email="Asha.Rao@Example.com",
        external_id="EXT-7",
    )


def auto_registration(on: bool) -> None:
    services.org_settings_update(auto_register_customers=on)


def resolve(**kwargs):
    """customer_resolve() with the customer's key typed as the edges type it."""
    refused = Refusals()
    key = customer_key(kwargs, refused)
    details = {"customer_data": kwargs["customer_data"]} if "customer_data" in kwargs else {}
    return customer_resolve(
        auto_register=OrgSettings.load().auto_register_customers,
        refused=refused,
        **key,
        **details,
    )


class TestUserId:
    def test_user_id_wins_over_an_identifier(self, stored):
        other = CustomerFactory()
        found = resolve(user_id=other.pk, id_type="MOBILE", identifier="+919876543210")
        assert found == other
        assert Customer.objects.count() == 2

    def test_user_id_as_text_finds_the_customer(self, stored):
        assert resolve(user_id=f" {stored.pk} ") == stored

    @pytest.mark.parametrize("user_id", [None, "", "   "])
    def test_null_or_blank_user_id_is_refused_even_with_an_identifier(self, user_id, stored):
        with pytest.raises(ValidationError) as raised:
            resolve(user_id=user_id, id_type="MOBILE", identifier="+919876543210")
        assert coded(raised.value) == [("user_id", 92007, "userId cannot be null")]
        assert Customer.objects.count() == 1

    @pytest.mark.parametrize("user_id", [10**9, "abc", True, 2**70])
    def test_unknown_user_id_is_refused_even_with_a_known_identifier(self, user_id, stored):
        with pytest.raises(ValidationError) as raised:
            resolve(user_id=user_id, id_type="MOBILE", identifier="+919876543210")
        assert coded(raised.value) == [
            ("user_id", 92008, f"No user found with the given userId {user_id}")
        ]
        assert Customer.objects.count() == 1

    def test_unknown_user_id_is_not_auto_registered(self):
        with pytest.raises(ValidationError) as raised:
            resolve(user_id=123456, id_type="EMAIL", identifier="new@example.com")
        assert codes(raised.value) == [92008]
        assert Customer.objects.count() == 0


class TestIdentifier:
    @pytest.mark.parametrize(
        "identifier",
        ["+919876543210", "98765 43210", "+91 98765 43210", "9876543210", "098765-43210"],
    )
    def test_mobile_is_found_in_any_written_form(self, identifier, stored):
        assert resolve(id_type="MOBILE", identifier=identifier) == stored
        assert Customer.objects.count() == 1

    @pytest.mark.parametrize("id_type", ["MOBILE", "mobile", "Mobile", " mobile "])
    def test_id_type_is_case_insensitive(self, id_type, stored):
        assert resolve(id_type=id_type, identifier="98765 43210") == stored

    @pytest.mark.parametrize(
        "identifier", ["asha.rao@example.com", "ASHA.RAO@EXAMPLE.COM", " Asha.Rao@example.COM "]
    )
    def test_email_is_found_case_insensitively(self, identifier, stored):
        assert stored.email == "asha.rao@example.com"
        assert resolve(id_type="email", identifier=identifier) == stored
        assert Customer.objects.count() == 1

    def test_external_id_is_found(self, stored):
        assert resolve(id_type="EXTERNAL_ID", identifier=" EXT-7 ") == stored

    def test_numeric_identifier_is_read_as_text(self, stored):
        assert resolve(id_type="MOBILE", identifier=9876543210) == stored

    @pytest.mark.parametrize("id_type", ["PHONE", "userId", 1, ""])
    def test_unknown_id_type_is_refused(self, id_type, stored):
        with pytest.raises(ValidationError) as raised:
            resolve(id_type=id_type, identifier="+919876543210")
        assert coded(raised.value) == [("id_type", 92015, "Invalid Id Type")]
        assert Customer.objects.count() == 1

    def test_id_type_without_identifier_is_empty_user_details(self):
        with pytest.raises(ValidationError) as raised:
            resolve(id_type="MOBILE", identifier="  ")
        assert coded(raised.value) == [("identifier", 92012, "User Details cannot be empty")]
        assert Customer.objects.count() == 0

    def test_identifier_without_id_type_is_an_invalid_id_type(self):
        with pytest.raises(ValidationError) as raised:
            resolve(identifier="+919876543210")
        assert codes(raised.value) == [92015]
        assert Customer.objects.count() == 0

    def test_non_text_identifier_is_refused(self):
        with pytest.raises(ValidationError) as raised:
            resolve(id_type="EXTERNAL_ID", identifier=["a"])
        assert codes(raised.value) == [90008]
        assert Customer.objects.count() == 0


class TestNothingGiven:
    @pytest.mark.parametrize(
        "kwargs",
        [{}, {"user_id": MISSING}, {"id_type": None, "identifier": None}, {"identifier": ""}],
    )
    def test_no_customer_at_all_is_refused(self, kwargs):
        with pytest.raises(ValidationError) as raised:
            resolve(**kwargs)
        assert coded(raised.value) == [("user_id", 92012, "User Details cannot be empty")]
        assert Customer.objects.count() == 0


class TestAutoRegistration:
    def test_is_on_by_default(self):
        assert OrgSettings.load().auto_register_customers is True

    @pytest.mark.parametrize(
        "id_type,identifier,field,stored_as",
        [
            ("MOBILE", "98765 00001", "mobile", "+919876500001"),
            ("EMAIL", "New.One@Example.COM", "email", "new.one@example.com"),
            ("EXTERNAL_ID", "CRM-42", "external_id", "CRM-42"),
        ],
    )
    def test_unknown_identifier_registers_a_non_loyalty_customer(
        self, id_type, identifier, field, stored_as
    ):
        customer = resolve(
            id_type=id_type,
            identifier=identifier,
            customer_data=CustomerDetails(first_name="Ravi", last_name="Kumar"),
        )
        assert customer.pk is not None
        assert customer.loyalty_type == Customer.LoyaltyType.NON_LOYALTY
        assert getattr(customer, field) == stored_as
        assert (customer.first_name, customer.last_name) == ("Ravi", "Kumar")
        assert list(Customer.objects.all()) == [customer]
        # Found, not registered again, the next time.
        assert resolve(id_type=id_type, identifier=identifier) == customer
        assert Customer.objects.count() == 1

    def test_customer_details_add_the_other_identifiers(self):
        customer = resolve(
            id_type="MOBILE",
            identifier="98765 00002",
            customer_data=CustomerDetails(email="Both@Example.com"),
        )
        assert (customer.mobile, customer.email) == ("+919876500002", "both@example.com")

    def test_identifier_overrides_the_same_field_in_customer_details(self):
        customer = resolve(
            id_type="MOBILE",
            identifier="98765 00003",
            customer_data=CustomerDetails(mobile="98765 00004"),
        )
        assert customer.mobile == "+919876500003"

    @pytest.mark.parametrize(
        "id_type,identifier",
        [("MOBILE", "12345"), ("MOBILE", "not a number"), ("EMAIL", "nobody@"), ("EMAIL", "x")],
    )
    def test_invalid_identifier_cannot_be_registered(self, id_type, identifier):
        with pytest.raises(ValidationError) as raised:
            resolve(id_type=id_type, identifier=identifier)
        assert coded(raised.value) == [("identifier", 92011, "Customer Registration failed")]
        assert Customer.objects.count() == 0

    def test_bad_customer_details_fail_the_registration(self, stored):
        for data in (
            CustomerDetails(email="not-an-email"),
            CustomerDetails(mobile="+919876543210"),
        ):
            with pytest.raises(ValidationError) as raised:
                resolve(id_type="EXTERNAL_ID", identifier="NEW-1", customer_data=data)
            assert coded(raised.value) == [("customer", 92011, "Customer Registration failed")]
        # A name that is no text never reaches the service: the details refuse it (the API
        # answers it with 90008, tests/api), and nothing is registered.
        with pytest.raises(TypeError):
            CustomerDetails(first_name=5)
        assert list(Customer.objects.all()) == [stored]

    def test_off_refuses_an_unknown_identifier(self):
        auto_registration(False)
        for id_type, identifier in (("MOBILE", "98765 00005"), ("EMAIL", "x@example.com")):
            with pytest.raises(ValidationError) as raised:
                resolve(id_type=id_type, identifier=identifier)
            assert coded(raised.value) == [
                ("identifier", 92025, "Customer is not registered. Auto-registration is off")
            ]
        assert Customer.objects.count() == 0

    def test_off_refuses_an_invalid_identifier_as_not_registered(self):
        auto_registration(False)
        with pytest.raises(ValidationError) as raised:
            resolve(id_type="MOBILE", identifier="12")
        assert codes(raised.value) == [92025]
        assert Customer.objects.count() == 0

    def test_off_still_finds_known_customers(self, stored):
        auto_registration(False)
        assert resolve(id_type="MOBILE", identifier="+91 98765 43210") == stored
        assert resolve(user_id=stored.pk) == stored

    def test_turning_it_back_on_registers_again(self):
        auto_registration(False)
        auto_registration(True)
        assert OrgSettings.load().auto_register_customers is True
        assert resolve(id_type="EMAIL", identifier="back@example.com").pk is not None


class TestCollectorMode:
    def test_problems_go_into_the_given_collector_instead_of_raising(self):
        errors = ErrorCollector()
        assert customer_resolve(user_id=None, errors=errors) is None
        assert errors.has(92007)
        assert Customer.objects.count() == 0


def create_lead(staff, **kwargs):
    return edge.lead_create(created_by=staff, type="CUSTOM", lead_for="Sofa", **kwargs)


class TestThroughLeadCreate:
    """lead_create follows the same order and reads the org's auto-registration setting."""

    def test_user_id_key_present_wins(self, staff, stored):
        other = CustomerFactory()
        lead = create_lead(
            staff, user_id=other.pk, id_type="MOBILE", identifier="+919876543210"
        ).lead
        assert lead.customer == other

    def test_identifier_finds_the_stored_customer(self, staff, stored):
        lead = create_lead(staff, id_type="mobile", identifier="98765 43210").lead
        assert lead.customer == stored
        assert Customer.objects.count() == 1

    def test_unknown_identifier_is_auto_registered(self, staff):
        lead = create_lead(
            staff,
            id_type="EMAIL",
            identifier="Walk.In@Example.com",
            customer_data=CustomerDetails(first_name="Walk", last_name="In"),
        ).lead
        customer = Customer.objects.get()
        assert lead.customer == customer
        assert customer.email == "walk.in@example.com"
        assert customer.loyalty_type == Customer.LoyaltyType.NON_LOYALTY
        assert customer.full_name == "Walk In"

    @pytest.mark.parametrize(
        "auto_register,kwargs,code",
        [
            (True, {"user_id": None, "id_type": "MOBILE", "identifier": "+919876500009"}, 92007),
            (True, {"user_id": 10**9, "id_type": "MOBILE", "identifier": "+919876500009"}, 92008),
            (True, {"id_type": "MOBILE", "identifier": "555"}, 92011),
            (True, {}, 92012),
            (True, {"id_type": "AADHAAR", "identifier": "1234"}, 92015),
            (False, {"id_type": "EMAIL", "identifier": "walk.in@example.com"}, 92025),
        ],
    )
    def test_unresolved_customer_refuses_the_lead(self, auto_register, kwargs, code, staff):
        auto_registration(auto_register)
        with pytest.raises(ValidationError) as raised:
            create_lead(staff, **kwargs)
        assert codes(raised.value) == [code]
        assert (Customer.objects.count(), Lead.objects.count()) == (0, 0)
