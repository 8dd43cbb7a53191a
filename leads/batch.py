"""The batch behind ``services.lead_create_many``: ``lead_create``'s checks for many leads at once.

A batch is checked as ``lead_create`` checks one lead, step by step in its order and with its
own functions: ``customer_resolve`` (or, for a customer the batch found or is about to
register, that customer), ``resolve_sub_status``, ``resolve_staff_user``, ``resolve_reason``
and ``Lead.full_clean()``. What differs is only where the rows they look at come from: the
batch fetches customers, owners, reasons, sub-statuses, the catalog and the extended-field
definitions in a few queries, hands instances to the resolvers (which check an instance as
they check what they look up) and answers ``Lead.lookups`` from memory. Valid leads are then
inserted together (``insert_all``: ``bulk_create``, or ``COPY`` on PostgreSQL). Each refused
item's codes and messages are therefore the API's (tests/leads/csv/test_import_rules.py holds
them against ``lead_create`` and POST /v2/leads).

Items are applied in order: an item sees the customers registered and the active leads created
by the items before it.

This module only checks and inserts; ``lead_create_many`` turns its outcomes into results,
warnings and events, and sends conflicting items through ``lead_create``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.core.db import insert_all
from crm.core.parsing import MISSING
from crm.org.models import OrgUnit
from crm.org.selectors import code_text, store_of_unit, unknown_store
from customers.inputs import CustomerDetails
from customers.models import Customer
from customers.services import IdType, customer_resolve, normalise_identifier

from .access import check_create, default_store_id
from .errors import ErrorCollector, ErrorItem, Refusals, error_items
from .models import (
    ACTIVE_STATUSES,
    CATALOG_MODELS,
    Lead,
    LeadStatus,
    LeadType,
    OrgSource,
    Reason,
    ReferenceLookups,
    Status,
    SubStatus,
)
from .resolvers import auto_registers, clean_lead, lead_references, report_dates

# The lead_create() arguments an item may hold. The others (customer, created_on and the
# history to replay) belong to a lead's creation one at a time, not to a batch.
BATCH_FIELDS = frozenset(
    {
        "lead_for",
        "type",
        "user_id",
        "id_type",
        "identifier",
        "customer_data",
        "status",
        "sub_status",
        "reason_id",
        "notes",
        "owner",
        "org_source_id",
        "next_follow_up",
        "extended_fields",
        "store_code",
        "entity_type",
        "refused",
    }
)
# Foreign keys the batch does not look up again: it holds the rows themselves, just read from
# the database (the customer, or one registered in the same batch) or the creating user.
_HELD_FOREIGN_KEYS = ("customer", "created_by", "last_updated_by", "store")


@dataclass
class Outcome:
    """What the batch made of one item: its errors, or the lead it inserted (with the active
    lead it duplicates, if any), or ``conflicted`` when the insert lost to another writer and
    nothing of the batch was written."""

    errors: list[ErrorItem] | None = None
    lead: Lead | None = None
    duplicate_of: Lead | int | None = None
    conflicted: bool = False

    @property
    def duplicate_of_id(self) -> int | None:
        existing = self.duplicate_of
        return existing.pk if isinstance(existing, Lead) else existing


class _Lookups(ReferenceLookups):
    """Lead.clean()'s reference reads, answered from the rows fetched for one batch."""

    def __init__(self, org_sources: set[int], catalog: dict[type, set[str]], definitions: dict):
        self.org_sources = org_sources
        self.catalog = catalog
        self.definitions = definitions

    def org_source_exists(self, pk: Any) -> bool:
        return pk in self.org_sources

    def catalog_item_active(self, model: type, code: str) -> bool:
        known = self.catalog.get(model)
        if known is None or code not in known.asked:
            return super().catalog_item_active(model, code)
        return code in known

    def extended_field_definitions(self, names: list[str]) -> dict:
        return {name: self.definitions[name] for name in names if name in self.definitions}


class _ActiveCodes(set):
    """The active codes among those asked for."""

    def __init__(self, active: Iterable[str], asked: set[str]) -> None:
        super().__init__(active)
        self.asked = asked


@dataclass
class _Pending:
    index: int
    lead: Lead
    status_row: LeadStatus
    # The active lead with the same customer and item, if one exists (a Lead not yet
    # inserted, or an id): lead_create()'s warning 90101.
    duplicate_of: Lead | int | None


def _stripped(value: Any) -> str | None:
    """A name or code to look up in the batch's rows; None for what is not text (the
    resolvers then see the value as lead_create() hands it to them)."""
    return value.strip() if isinstance(value, str) and value.strip() else None


