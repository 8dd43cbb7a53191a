"""The error registry: the seed's codes and texts, HTTP statuses, flattening and precedence."""

import re

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from leads.errors import (
    REGISTRY,
    ErrorCode,
    ErrorCollector,
    coded_error,
    error_code_of,
    error_items,
    http_status_for,
    http_status_of,
    message_for,
)

# The error table of the Leads resource (the product's seed document), copied verbatim.
SEED_TABLE = r"""
| 92001 | Lead not found                                       |
| 92002 | Duplicate Lead Status                                |
| 92003 | Invalid Lead Status \{0}                             |
| 92004 | Lead Reason not found with id \{0}                   |
| 92005 | `followedUpOn` cannot be null                        |
| 92006 | `leadFor` cannot be null                             |
| 92007 | `userId` cannot be null                              |
| 92008 | No user found with the given userId \{0}             |
| 92009 | Invalid Lead Type                                    |
| 92010 | `LeadId` cannot be null                              |
| 92011 | Customer Registration failed                         |
| 92012 | User Details cannot be empty                         |
| 92013 | Org Source cannot be null                            |
| 92014 | Invalid org source                                   |
| 92015 | Invalid Id Type                                      |
| 92016 | Invalid SKU \{0}                                     |
| 92017 | Invalid Brand \{0}                                   |
| 92018 | Invalid Category \{0}                                |
| 92019 | Invalid lead owner \{0}                              |
| 92020 | Invalid lead sub status \{0}                         |
| 92021 | Lead sub status \{0} already exists for status \{1}  |
| 92022 | Lead status cannot be empty                          |
| 92023 | Lead sub status cannot be empty                      |
| 92024 | Status change not allowed on closed leads            |
| 92025 | Customer is not registered. Auto-registration is off |
"""

# The HTTP column of the product contract's error table.
SPEC_HTTP_STATUS = {
    **dict.fromkeys(range(92001, 92026), 400),
    92001: 404,
    92002: 409,
    92021: 409,
    92024: 409,
}


def seed_messages() -> dict[int, str]:
    rows = {}
    for line in SEED_TABLE.strip().splitlines():
        code, text = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[int(code)] = text.replace("`", "").replace("\\{", "{")
    return rows


def test_seed_table_has_the_25_codes():
    assert sorted(seed_messages()) == list(range(92001, 92026))


@pytest.mark.parametrize("code,text", sorted(seed_messages().items()))
def test_registry_holds_each_seed_code_with_its_exact_text(code, text):
    assert code in REGISTRY
    assert REGISTRY[code].message == text
    assert int(ErrorCode(code)) == code


@pytest.mark.parametrize("code,status", sorted(SPEC_HTTP_STATUS.items()))
def test_registry_http_status_matches_the_contract(code, status):
    assert http_status_for(code) == status


def test_every_error_code_member_is_in_the_registry_and_codes_are_unique():
    assert {int(c) for c in ErrorCode} == set(REGISTRY)
    assert len({int(c) for c in ErrorCode}) == len(ErrorCode)


def test_placeholders_are_filled_in_order():
    assert message_for(92021, "YetToDecide", "ON_HOLD") == (
        "Lead sub status YetToDecide already exists for status ON_HOLD"
    )
    assert message_for(ErrorCode.INVALID_SKU, "SKU-1") == "Invalid SKU SKU-1"


def test_coded_error_carries_the_number_and_the_filled_text():
    error = coded_error(ErrorCode.INVALID_LEAD_STATUS, "CLOSED")
    assert error.code == 92003
    assert error.message == "Invalid Lead Status CLOSED"
    assert error_code_of(error) == 92003


def test_error_code_of_is_none_for_django_codes_and_unknown_numbers():
    assert error_code_of(ValidationError("x", code="required")) is None
    assert error_code_of(ValidationError("x", code=12345)) is None
    assert error_code_of(ValidationError("x")) is None


def test_error_items_flattens_a_field_dict_in_order_without_duplicates():
    error = ValidationError(
        {
            "status": [coded_error(92003, "X"), coded_error(92003, "X")],
            "lead_for": [coded_error(92006)],
            NON_FIELD_ERRORS: [coded_error(92012)],
        }
    )
    assert error_items(error) == [
        {"code": 92003, "message": "Invalid Lead Status X"},
        {"code": 92006, "message": "leadFor cannot be null"},
        {"code": 92012, "message": "User Details cannot be empty"},
    ]


def test_error_items_flattens_nested_lists_and_a_single_error():
    nested = ValidationError([coded_error(92009), ValidationError([coded_error(92014)])])
    assert [item["code"] for item in error_items(nested)] == [92009, 92014]
    assert error_items(coded_error(92022)) == [
        {"code": 92022, "message": "Lead status cannot be empty"}
    ]


def test_error_items_turns_django_codes_into_invalid_field_with_the_field_name():
    error = ValidationError(
        {
            "next_follow_up": [ValidationError("Enter a valid date/time.", code="invalid")],
            NON_FIELD_ERRORS: [ValidationError("Bad %(what)s", code="x", params={"what": "it"})],
        }
    )
    assert error_items(error) == [
        {"code": 90008, "message": "Invalid value for next_follow_up: Enter a valid date/time."},
        {"code": 90008, "message": "Invalid value for request: Bad it"},
    ]


@pytest.mark.parametrize(
    "codes,status",
    [
        ([], 400),
        ([92006], 400),
        ([92006, 92002], 409),
        ([92002, 92001, 92006], 404),
        ([90011, 92024], 409),
        ([90011, 92006], 422),
        ([90007, 92001], 404),
        ([90001, 90002], 401),
        ([90002, 92021], 403),
        ([92001, 90500], 500),
        ([90006, 90007], 413),
        ([90016, 92006], 406),
        ([90017, 92006], 415),
    ],
)
def test_http_status_of_picks_the_most_specific_status(codes, status):
    assert http_status_of([{"code": code, "message": ""} for code in codes]) == status


def test_collector_reports_every_problem_once_per_field():
    errors = ErrorCollector()
    assert not errors
    errors.add("status", 92003, "X")
    errors.add("status", 92003, "X")
    errors.add(None, 92012)
    errors.extend(ValidationError({"lead_for": [coded_error(92006)]}), prefix="items[0].")
    assert errors.has(92003) and errors.has(92012) and errors.has(92006)
    assert not errors.has(92001)
    with pytest.raises(ValidationError) as raised:
        errors.raise_if_any()
    assert raised.value.error_dict.keys() == {"status", NON_FIELD_ERRORS, "items[0].lead_for"}
    assert [e.code for e in raised.value.error_dict["status"]] == [92003]


def test_collector_without_errors_raises_nothing():
    ErrorCollector().raise_if_any()


def test_registry_messages_use_only_positional_placeholders():
    for definition in REGISTRY.values():
        assert not re.search(r"\{[^0-9}]", definition.message), definition.code
