from __future__ import annotations

import copy
import datetime
import decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from crm.catalog.models import Brand, CatalogItem, Category, Sku  # noqa: F401 - Lead.clean() checks these
from crm.core.parsing import parse_id

from .errors import ErrorCode, ErrorCollector, coded_error


class LeadType(models.TextChoices):
    SKU = "SKU", "SKU"
    CATEGORY = "CATEGORY", "Category"
    BRAND = "BRAND", "Brand"
    CUSTOM = "CUSTOM", "Custom"


# The catalog a lead's item is checked against and named from, by type (CUSTOM has none).
CATALOG_MODELS: dict[str, type[CatalogItem]] = {
    LeadType.SKU: Sku,
    LeadType.BRAND: Brand,
    LeadType.CATEGORY: Category,
}


class Status(models.TextChoices):
    OPEN = "OPEN", "Open"
    ON_HOLD = "ON_HOLD", "On hold"
    WON = "WON", "Won"
    LOST = "LOST", "Lost"
    DELETED = "DELETED", "Deleted"


ACTIVE_STATUSES = frozenset({Status.OPEN, Status.ON_HOLD})
CLOSED_STATUSES = frozenset({Status.WON, Status.LOST, Status.DELETED})
# A change to these needs a reason while the org setting ``require_close_reason`` is on.
REASON_REQUIRED_STATUSES = frozenset({Status.LOST, Status.DELETED})


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are written once: bulk updates and deletes are refused too."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class OrgSource(models.Model):
    """The channel a lead came from. Ids are fixed by the API; -1 (INSTORE) is the default."""

    INSTORE_ID = -1

    id = models.IntegerField(primary_key=True)
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Reason(models.Model):
    """An org-defined reason attached to a status change, referred to by its integer id."""

    reason = models.CharField(max_length=255)
    # A reason no longer offered: refused for new changes (90032), kept on the history.
    is_active = models.BooleanField(default=True)
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.reason

    def clean_fields(self, exclude: Any = None) -> None:
        # clean() reports an empty or overlong reason with a registry code, once.
        super().clean_fields(exclude=[*(exclude or []), "reason"])

    def clean(self) -> None:
        self.reason = (self.reason or "").strip()
        if not self.reason:
            raise ValidationError({"reason": [coded_error(ErrorCode.REASON_EMPTY)]})
        if len(self.reason) > 255:
            raise ValidationError(
                {
                    "reason": [
                        coded_error(ErrorCode.INVALID_FIELD, "reason", "at most 255 characters")
                    ]
                }
            )

    def validate_unique(self, exclude: Any = None) -> None:
        # The same text twice (whatever its case) would be two entries a person cannot tell
        # apart in the reason picker.
        # Only a text clean() accepted is looked up (an overlong one is already refused, and
        # SQLite refuses LIKE patterns that long).
        if (
            self.reason
            and len(self.reason) <= 255
            and "reason" not in (exclude or ())
            and Reason.objects.filter(reason__iexact=self.reason).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"reason": [coded_error(ErrorCode.REASON_EXISTS, self.reason)]})
        super().validate_unique(exclude=exclude)


