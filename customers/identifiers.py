"""Normalising customer identifiers: mobiles to E.164 (phonenumbers), emails to lower case."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def normalise_mobile(raw: str) -> str | None:
    """The number in E.164, or None when it is not a valid mobile number."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 40:
        return None
    try:
        number = phonenumbers.parse(raw.strip(), settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str | None:
    if not isinstance(raw, str):
        return None
    value = raw.strip()
    try:
        validate_email(value)
    except ValidationError:
        return None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}".lower()
