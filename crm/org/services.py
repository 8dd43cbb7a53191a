"""Writes of the org's structure: zones, stores and tills, and the staff who work in them.

Each public function is ``@typed`` (its annotations are checked at each call), keyword-only and
one transaction. A unit's type arrives as a ``UnitType`` (``unit_type_of`` parses the text at
the edge); the rest arrives as text (a role, codes: ``MISSING`` when a key was not sent) and
every refusal of a value is a coded ``ValidationError`` keyed by the field, so the API, the
org-settings import and the tests report the same codes. With ``check_only`` a service judges
its arguments and writes nothing (the API asks it so when part of a request was refused
already, to report every problem at once).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from crm.core.errors import ErrorCode, ErrorCollector, coded_error
from crm.core.models import User
from crm.core.parsing import MISSING, MissingType, typed

from .models import ROLE_UNIT_TYPE, OrgUnit, Role, StaffRole, UnitType
from .scope import forget_scope


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _unit_type(value: UnitType | None, errors: ErrorCollector) -> UnitType | None:
    if value is None:
        errors.add("type", ErrorCode.INVALID_FIELD, "type", "it is required")
    return value


def _code(value: Any, errors: ErrorCollector) -> str:
    """A unit's code as stored. It is a path segment of /v2/orgUnits/{code} and a value of the
    lead filters, so it holds no "/", "," or white space."""
    code = _text(value) or ""
    if not isinstance(code, str):
        code = str(code)
    if any(c in "/," or c.isspace() for c in code):
        errors.add("code", ErrorCode.NAME_INVALID, "code", code, "no /, comma or spaces")
    return code


def _email(value: Any, errors: ErrorCollector) -> str:
    email = (_text(value) or "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", ErrorCode.EMAIL_INVALID, email)
    return email


def _parent(code: Any, errors: ErrorCollector) -> OrgUnit | None:
    """The unit ``parentCode`` names (None for none); an unknown code is 90046."""
    code = _text(code)
    if code in (None, ""):
        return None
    parent = OrgUnit.objects.filter(code=code).first()
    if parent is None:
        errors.add("parent_code", ErrorCode.ORG_UNIT_UNKNOWN, code)
    return parent


def _checked_save(
    instance: Any,
    errors: ErrorCollector,
    *,
    key: str,
    exists: ErrorCode,
    check: Any = None,
    key_checked: bool = False,
    check_only: bool = False,
) -> Any:
    """Validates ``instance`` (``check``, else ``full_clean()``), adds every problem to what
    ``errors`` holds, and saves it. A duplicate ``key`` is ``exists`` with the value, also when
    a parallel request took it between the check and the save. ``key_checked``: the caller
    judged ``key`` already (with its own codes), so Django's other words on it are left out."""
    value = getattr(instance, key)
    try:
        (check or instance.full_clean)()
    except ValidationError as exc:
        for field, items in exc.error_dict.items():
            for item in items:
                if field == key and item.code == "unique":
                    errors.add(key, exists, value)
                elif field != key or not key_checked:
                    errors.extend(ValidationError({field: [item]}))
    errors.raise_if_any()
    if check_only:
        return None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError({key: [coded_error(exists, value)]}) from exc
    return instance


def _save_unit(
    unit: OrgUnit, errors: ErrorCollector, *, typed: bool = True, check_only: bool = False
) -> OrgUnit | None:
    """Without a valid type (``typed`` false) the parent's rules cannot be judged: the other
    fields still are."""

    def check() -> None:
        if typed:
            unit.full_clean()
        else:
            unit.clean_fields(exclude=["type", "parent"])
            unit.validate_unique()

    return _checked_save(
        unit,
        errors,
        key="code",
        exists=ErrorCode.ORG_UNIT_EXISTS,
        check=check,
        check_only=check_only,
    )


@typed
@transaction.atomic
def org_unit_create(
    *,
    type: UnitType | None = None,
    code: str | None = None,
    name: str | None = None,
    parent_code: str | None = None,
    is_active: bool = True,
    check_only: bool = False,
) -> OrgUnit | None:
    """A new zone, store or till: 90035 bad type, 90046 unknown parent, 90036 a parent of the
    wrong type (or a till without a store), 90037 a code that exists."""
    errors = ErrorCollector()
    unit_type = _unit_type(type, errors)
    parent = _parent(parent_code, errors)
    unit = OrgUnit(
        type=unit_type or "",
        code=_code(code, errors),
        name=_text(name) or "",
        parent=parent,
        is_active=bool(is_active) if is_active is not None else True,
    )
    return _save_unit(unit, errors, typed=unit_type is not None, check_only=check_only)


