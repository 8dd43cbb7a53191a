"""The error registry as the lead layer uses it: every code (``ErrorCode``) and the functions
that turn codes into errors and envelope items. The table and the mechanism are the floor's,
``crm.core.errors``; this module is the name the lead code and its tests import them by."""

from crm.core.errors import (  # noqa: F401 - re-exported
    REGISTRY,
    ErrorCode,
    ErrorCollector,
    ErrorDef,
    ErrorItem,
    Refusals,
    check_all,
    coded_error,
    error_code_of,
    error_item,
    error_items,
    http_status_for,
    http_status_of,
    iter_errors,
    message_for,
    rendered_message,
)
