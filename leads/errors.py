"""The lead codes, and ``ErrorCode``: every code of the project in one enum.

The numbers and texts of 92001-92025 are the Leads API's table; 900xx are this app's own.
The mechanism (messages, HTTP statuses, envelope items) is ``crm.core.errors``; the
project-wide codes are registered there and the customer codes in ``customers.errors``.
"""

from __future__ import annotations

from enum import IntEnum

from crm.core.errors import (  # noqa: F401 - the mechanism, re-exported for the lead layer
    REGISTRY,
    CoreCode,
    ErrorCollector,
    ErrorDef,
    ErrorItem,
    coded_error,
    error_code_of,
    error_item,
    error_items,
    http_status_for,
    http_status_of,
    iter_errors,
    message_for,
    register,
    rendered_message,
)
from customers.errors import CustomerCode


class LeadCode(IntEnum):
    # The Leads resource's own codes.
    LEAD_NOT_FOUND = 92001
    DUPLICATE_LEAD_STATUS = 92002
    INVALID_LEAD_STATUS = 92003
    REASON_NOT_FOUND = 92004
    FOLLOWED_UP_ON_NULL = 92005
    LEAD_FOR_NULL = 92006
    INVALID_LEAD_TYPE = 92009
    LEAD_ID_NULL = 92010
    ORG_SOURCE_NULL = 92013
    INVALID_ORG_SOURCE = 92014
    INVALID_SKU = 92016
    INVALID_BRAND = 92017
    INVALID_CATEGORY = 92018
    INVALID_OWNER = 92019
    INVALID_SUB_STATUS = 92020
    SUB_STATUS_EXISTS = 92021
    STATUS_EMPTY = 92022
    SUB_STATUS_EMPTY = 92023
    LEAD_CLOSED = 92024

    # Lead errors outside the Leads resource's table, with stable codes of their own.
    UNKNOWN_EXTENDED_FIELD = 90009
    INVALID_EXTENDED_FIELD_VALUE = 90010
    REASON_EMPTY = 90018
    NOT_CSV = 90020
    UNKNOWN_CSV_COLUMN = 90021
    EXTENDED_FIELD_EXISTS = 90022
    DUPLICATE_CSV_COLUMN = 90023
    CSV_ROW_TOO_LONG = 90024

    # Warnings: the request succeeded, but something deserves notice.
    ACTIVE_LEAD_EXISTS = 90101


C = LeadCode
register(
    (C.LEAD_NOT_FOUND, "Lead not found", 404),
    (C.DUPLICATE_LEAD_STATUS, "Duplicate Lead Status", 409),
    (C.INVALID_LEAD_STATUS, "Invalid Lead Status {0}", 400),
    (C.REASON_NOT_FOUND, "Lead Reason not found with id {0}", 400),
    (C.FOLLOWED_UP_ON_NULL, "followedUpOn cannot be null", 400),
    (C.LEAD_FOR_NULL, "leadFor cannot be null", 400),
    (C.INVALID_LEAD_TYPE, "Invalid Lead Type", 400),
    (C.LEAD_ID_NULL, "LeadId cannot be null", 400),
    (C.ORG_SOURCE_NULL, "Org Source cannot be null", 400),
    (C.INVALID_ORG_SOURCE, "Invalid org source", 400),
    (C.INVALID_SKU, "Invalid SKU {0}", 400),
    (C.INVALID_BRAND, "Invalid Brand {0}", 400),
    (C.INVALID_CATEGORY, "Invalid Category {0}", 400),
    (C.INVALID_OWNER, "Invalid lead owner {0}", 400),
    (C.INVALID_SUB_STATUS, "Invalid lead sub status {0}", 400),
    (C.SUB_STATUS_EXISTS, "Lead sub status {0} already exists for status {1}", 409),
    (C.STATUS_EMPTY, "Lead status cannot be empty", 400),
    (C.SUB_STATUS_EMPTY, "Lead sub status cannot be empty", 400),
    (C.LEAD_CLOSED, "Status change not allowed on closed leads", 409),
    (C.UNKNOWN_EXTENDED_FIELD, "Unknown extended field {0}", 400),
    (C.INVALID_EXTENDED_FIELD_VALUE, "Invalid value for extended field {0}: {1}", 400),
    (C.REASON_EMPTY, "Lead reason cannot be empty", 400),
    (C.NOT_CSV, "The file is not a CSV file: {0}", 400),
    (C.UNKNOWN_CSV_COLUMN, "Unknown column {0}", 400),
    (C.EXTENDED_FIELD_EXISTS, "Extended field {0} already exists", 409),
    (C.DUPLICATE_CSV_COLUMN, "Column {0} appears more than once", 400),
    (C.CSV_ROW_TOO_LONG, "The row has {0} fields; the header has {1}", 400),
    (C.ACTIVE_LEAD_EXISTS, "An active lead {0} already exists for this customer and item", 200),
)
del C

# Every code of the project in one enum, in number order: what a reader, a test or the API
# schema looks a code up by.
ErrorCode = IntEnum(  # type: ignore[misc]
    "ErrorCode",
    sorted(
        ((m.name, m.value) for e in (CoreCode, CustomerCode, LeadCode) for m in e),
        key=lambda pair: pair[1],
    ),
)