@typed
@transaction.atomic
def org_unit_update(
    *,
    unit_code: str,
    type: UnitType | None | MissingType = MISSING,
    code: str | None | MissingType = MISSING,
    name: str | None | MissingType = MISSING,
    parent_code: str | None | MissingType = MISSING,
    is_active: bool | MissingType = MISSING,
    check_only: bool = False,
) -> OrgUnit | None:
    """Changes only what is sent. 90039 for no such unit; a unit with units under it keeps its
    type (90047), since they would no longer fit under it."""
    unit = OrgUnit.objects.select_for_update().filter(code=unit_code).first()
    if unit is None:
        raise ValidationError({"code": [coded_error(ErrorCode.ORG_UNIT_NOT_FOUND, unit_code)]})
    errors = ErrorCollector()
    if type is not MISSING:
        unit_type = _unit_type(type, errors)
        if unit_type is not None and unit_type != unit.type:
            if unit.children.exists():
                errors.add("type", ErrorCode.ORG_UNIT_TYPE_LOCKED, unit.code)
            unit.type = unit_type
    if code is not MISSING:
        unit.code = _code(code, errors)
    if name is not MISSING:
        unit.name = _text(name) or ""
    if parent_code is not MISSING:
        unit.parent = _parent(parent_code, errors)
    if is_active is not MISSING:
        unit.is_active = bool(is_active)
    # A type refused where it was parsed arrives as None: the parent is then not judged.
    return _save_unit(unit, errors, typed=type is not None, check_only=check_only)


# --- staff --------------------------------------------------------------------------------


def _role(value: Any, errors: ErrorCollector) -> str | None:
    text = _text(value)
    upper = text.upper() if isinstance(text, str) else text
    if upper not in Role.values:
        errors.add("role", ErrorCode.ROLE_INVALID, value)
        return None
    return upper


def _units(role: str | None, codes: Any, errors: ErrorCollector) -> list[OrgUnit]:
    """The units of ``codes``, each of the type ``role`` covers (90041); unknown codes 90046.
    One query for all of them."""
    if codes in (None, ""):
        codes = []
    if isinstance(codes, str):
        codes = [part for part in (c.strip() for c in codes.replace(";", ",").split(",")) if part]
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        errors.add("units", ErrorCode.INVALID_FIELD, "units", "expected a list of unit codes")
        return []
    wanted = list(dict.fromkeys(c.strip() for c in codes))
    found = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=wanted)}
    for code in wanted:
        if code not in found:
            errors.add("units", ErrorCode.ORG_UNIT_UNKNOWN, code)
    units = [found[code] for code in wanted if code in found]
    if role is None:
        return units
    unit_type = ROLE_UNIT_TYPE.get(role)
    for unit in units:
        if unit.type != unit_type:
            errors.add(
                "units",
                ErrorCode.ROLE_UNITS_INVALID,
                role,
                unit_type or "none (the whole org)",
                unit.code,
            )
    return units


def _check_password(password: Any, user: User, errors: ErrorCollector) -> str | None:
    if not isinstance(password, str) or not password:
        errors.add("password", ErrorCode.PASSWORD_INVALID, "a password is text of some length")
        return None
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", ErrorCode.PASSWORD_INVALID, message)
        return None
    return password


def _check_username(username: Any, errors: ErrorCollector) -> str:
    text = _text(username)
    if not isinstance(text, str) or not text:
        errors.add("username", ErrorCode.NAME_INVALID, "username", repr(username), "it is required")
        return ""
    # "~" is kept for the lead filters' ~me and ~none, so no username may hold it.
    try:
        UnicodeUsernameValidator()(text)
    except ValidationError:
        errors.add(
            "username",
            ErrorCode.NAME_INVALID,
            "username",
            text,
            "letters, digits and @ . + - _ only",
        )
    if len(text) > 150:
        errors.add(
            "username", ErrorCode.NAME_INVALID, "username", text[:20] + "…", "over 150 characters"
        )
    return text


