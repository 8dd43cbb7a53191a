"""Reading the coded errors out of a ValidationError, for assertions."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def coded(error: ValidationError) -> list[tuple[str, object, str]]:
    """(field, code, message) of every single error inside ``error``, in order."""
    if hasattr(error, "error_dict"):
        return [
            (field, item.code, item.message % item.params if item.params else item.message)
            for field, items in error.error_dict.items()
            for item in items
        ]
    return [
        (NON_FIELD_ERRORS, item.code, item.message % item.params if item.params else item.message)
        for item in error.error_list
    ]


def codes(error: ValidationError) -> list[object]:
    return [code for _, code, _ in coded(error)]


def messages(error: ValidationError) -> dict[object, str]:
    return {code: message for _, code, message in coded(error)}
