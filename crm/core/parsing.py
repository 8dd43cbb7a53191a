"""Turning what a client sent into Python values: the one id parser, the one date parser,
and the marker for "the client did not send this key"."""

from __future__ import annotations

import datetime
import functools
import types
import typing
from collections.abc import Callable
from typing import Any, Final, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


class _Missing:
    """A marker for "the client did not send this key", distinct from an explicit null."""

    _instance = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
T = TypeVar("T")
# For annotations: a parameter that may be left unsent.
MissingType = _Missing

# What the database's bigint holds: a larger id cannot exist, so it parses as no id.
_BIGINT = 2**63


def parse_id(value: Any) -> int | None:
    """An integer id from what a client sent (5, "5", " 5 ", 5.0), or None when it cannot be
    one ("abc", 1.5, true, None, a list ...), which would otherwise fail in the lookup."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    if isinstance(value, int | float):
        number = int(value)
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if -_BIGINT < number < _BIGINT else None


def parse_moment(value: str, *, end_of_day: bool = False) -> datetime.datetime | None:
    """An ISO 8601 date-time, or a date (its start, or with end_of_day its end), in UTC;
    None when the text is neither."""
    # A bare date is tried first: parse_datetime() also reads "2026-11-27" (as midnight),
    # which would make a "to" date exclude its own day.
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is not None:
        moment = datetime.datetime.combine(
            day, datetime.time.max if end_of_day else datetime.time.min
        )
    else:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # The database compares in UTC: a moment with no UTC equivalent (year 1 at +14:00,
        # year 9999 at -14:00) is no valid value, not a server error. Given in UTC, as
        # PostgreSQL refuses offsets past 15:59 that Python accepts (+18:50).
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        return None


def expect(name: str, value: Any, *types: Any) -> None:
    """A service's guard on one value: ``value`` is one of ``types`` (None and MISSING are
    spelled out when allowed). Anything else is a programming error, not a client's: the
    edges (serializers, forms, the CSV mapping) turn what a client sends into these types and
    report what cannot be one with its code."""
    allowed = tuple(type(t) if t is None or t is MISSING else t for t in types)
    if not _is(value, allowed):
        names = " | ".join("None" if t is None else getattr(t, "__name__", repr(t)) for t in types)
        raise TypeError(f"{name} must be {names}, not {type(value).__name__}: {value!r}")


def _is(value: Any, allowed: tuple[type, ...]) -> bool:
    # A bool is an int to isinstance(), but never an id or a count here; text is a sequence
    # to it, but never a sequence of values.
    if object in allowed:
        return True
    if isinstance(value, bool) and bool not in allowed:
        return False
    if isinstance(value, str) and not any(issubclass(c, str) or c is object for c in allowed):
        return False
    return isinstance(value, allowed)


def _runtime_types(hint: Any) -> tuple[type, ...] | None:
    """The classes an annotation admits (None: any value)."""
    if hint is Any:
        return None
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        parts = [_runtime_types(arg) for arg in typing.get_args(hint)]
        if any(part is None for part in parts):
            return None
        return tuple(cls for part in parts for cls in part)  # type: ignore[union-attr]
    if hint is None or hint is type(None):
        return (type(None),)
    origin = typing.get_origin(hint)
    return (origin,) if isinstance(origin, type) else (hint,)


@functools.cache
def _annotated_types(owner: Any) -> dict[str, tuple[type, ...]]:
    """What each annotated name of a function or class admits."""
    hints = typing.get_type_hints(owner)
    hints.pop("return", None)
    checks = {}
    for name, hint in hints.items():
        allowed = _runtime_types(hint)
        checks[name] = allowed if allowed is not None else (object,)
    return checks


def check_annotations(owner: Any, values: dict[str, Any]) -> None:
    """A TypeError for the first value that its annotation in ``owner`` (a service, a
    dataclass of inputs) does not admit."""
    checks = _annotated_types(owner)
    for name, value in values.items():
        allowed = checks.get(name)
        if allowed is not None and not _is(value, allowed):
            names = " | ".join(getattr(t, "__name__", repr(t)) for t in allowed)
            raise TypeError(
                f"{owner.__name__}: {name} must be {names}, not {type(value).__name__}: {value!r}"
            )


def typed(service: Callable[..., T]) -> Callable[..., T]:
    """A service whose annotations are its contract: each keyword argument is checked against
    its parameter's annotation at every call (``Any`` admits anything; a generic such as
    ``Sequence[str]`` is checked as a sequence), and a value of another type is a TypeError
    (see ``expect``)."""

    @functools.wraps(service)
    def call(*args: Any, **kwargs: Any) -> T:
        check_annotations(service, kwargs)
        return service(*args, **kwargs)

    return call


def choice_of(model: type, field: str, value: Any, errors: Any, default: Any) -> Any:
    """The model field's choice (its TextChoices member) a client named; ``default`` when none
    is named, or, for one that is not a choice, with the model's own error for the field in
    ``errors`` (an ErrorCollector), as ``full_clean()`` would report it."""
    if value is None or value is MISSING or value == "":
        return default
    model_field = model._meta.get_field(field)
    try:
        model_field.validate(value, None)
    except ValidationError as exc:
        errors.extend(ValidationError({field: exc.error_list}))
        return default
    return type(default)(value)