def _apply_role(user: User, role: str | None, units: Iterable[OrgUnit]) -> None:
    """Gives ``user`` ``role`` over ``units``; no role removes the one they held."""
    if role is None:
        StaffRole.objects.filter(user=user).delete()
    else:
        staff_role, _ = StaffRole.objects.update_or_create(user=user, defaults={"role": role})
        staff_role.full_clean()
        staff_role.units.set(list(units))
    forget_scope(user)


def _save_user(user: User, errors: ErrorCollector, *, check_only: bool = False) -> None:
    _checked_save(
        user,
        errors,
        key="username",
        exists=ErrorCode.STAFF_EXISTS,
        # The email is judged above, with its own code.
        check=lambda: user.full_clean(exclude=["password", "email"]),
        key_checked=True,
        check_only=check_only,
    )


@typed
@transaction.atomic
def staff_create(
    *,
    username: str | None = None,
    first_name: str | None = "",
    last_name: str | None = "",
    email: str | None = "",
    password: str | None = None,
    role: str | None = None,
    units: list[str] | str | None = None,
    is_active: bool = True,
    check_only: bool = False,
) -> User | None:
    """A staff user with a role over some units. The password goes through Django's password
    validators (90044); without one the account cannot log in until one is set. 90042 for a
    username that exists (whatever its case), 90040/90041/90046 for the role and units."""
    errors = ErrorCollector()
    name = _check_username(username, errors)
    if name and User.objects.filter(username__iexact=name).exists():
        errors.add("username", ErrorCode.STAFF_EXISTS, name)
    user = User(
        username=name,
        first_name=_text(first_name) or "",
        last_name=_text(last_name) or "",
        email=_email(email, errors),
        is_staff=True,
        is_active=bool(is_active) if is_active is not None else True,
    )
    role_value = _role(role, errors) if role not in (None, "") else None
    unit_list = _units(role_value, units, errors)
    if password in (None, ""):
        user.set_unusable_password()
    else:
        checked = _check_password(password, user, errors)
        if checked:
            user.set_password(checked)
    _save_user(user, errors, check_only=check_only)
    if check_only:
        return None
    _apply_role(user, role_value, unit_list)
    return user


@typed
@transaction.atomic
def staff_update(
    *,
    username: str,
    first_name: str | None | MissingType = MISSING,
    last_name: str | None | MissingType = MISSING,
    email: str | None | MissingType = MISSING,
    password: str | None | MissingType = MISSING,
    role: str | None | MissingType = MISSING,
    units: list[str] | str | None | MissingType = MISSING,
    is_active: bool | MissingType = MISSING,
    changed_by: User | None = None,
    check_only: bool = False,
) -> User | None:
    """Changes only what is sent; 90043 for no such staff user. ``role`` without ``units``
    keeps the units (checked against the new role); ``role: null`` removes the role. A
    superuser's account is changed only by a superuser (90002): an org admin who could set its
    password would hold every permission."""
    user = User.objects.select_for_update().filter(username=username, is_staff=True).first()
    if user is None:
        raise ValidationError({"username": [coded_error(ErrorCode.STAFF_USER_NOT_FOUND, username)]})
    if user.is_superuser and not getattr(changed_by, "is_superuser", False):
        raise ValidationError({"username": [coded_error(ErrorCode.PERMISSION_DENIED)]})
    errors = ErrorCollector()
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not MISSING:
            setattr(user, field, _text(value) or "")
    if email is not MISSING:
        user.email = _email(email, errors)
    if is_active is not MISSING:
        user.is_active = bool(is_active)
    if password is not MISSING:
        checked = _check_password(password, user, errors)
        if checked:
            user.set_password(checked)
    current = StaffRole.objects.filter(user=user).first()
    if role is not MISSING or units is not MISSING:
        if role is MISSING:
            role_value = current.role if current else None
        else:
            role_value = _role(role, errors) if role not in (None, "") else None
        if units is MISSING:
            unit_codes = list(current.units.values_list("code", flat=True)) if current else []
            unit_list = _units(role_value, unit_codes, errors)
        else:
            unit_list = _units(role_value, units, errors)
        _save_user(user, errors, check_only=check_only)
        if not check_only:
            _apply_role(user, role_value, unit_list)
    else:
        _save_user(user, errors, check_only=check_only)
    return None if check_only else user
