"""The codes customer lookups and registration raise (numbers from the Leads API's table,
where the customer of a lead is resolved)."""

from enum import IntEnum

from crm.core.errors import register


class CustomerCode(IntEnum):
    USER_ID_NULL = 92007
    USER_NOT_FOUND = 92008
    CUSTOMER_REGISTRATION_FAILED = 92011
    USER_DETAILS_EMPTY = 92012
    INVALID_ID_TYPE = 92015
    AUTO_REGISTRATION_OFF = 92025
    CUSTOMER_NOT_FOUND = 90014
    CUSTOMER_EXISTS = 90015


C = CustomerCode
register(
    (C.USER_ID_NULL, "userId cannot be null", 400),
    (C.USER_NOT_FOUND, "No user found with the given userId {0}", 400),
    (C.CUSTOMER_REGISTRATION_FAILED, "Customer Registration failed", 400),
    (C.USER_DETAILS_EMPTY, "User Details cannot be empty", 400),
    (C.INVALID_ID_TYPE, "Invalid Id Type", 400),
    (C.AUTO_REGISTRATION_OFF, "Customer is not registered. Auto-registration is off", 400),
    (C.CUSTOMER_NOT_FOUND, "Customer not found", 404),
    (C.CUSTOMER_EXISTS, "A customer with this {0} already exists", 409),
)
del C