class SubStatus(models.Model):
    """An org-defined refinement of one status, such as ON_HOLD / YetToDecide."""

    status = models.CharField(max_length=10, choices=Status.choices)
    name = models.CharField(max_length=100)
    # A sub-status no longer offered: refused for new changes (90033), kept on the history
    # and on the leads that have it.
    is_active = models.BooleanField(default=True)
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "name"]
        verbose_name = "sub-status"
        verbose_name_plural = "sub-statuses"
        constraints = [
            models.UniqueConstraint(fields=["status", "name"], name="substatus_unique_per_status"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="substatus_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} / {self.name}"

    def clean_fields(self, exclude: Any = None) -> None:
        super().clean_fields(exclude=[*(exclude or []), "status", "name"])

    def clean(self) -> None:
        errors = ErrorCollector()
        self.name = (self.name or "").strip() if isinstance(self.name, str) else self.name
        if self.status is None or (isinstance(self.status, str) and not self.status.strip()):
            errors.add("status", ErrorCode.STATUS_EMPTY)
        elif self.status not in Status.values:
            errors.add("status", ErrorCode.INVALID_LEAD_STATUS, self.status)
        if not self.name:
            errors.add("name", ErrorCode.SUB_STATUS_EMPTY)
        elif len(self.name) > 100:
            errors.add("name", ErrorCode.INVALID_FIELD, "subStatus", "at most 100 characters")
        errors.raise_if_any()

    def validate_unique(self, exclude: Any = None) -> None:
        # Only a valid pair is looked up: a status that is no status (already 92003) could
        # be anything a client sent, even a list nested too deeply to become a query.
        if (
            self.status in Status.values
            and isinstance(self.name, str)
            and self.name
            and SubStatus.objects.filter(status=self.status, name=self.name)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"name": [coded_error(ErrorCode.SUB_STATUS_EXISTS, self.name, self.status)]}
            )
        super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        # The unique pair is reported by validate_unique() with its code.
        pass


class ExtendedFieldDefinition(models.Model):
    """An org-defined extra field on a lead; values in Lead.extended_fields are checked here."""

    class DataType(models.TextChoices):
        STRING = "STRING", "Text"
        INTEGER = "INTEGER", "Whole number"
        DECIMAL = "DECIMAL", "Decimal number"
        BOOLEAN = "BOOLEAN", "Yes / no"
        DATE = "DATE", "Date"
        DATETIME = "DATETIME", "Date and time"

    name = models.SlugField(max_length=64, unique=True, allow_unicode=False)
    label = models.CharField(max_length=100, blank=True)
    data_type = models.CharField(max_length=10, choices=DataType.choices, default=DataType.STRING)
    # Allowed values; empty means any value of the data type.
    choices = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label or self.name

    def clean(self) -> None:
        if not isinstance(self.choices, list) or not all(
            isinstance(c, str | int | float | bool) for c in self.choices
        ):
            raise ValidationError(
                {"choices": [coded_error(ErrorCode.INVALID_FIELD, "choices", "a list of values")]}
            )

    def coerce(self, value: Any) -> Any:
        """The value as stored in JSON, or ValueError with the reason it is not valid."""
        if value is None:
            return None
        kind = self.DataType
        if self.data_type == kind.STRING:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ValueError("expected text")
            value = str(value)
            if len(value) > 1000:
                raise ValueError("at most 1000 characters")
        elif self.data_type == kind.INTEGER:
            if isinstance(value, bool):
                raise ValueError("expected a whole number")
            try:
                as_int = int(value)
            except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
                raise ValueError("expected a whole number") from None
            if (
                isinstance(value, float)
                and value != as_int
                or isinstance(value, str)
                and (value.strip().lstrip("+-").isdigit() is False)
            ):
                raise ValueError("expected a whole number")
            value = as_int
        elif self.data_type == kind.DECIMAL:
            if isinstance(value, bool):
                raise ValueError("expected a number")
            try:
                number = decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                raise ValueError("expected a number") from None
            if not number.is_finite():
                raise ValueError("expected a number")
            value = float(number)
        elif self.data_type == kind.BOOLEAN:
            if not isinstance(value, bool):
                lowered = str(value).strip().lower()
                if lowered in {"true", "1", "yes"}:
                    value = True
                elif lowered in {"false", "0", "no"}:
                    value = False
                else:
                    raise ValueError("expected true or false")
        elif self.data_type == kind.DATE:
            try:
                parsed = parse_date(value) if isinstance(value, str) else None
            except ValueError:  # well formed but no such day, e.g. 2030-02-30
                parsed = None
            if parsed is None:
                raise ValueError("expected a date YYYY-MM-DD")
            value = parsed.isoformat()
        elif self.data_type == kind.DATETIME:
            try:
                parsed_dt = parse_datetime(value) if isinstance(value, str) else None
            except ValueError:
                parsed_dt = None
            if parsed_dt is None:
                raise ValueError("expected an ISO 8601 date-time")
            if timezone.is_naive(parsed_dt):
                parsed_dt = timezone.make_aware(parsed_dt)
            value = parsed_dt.isoformat()
        if self.choices and value not in self.choices:
            raise ValueError("expected one of " + ", ".join(str(c) for c in self.choices))
        return value


class OrgSettings(models.Model):
    """Org-wide settings an admin edits at run time. One row (pk=1)."""

    auto_register_customers = models.BooleanField(
        default=True,
        help_text="Register an unknown customer as NON_LOYALTY when a lead names one.",
    )
    require_close_reason = models.BooleanField(
        default=True,
        help_text="A change to LOST or DELETED needs a reason (90031 without one).",
    )
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "org settings"
        verbose_name_plural = "org settings"

    def __str__(self) -> str:
        return "Org settings"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> OrgSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ReferenceLookups:
    """The reference rows Lead.clean() checks a lead against, read from the database.

    A CSV import validating thousands of rows gives each Lead a subclass answering the same
    questions from rows it fetched in batches (leads.csv_io): the rules stay in Lead.clean(),
    only the reads are batched.
    """

    @staticmethod
    def active_catalog(model: type[CatalogItem]) -> models.QuerySet:
        return model.objects.filter(is_active=True)

    @staticmethod
    def active_extended_fields() -> models.QuerySet:
        return ExtendedFieldDefinition.objects.filter(is_active=True)

    def org_source_exists(self, pk: Any) -> bool:
        return OrgSource.objects.filter(pk=pk).exists()

    def catalog_item_active(self, model: type[CatalogItem], code: str) -> bool:
        return self.active_catalog(model).filter(code=code).exists()

    def extended_field_definitions(self, names: list[str]) -> dict[str, ExtendedFieldDefinition]:
        """The active definitions among ``names``, by name."""
        return {d.name: d for d in self.active_extended_fields().filter(name__in=names)}


class Lead(models.Model):
    """A customer's interest in an item (a SKU, brand, category or free text)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="leads"
    )
    type = models.CharField(max_length=10, choices=LeadType.choices, default=LeadType.SKU)
    lead_for = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    sub_status = models.ForeignKey(
        SubStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_leads",
    )
    org_source = models.ForeignKey(
        OrgSource, on_delete=models.PROTECT, default=OrgSource.INSTORE_ID, related_name="+"
    )
    next_follow_up = models.DateTimeField(null=True, blank=True)
    last_follow_up = models.DateTimeField(null=True, blank=True)
    extended_fields = models.JSONField(default=dict, blank=True)
    created_on = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    last_updated_on = models.DateTimeField(default=timezone.now)
    last_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who sent the request, kept for audit when it named another staff user as createdBy.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The store the lead belongs to; none: an org-level lead (see crm.org and leads.access).
    store = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"type": "STORE"},
    )
    # The CSV import that added the lead, so that its leads can be listed together.
    import_job = models.ForeignKey(
        "ImportJob", on_delete=models.PROTECT, null=True, blank=True, related_name="leads"
    )

    class Meta:
        ordering = ["-created_on", "-id"]
        permissions = [
            ("act_for_staff", "Can record leads, status changes and follow-ups for other staff"),
        ]
        indexes = [
            # One index per filter and sort of GET /v2/leads; the sort key leads where a
            # filter is usually combined with the default order.
            models.Index(fields=["-created_on", "-id"], name="lead_created_desc"),
            models.Index(fields=["-last_updated_on", "-id"], name="lead_updated_desc"),
            models.Index(fields=["next_follow_up", "id"], name="lead_next_follow_up"),
            models.Index(fields=["customer", "-created_on"], name="lead_customer_created"),
            models.Index(fields=["status", "-created_on"], name="lead_status_created"),
            models.Index(fields=["owner", "status", "-created_on"], name="lead_owner_status"),
            models.Index(fields=["status", "owner", "-created_on"], name="lead_status_owner"),
            models.Index(fields=["sub_status", "-created_on"], name="lead_substatus_created"),
            models.Index(fields=["type", "lead_for"], name="lead_type_lead_for"),
            models.Index(fields=["lead_for", "-created_on"], name="lead_lead_for_created"),
            models.Index(fields=["org_source", "-created_on"], name="lead_source_created"),
            models.Index(fields=["store", "-created_on"], name="lead_store_created"),
            # The dashboard counts status, source and type together in one pass over this.
            models.Index(fields=["status", "org_source", "type"], name="lead_breakdown"),
            # (On PostgreSQL, migration 0004 adds one more for sortBy=nextFollowUp DESC.)
            # Follow-ups due and overdue: only active leads have them.
            models.Index(
                fields=["next_follow_up"],
                condition=Q(status__in=[Status.ON_HOLD, Status.OPEN]),
                name="lead_active_follow_up",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="lead_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=LeadType.values), name="lead_type_valid"
            ),
            models.CheckConstraint(condition=~models.Q(lead_for=""), name="lead_for_not_blank"),
        ]

    def __str__(self) -> str:
        return f"Lead #{self.pk} · {self.type} {self.lead_for}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # What was just written is the stored state the next clean() compares with.
        self._remember_current(kwargs.get("update_fields"))

    def refresh_from_db(
        self, using: str | None = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_current(fields)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Lead:
        instance = super().from_db(db, field_names, values)
        instance._remember(dict(zip(field_names, values, strict=False)))
        return instance

    def _remember_current(self, names: Any = None) -> None:
        """Remembers the current values of the fields ``names`` (all loaded ones when None)."""
        self._remember(
            {
                f.attname: getattr(self, f.attname)
                for f in self._meta.concrete_fields
                if f.attname in self.__dict__
                and (names is None or {f.name, f.attname} & set(names))
            }
        )

    def _remember(self, stored: dict[str, Any]) -> None:
        """Keeps the stored values so that clean() can tell a change from them. The extended
        fields are copied: an in-place edit of the lead's dict must not edit this copy too."""
        if isinstance(stored.get("extended_fields"), dict):
            stored["extended_fields"] = copy.deepcopy(stored["extended_fields"])
        self._loaded = {**getattr(self, "_loaded", {}), **stored}

    def loaded_value(self, attname: str) -> Any:
        return getattr(self, "_loaded", {}).get(attname)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    # Where clean() reads the org sources, catalog and extended-field definitions from.
    lookups: ReferenceLookups = ReferenceLookups()

    # Fields whose rules clean() reports with the registry's codes.
    CODED_FIELDS = ("type", "lead_for", "status", "sub_status", "owner", "org_source")

    def clean_fields(self, exclude: Any = None) -> None:
        super().clean_fields(exclude=[*(exclude or []), *self.CODED_FIELDS, "extended_fields"])

    def clean(self) -> None:
        errors = ErrorCollector()
        adding = self._state.adding
        if isinstance(self.lead_for, str):
            self.lead_for = self.lead_for.strip()
        if not self.lead_for:
            errors.add("lead_for", ErrorCode.LEAD_FOR_NULL)
        elif len(self.lead_for) > 255:
            errors.add("lead_for", ErrorCode.INVALID_FIELD, "leadFor", "at most 255 characters")
        if self.type not in LeadType.values:
            errors.add("type", ErrorCode.INVALID_LEAD_TYPE)
        if self.status is None or (isinstance(self.status, str) and not self.status.strip()):
            errors.add("status", ErrorCode.STATUS_EMPTY)
        elif self.status not in Status.values:
            errors.add("status", ErrorCode.INVALID_LEAD_STATUS, self.status)

        old_status = None if adding else self.loaded_value("status")
        if old_status in CLOSED_STATUSES and self.status != old_status:
            errors.add("status", ErrorCode.LEAD_CLOSED)

        if self.sub_status_id is not None:
            sub = self.sub_status
            if sub.status != self.status:
                errors.add("sub_status", ErrorCode.INVALID_SUB_STATUS, sub.name)

        source_id = parse_id(self.org_source_id)
        if self.org_source_id is None:
            errors.add("org_source", ErrorCode.ORG_SOURCE_NULL)
        elif source_id is None or not self.lookups.org_source_exists(source_id):
            errors.add("org_source", ErrorCode.INVALID_ORG_SOURCE)

        if self.owner_id is not None and self.owner_id != self.loaded_value("owner_id"):
            owner = self.owner
            if not owner.is_active_staff:
                errors.add("owner", ErrorCode.INVALID_OWNER, owner.get_username())

        # The catalog is checked when the item is chosen, not on every later edit: a SKU
        # retired after the lead was taken does not make the lead invalid.
        item_changed = adding or (
            self.type != self.loaded_value("type") or self.lead_for != self.loaded_value("lead_for")
        )
        # An unknown type (already 92009) names no catalog; it may not even be hashable ({}).
        if self.lead_for and item_changed and self.type in LeadType.values:
            self._check_catalog(errors)

        self._check_extended_fields(errors)
        errors.raise_if_any()

    def _check_catalog(self, errors: ErrorCollector) -> None:
        model = CATALOG_MODELS.get(self.type)
        if model is None:
            return
        code = {
            LeadType.SKU: ErrorCode.INVALID_SKU,
            LeadType.BRAND: ErrorCode.INVALID_BRAND,
            LeadType.CATEGORY: ErrorCode.INVALID_CATEGORY,
        }[self.type]
        if not self.lookups.catalog_item_active(model, self.lead_for):
            errors.add("lead_for", code, self.lead_for)

    def _check_extended_fields(self, errors: ErrorCollector) -> None:
        if not isinstance(self.extended_fields, dict):
            errors.add(
                "extended_fields", ErrorCode.INVALID_FIELD, "extendedFields", "expected an object"
            )
            return
        # Values kept as stored are not checked again: retiring a definition afterwards must
        # not block every later change (status, owner ...) of the leads that carry it.
        stored = None if self._state.adding else self.loaded_value("extended_fields")
        stored = stored if isinstance(stored, dict) else {}
        changed = [
            name
            for name, value in self.extended_fields.items()
            if name not in stored or stored[name] != value
        ]
        if not changed:
            return
        definitions = self.lookups.extended_field_definitions(changed)
        cleaned = dict(self.extended_fields)
        for name in changed:
            value = self.extended_fields[name]
            definition = definitions.get(name)
            if definition is None:
                errors.add("extended_fields", ErrorCode.UNKNOWN_EXTENDED_FIELD, name)
                continue
            try:
                cleaned[name] = definition.coerce(value)
            except ValueError as exc:
                errors.add(
                    "extended_fields", ErrorCode.INVALID_EXTENDED_FIELD_VALUE, name, str(exc)
                )
        if not errors:
            self.extended_fields = cleaned


class Recorded(models.Model):
    """What a history entry (a status held, a contact) says and who recorded it, when."""

    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who sent the request, when it named another staff user as createdBy.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_on = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class LeadStatus(Recorded, AppendOnlyModel):
    """One status the lead has held, with who set it and why. Never edited or deleted."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="status_logs")
    status = models.CharField(max_length=10, choices=Status.choices)
    sub_status = models.ForeignKey(
        SubStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.ForeignKey(
        Reason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_on", "id"]
        verbose_name = "status log entry"
        verbose_name_plural = "status log"
        indexes = [models.Index(fields=["lead", "created_on", "id"], name="leadstatus_lead_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="leadstatus_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} at {self.created_on:%Y-%m-%d %H:%M}"

    @staticmethod
    def of_current(
        lead: Lead, *, reason: Reason | None, notes: str, by: Any, on: datetime.datetime
    ) -> dict[str, Any]:
        """The fields of the row that records the status and sub-status the lead holds now."""
        return {
            "lead": lead,
            "status": lead.status,
            "sub_status": lead.sub_status,
            "reason": reason,
            "notes": notes,
            "created_by": by,
            "created_on": on,
        }


class FollowUp(Recorded):
    """A contact with the customer about a lead."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="followups")
    followed_up_on = models.DateTimeField()
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled_follow_up = models.DateTimeField(null=True, blank=True)
    next_follow_up = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["followed_up_on", "id"]
        indexes = [
            models.Index(fields=["lead", "followed_up_on", "id"], name="followup_lead_order")
        ]

    def __str__(self) -> str:
        return f"Follow-up on {self.followed_up_on:%Y-%m-%d %H:%M}"

    def clean_fields(self, exclude: Any = None) -> None:
        super().clean_fields(exclude=[*(exclude or []), "followed_up_on"])

    def clean(self) -> None:
        if self.followed_up_on is None:
            raise ValidationError({"followed_up_on": [coded_error(ErrorCode.FOLLOWED_UP_ON_NULL)]})
        if not isinstance(self.followed_up_on, datetime.datetime):
            raise ValidationError(
                {
                    "followed_up_on": [
                        coded_error(ErrorCode.INVALID_FIELD, "followedUpOn", "expected a date-time")
                    ]
                }
            )
        # A contact that has not happened yet would set the lead's lastFollowUp ahead for
        # good; a few minutes allow for clocks that differ.
        leeway = datetime.timedelta(minutes=settings.LEADS_FOLLOW_UP_CLOCK_LEEWAY_MINUTES)
        if self._state.adding and self.followed_up_on > timezone.now() + leeway:
            raise ValidationError(
                {"followed_up_on": [coded_error(ErrorCode.FOLLOWED_UP_IN_FUTURE)]}
            )


class Handover(AppendOnlyModel):
    """A lead passed from one holder to another (``from_<side>`` → ``to_<side>``), who passed
    it, when. Each kind declares its lead and its two sides."""

    side: str
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_on = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["changed_on", "id"]
        indexes = [models.Index(fields=["lead", "changed_on"], name="%(class)s_lead_order")]

    def __str__(self) -> str:
        return f"{getattr(self, 'from_' + self.side)} → {getattr(self, 'to_' + self.side)}"


def _holder(to: str) -> models.ForeignKey:
    """One side of a handover: a user or a store, none when the lead had none."""
    return models.ForeignKey(to, on_delete=models.PROTECT, null=True, blank=True, related_name="+")


class OwnerChange(Handover):
    """A reassignment of a lead: who held it, who holds it now, who changed it, when."""

    side = "owner"
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="owner_changes")
    from_owner = _holder(settings.AUTH_USER_MODEL)
    to_owner = _holder(settings.AUTH_USER_MODEL)