class LeadBatch:
    """One batch of items: fetch what they refer to, check each item, insert the valid ones."""

    def __init__(
        self,
        *,
        created_by: Any,
        items: Sequence[Mapping[str, Any]],
        import_job: Any = None,
    ) -> None:
        for index, item in enumerate(items):
            unknown = set(item) - BATCH_FIELDS
            if unknown:
                # A programming error, as an unknown keyword argument of lead_create() is.
                raise TypeError(f"item {index} has arguments a batch does not take: {unknown}")
        self.user = created_by
        self.import_job = import_job
        self.items = items
        self.outcomes: list[Outcome] = [Outcome() for _ in items]
        self.pending: list[_Pending] = []
        # The customer keys each item names, computed once (normalising a mobile is not free).
        self.customer_keys: list[tuple[str, Any] | None] = []

    def run(self) -> list[Outcome]:
        """The items' outcomes, in their order."""
        self._fetch()
        for index, item in enumerate(self.items):
            outcome = self._check(index, item)
            if isinstance(outcome, _Pending):
                self.pending.append(outcome)
            else:
                self.outcomes[index].errors = outcome
        self._flush()
        return self.outcomes

    # --- what the items refer to, in a few queries ----------------------------------------

    def _fetch(self) -> None:
        self.auto_register = auto_registers()
        user_ids: set[int] = set()
        identifiers: dict[str, set[str]] = {}
        reason_ids: set[int] = set()
        codes: dict[type, set[str]] = {model: set() for model in CATALOG_MODELS.values()}
        lead_fors: set[str] = set()
        store_codes: set[str] = set()
        for item in self.items:
            code = code_text(item.get("store_code"))
            if code:
                store_codes.add(code)
            key = self._customer_key(item)
            self.customer_keys.append(key)
            if key is not None:
                kind, value = key
                if kind == "pk":
                    user_ids.add(value)
                else:
                    identifiers.setdefault(kind, set()).add(value)
            if item.get("reason_id") is not None:
                reason_ids.add(item["reason_id"])
            lead_for = _stripped(item.get("lead_for"))
            type_ = item.get("type", LeadType.SKU)
            model = CATALOG_MODELS.get(type_) if isinstance(type_, str) else None
            if model is not None and lead_for:
                codes[model].add(lead_for)
            lead_fors.add(lead_for or "")

        self.customers_by_pk: dict[int, Customer] = {}
        self.customers_by_key: dict[tuple[str, Any], Customer] = {}
        found = list(Customer.objects.filter(pk__in=user_ids)) if user_ids else []
        for kind, values in identifiers.items():
            found += Customer.objects.filter(**{f"{kind}__in": values})
        for customer in found:
            self._remember_customer(customer)

        self.units = {
            unit.code: unit
            for unit in OrgUnit.objects.select_related("parent").filter(code__in=store_codes)
        }
        # A lead that names no store is the creator's store's (lead_create()'s default).
        self.default_store_id = default_store_id(self.user)
        self.reasons = Reason.objects.in_bulk(reason_ids) if reason_ids else {}
        self.sub_statuses = {(s.status, s.name): s for s in SubStatus.objects.all()}
        catalog = {
            model: _ActiveCodes(
                ReferenceLookups.active_catalog(model)
                .filter(code__in=asked)
                .values_list("code", flat=True),
                asked,
            )
            for model, asked in codes.items()
            if asked
        }
        self.lookups = _Lookups(
            org_sources=set(OrgSource.objects.values_list("pk", flat=True)),
            catalog=catalog,
            definitions={d.name: d for d in ReferenceLookups.active_extended_fields()},
        )
        # Active leads of these customers for the same items.
        self.active: dict[tuple[int, str, str], Lead | int] = {}
        if self.customers_by_pk:
            existing = (
                Lead.objects.filter(
                    customer_id__in=list(self.customers_by_pk),
                    lead_for__in=lead_fors,
                    status__in=list(ACTIVE_STATUSES),
                )
                .order_by("created_on", "id")
                .values_list("customer_id", "type", "lead_for", "pk")
            )
            for customer_id, type_, lead_for, pk in existing:
                customer = self.customers_by_pk[customer_id]
                self.active[(id(customer), type_, lead_for)] = pk

    def _customer_key(self, item: Mapping[str, Any]) -> tuple[str, Any] | None:
        """How the item names its customer, in customer_resolve()'s order: ("pk", id) or
        (identifier field, normalised value); None when that cannot name anyone."""
        user_id = item.get("user_id", MISSING)
        if user_id is not MISSING:
            return ("pk", user_id) if user_id is not None else None
        id_type, identifier = item.get("id_type"), item.get("identifier")
        if id_type is None or identifier is None:
            return None
        value = normalise_identifier(id_type, identifier)
        return (IdType.FIELD[id_type], value) if value is not None else None

    def _remember_customer(self, customer: Customer) -> Customer:
        customer = self.customers_by_pk.setdefault(customer.pk, customer)
        for kind in IdType.FIELD.values():
            value = getattr(customer, kind)
            if value:
                self.customers_by_key[(kind, value)] = customer
        return customer

    # --- one item: lead_create()'s steps, in its order, with the batch's rows -------------

    def _check(self, index: int, item: Mapping[str, Any]) -> _Pending | list[ErrorItem]:
        errors = ErrorCollector()
        refused = item.get("refused") or Refusals()
        report_dates(refused, errors)
        customer = self._customer(index, item, refused, errors)
        refused.report("lead_for", errors)
        status = item.get("status", Status.OPEN)
        extended_fields = item.get("extended_fields", MISSING)
        now = timezone.now()
        lead = Lead(
            customer=customer,
            type=item.get("type", LeadType.SKU),
            lead_for=item.get("lead_for") or "",
            status=status,
            org_source_id=item.get("org_source_id", OrgSource.INSTORE_ID),
            next_follow_up=item.get("next_follow_up"),
            extended_fields={} if extended_fields is MISSING else extended_fields,
            created_on=now,
            created_by=self.user,
            last_updated_on=now,
            last_updated_by=self.user,
            import_job=self.import_job,
        )
        lead.lookups = self.lookups
        lead.store_id = self._store_id(item, refused, errors)
        # The rows the batch holds are checked by the resolvers as the rows they would look
        # up; a name or id the batch does not hold is looked up (and reported) by them.
        sub_name, reason_id = item.get("sub_status"), item.get("reason_id")
        sub_key = _stripped(sub_name)
        sub = self.sub_statuses.get((status, sub_key)) if sub_key and status else None
        reason = self.reasons.get(reason_id) if reason_id is not None else None
        reason = lead_references(
            lead, sub or sub_name, item.get("owner"), reason or reason_id, refused, errors
        )
        # Not looked up again: the customer and the creating user, rows just read (or, for a
        # customer registered with the batch, about to be inserted). The model's check
        # constraints (status and type among their choices, leadFor not blank) are rules of
        # Lead.clean() too, which runs; a lead has no unique fields.
        clean_lead(
            lead,
            errors,
            refused,
            exclude=_HELD_FOREIGN_KEYS,
            validate_unique=False,
            validate_constraints=False,
        )
        if errors:
            return error_items(errors.as_error())

        if customer.pk is None:
            self.customers_by_key[self.customer_keys[index]] = customer
        key = (id(customer), lead.type, lead.lead_for)
        duplicate_of = self.active.get(key)
        if lead.status in ACTIVE_STATUSES:
            self.active[key] = lead
        status_row = LeadStatus(
            **LeadStatus.of_current(
                lead, reason=reason, notes=item.get("notes", ""), by=self.user, on=now
            )
        )
        return _Pending(index, lead, status_row, duplicate_of)

    def _store_id(
        self, item: Mapping[str, Any], refused: Refusals, errors: ErrorCollector
    ) -> int | None:
        """lead_create()'s store: the one ``store_code`` names (90038, and 90034 outside the
        importer's stores), else the importer's own."""
        if refused.report("store_code", errors):
            return None
        code = code_text(item.get("store_code"))
        if code is None:
            return self.default_store_id
        store = store_of_unit(self.units.get(code))
        if store is None:
            errors.extend(unknown_store(code))
            return None
        try:
            check_create(self.user, store)
        except ValidationError as exc:
            errors.extend(ValidationError({"store_code": [exc]}))
            return None
        return store.pk

    def _customer(
        self, index: int, item: Mapping[str, Any], refused: Refusals, errors: ErrorCollector
    ) -> Customer | None:
        """The item's customer: one the batch holds, a new one to register with the batch, or
        whatever customer_resolve() makes of the item (its errors, in most cases)."""
        key = self.customer_keys[index]
        if key is not None:
            kind, value = key
            if kind == "pk":
                customer = self.customers_by_pk.get(value)
            else:
                customer = self.customers_by_key.get(key)
                if customer is None and self.auto_register:
                    customer = self._new_customer(item, kind, value)
            if customer is not None:
                return customer
        customer = customer_resolve(
            user_id=item.get("user_id", MISSING),
            id_type=item.get("id_type"),
            identifier=item.get("identifier"),
            customer_data=item.get("customer_data"),
            auto_register=self.auto_register,
            errors=errors,
            refused=refused,
        )
        return self._remember_customer(customer) if customer is not None else None

    def _new_customer(self, item: Mapping[str, Any], kind: str, value: str) -> Customer | None:
        """customer_register()'s customer and checks; the identifier is free, as the batch
        looked it up. None when it cannot be registered (customer_resolve() then says why)."""
        details = item.get("customer_data") or CustomerDetails()
        first_name, last_name = details.first_name, details.last_name
        customer = Customer(
            loyalty_type=Customer.LoyaltyType.NON_LOYALTY,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            **{kind: value},
        )
        try:
            customer.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError:
            return None
        return customer

    # --- writing --------------------------------------------------------------------------

    def _flush(self) -> None:
        """Inserts the accepted items: their new customers, leads and status rows."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        new_customers = list(
            {
                id(p.lead.customer): p.lead.customer for p in pending if p.lead.customer.pk is None
            }.values()
        )
        try:
            with transaction.atomic():
                insert_all(new_customers)
                insert_all([p.lead for p in pending])
                insert_all([p.status_row for p in pending])
        except IntegrityError:
            # Another writer took an identifier meanwhile: none of the batch is in, and
            # lead_create_many() sends these items through lead_create() one by one.
            for p in pending:
                self.outcomes[p.index].conflicted = True
            return
        for p in pending:
            outcome = self.outcomes[p.index]
            outcome.lead, outcome.duplicate_of = p.lead, p.duplicate_of