class StoreChange(Handover):
    """A handover of a lead to another store: from where, to where, who moved it, when."""

    side = "store"
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="store_changes")
    from_store = _holder("org.OrgUnit")
    to_store = _holder("org.OrgUnit")


class ImportJob(models.Model):
    """A CSV import of leads, run in the background and polled for progress."""

    class State(models.TextChoices):
        PENDING = "PENDING", "Pending"
        RUNNING = "RUNNING", "Running"
        DONE = "DONE", "Done"
        FAILED = "FAILED", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    dry_run = models.BooleanField(default=True)
    all_or_nothing = models.BooleanField(default=False)
    # Unknown columns stop an import unless the manager chose to leave them out.
    ignore_unknown_columns = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    ok_rows = models.PositiveIntegerField(default=0)
    failed_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    report_path = models.CharField(max_length=500, blank=True)
    # Rows of the file whose batch has committed: a retried import starts after them, so that
    # no batch is imported twice. Saved in the batch's own transaction.
    committed_rows = models.PositiveIntegerField(default=0)
    # Set by the worker after each batch: a running job silent for IMPORT_STALE_SECONDS has
    # lost its worker.
    heartbeat_on = models.DateTimeField(null=True, blank=True)
    # Runs started in this round (a worker's claim counts one; a retry by hand starts a new
    # round): a job whose worker died is put back in the queue until IMPORT_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who runs the current attempt ("host:pid:token"): the token is the claim, and a worker's
    # batches and heartbeats count only while the job is still its own.
    worker = models.CharField(max_length=100, blank=True)
    # When the upload was removed from the storage (after the import, or after the retention).
    upload_removed_on = models.DateTimeField(null=True, blank=True)
    # What the job page shows once it is finished (the header's problems, the first refused
    # rows), so that any app server can show it.
    preview = models.JSONField(default=dict, blank=True)
    # Why the whole file was refused (90020, 90021 ...), when it was.
    error_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    finished_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"Import {self.file_name} ({self.state})"


class OutboxEvent(models.Model):
    """One lead event (``leads.events``), written in the transaction of the change it tells of:
    a change that commits always has its row, a rolled-back one none. What must hear of the
    change outside the database (webhooks) is sent from these rows, after the commit."""

    class Type(models.TextChoices):
        CREATED = "lead.created"
        UPDATED = "lead.updated"
        STATUS_CHANGED = "lead.status_changed"
        ASSIGNED = "lead.assigned"
        STORE_CHANGED = "lead.store_changed"
        FOLLOWUP_ADDED = "lead.followup_added"

    type = models.CharField(max_length=40, choices=Type.choices)
    # Leads are never deleted (their history is kept): PROTECT, as every key into them.
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="outbox_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)
    occurred_on = models.DateTimeField(default=timezone.now)
    # Set once the event has been handed to the webhooks that want it.
    dispatched_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_undispatched",
                condition=Q(dispatched_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.lead_id}"

    @property
    def event_id(self) -> str:
        """The id a receiver sees (Standard Webhooks' ``webhook-id``), the same on every
        retry."""
        return f"evt_{self.pk}"


class FollowUpReminder(models.Model):
    """A reminder sent to a lead's owner for one due time of its next follow-up: a due time is
    reminded of once, however many tasks were scheduled for it."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="reminders")
    due = models.DateTimeField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead", "due"], name="reminder_once_per_due_time")
        ]

    def __str__(self) -> str:
        return f"#{self.lead_id} due {self.due:%Y-%m-%d %H:%M}"
