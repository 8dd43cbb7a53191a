"""Importing leads from a CSV file, in batches, with the rules and codes of ``lead_create``.

A batch of 1000 rows is checked as ``lead_create`` checks one row, step by step in its order
and with its own functions: ``customer_resolve`` (or, for a customer the batch found or is
about to register, that customer), ``resolve_sub_status``, ``resolve_staff_user``,
``resolve_reason`` and ``Lead.full_clean()``. What differs is only where the rows they look at
come from: the batch fetches customers, owners, reasons, sub-statuses, the catalog and the
extended-field definitions in a few queries, hands instances to the resolvers (which check an
instance as they check what they look up) and answers ``Lead.lookups`` from memory. Valid rows
are then inserted together (``bulk_create``, or ``COPY`` on PostgreSQL). Each refused row's
codes and messages are therefore the API's (tests/csv/test_import_rules.py holds them against
``lead_create`` and POST /v2/leads).

Rows are applied in file order: a row sees the customers registered and the active leads
created by the rows before it.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from crm.catalog.models import Brand, Category, Sku
from crm.core.db import insert_all
from crm.core.parsing import MISSING
from customers.models import Customer
from customers.services import (
    IdType,
    customer_resolve,
    normalise_identifier,
    parse_id_type,
)

from ..errors import ErrorCode, ErrorCollector, error_items, message_for
from ..models import (
    ACTIVE_STATUSES,
    Lead,
    LeadStatus,
    LeadType,
    OrgSettings,
    OrgSource,
    Reason,
    ReferenceLookups,
    Status,
    SubStatus,
)
from ..services import (
    lead_create,
    parse_id,
    resolve_reason,
    resolve_staff_user,
    resolve_sub_status,
)
from .mapping import MappedRow, map_record
from .reader import CsvSource, Header, Problem, Record

logger = logging.getLogger(__name__)
User = get_user_model()

CHUNK_SIZE = 1000
REPORT_COLUMNS = ("row", "status", "leadId", "codes", "messages")
OK, ERROR, SKIPPED = "ok", "error", "skipped"
_CATALOG = {LeadType.SKU: Sku, LeadType.BRAND: Brand, LeadType.CATEGORY: Category}
# Foreign keys the batched way does not look up again: it holds the rows themselves, just read
# from the database (the customer, or one registered in the same batch) or the importing user.
_HELD_FOREIGN_KEYS = ("customer", "created_by", "last_updated_by")


@dataclass
class RowResult:
    row: int
    status: str
    lead_id: int | None = None
    # Errors of a refused row; warnings (e.g. 90101) of an imported one.
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportSummary:
    dry_run: bool
    all_or_nothing: bool
    total_rows: int = 0
    processed_rows: int = 0
    ok_rows: int = 0
    failed_rows: int = 0
    skipped_rows: int = 0
    warning_rows: int = 0
    header_row: int = 1
    header_problems: list[Problem] = field(default_factory=list)
    # Set when the header stops the import: nothing was written.
    refused: Problem | None = None
    # All-or-nothing with a failed row: everything was rolled back.
    rolled_back: bool = False

    @property
    def imported_rows(self) -> int:
        return 0 if self.dry_run or self.rolled_back else self.ok_rows


ProgressCallback = Callable[[int, int], None]


class LeadImporter:
    """Imports (or, in a dry run, checks) a CSV file of leads for ``created_by``."""

    def __init__(
        self,
        *,
        created_by: Any,
        dry_run: bool = True,
        all_or_nothing: bool = False,
        ignore_unknown_columns: bool = False,
        chunk_size: int = CHUNK_SIZE,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.created_by = created_by
        self.dry_run = dry_run
        self.all_or_nothing = all_or_nothing
        self.ignore_unknown_columns = ignore_unknown_columns
        self.chunk_size = chunk_size
        self.on_progress = on_progress

    def run(self, path: str | Path, report_path: str | Path) -> ImportSummary:
        """Reads ``path`` and writes one report line per row to ``report_path``. A file that
        cannot be read raises ``CsvFileError`` before anything is written."""
        source = CsvSource.open(path)
        extended = set(ReferenceLookups.active_extended_fields().values_list("name", flat=True))
        header = source.header(extended)
        summary = ImportSummary(
            dry_run=self.dry_run,
            all_or_nothing=self.all_or_nothing,
            total_rows=source.data_rows,
            header_row=header.row,
            header_problems=header.problems,
        )
        blocking = header.blocking or ([] if self.ignore_unknown_columns else header.ignorable)
        if self.on_progress:
            self.on_progress(0, summary.total_rows)
        report_path = Path(report_path)
        draft = report_path.with_name(report_path.name + ".part")
        with _ReportWriter(draft) as report:
            if header.problems:
                report.write(
                    RowResult(
                        header.row,
                        ERROR if blocking else SKIPPED,
                        items=[{"code": p.code, "message": p.message} for p in header.problems],
                    )
                )
            if blocking and not self.dry_run:
                summary.refused = blocking[0]
            else:
                self._import(source, header, summary, report)
        if summary.rolled_back:
            _mark_rolled_back(draft, report_path)
            draft.unlink()
        else:
            os.replace(draft, report_path)
        return summary

    def _import(
        self, source: CsvSource, header: Header, summary: ImportSummary, report: _ReportWriter
    ) -> None:
        chunks = _chunked(source.data(), self.chunk_size)
        if self.all_or_nothing and not self.dry_run:
            with transaction.atomic():
                for chunk in chunks:
                    self._import_chunk(chunk, header, summary, report)
                if summary.failed_rows:
                    transaction.set_rollback(True)
                    summary.rolled_back = True
                    summary.skipped_rows, summary.ok_rows = summary.ok_rows, 0
            return
        # One transaction per batch: a long import does not hold its locks (on SQLite, the
        # whole database) for its whole run, and the report says which rows are in. A dry run
        # writes each batch as the import would and rolls it back; what it cannot show is a
        # warning about a lead an earlier batch would have created.
        for chunk in chunks:
            with transaction.atomic():
                self._import_chunk(chunk, header, summary, report)
                if self.dry_run:
                    transaction.set_rollback(True)

    def _import_chunk(
        self,
        chunk: list[Record],
        header: Header,
        summary: ImportSummary,
        report: _ReportWriter,
    ) -> None:
        rows = [map_record(record, header) for record in chunk]
        for result in _Batch(self, rows).run():
            if self.dry_run:
                result.lead_id = None
            summary.processed_rows += 1
            if result.status == OK:
                summary.ok_rows += 1
                summary.warning_rows += bool(result.items)
            else:
                summary.failed_rows += 1
            report.write(result)
        if self.on_progress:
            self.on_progress(summary.processed_rows, summary.total_rows)


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
    mapped: MappedRow
    lead: Lead
    status_row: LeadStatus
    # The active lead with the same customer and item, if one exists (a Lead not yet
    # inserted, or an id): lead_create()'s warning 90101.
    duplicate_of: Lead | int | None


class _Batch:
    """One batch of rows: fetch what they refer to, check each row, insert the valid ones."""

    def __init__(self, importer: LeadImporter, rows: list[MappedRow]) -> None:
        self.user = importer.created_by
        self.rows = rows
        self.results: dict[int, RowResult] = {}
        self.pending: list[_Pending] = []
        # The customer keys each row names, computed once (normalising a mobile is not free).
        self.customer_keys: dict[int, tuple[str, Any] | None] = {}

    def run(self) -> list[RowResult]:
        self._fetch()
        for mapped in self.rows:
            outcome = self._check(mapped)
            if isinstance(outcome, RowResult):
                self.results[mapped.row] = outcome
            else:
                self.pending.append(outcome)
        self._flush()
        return [self.results[mapped.row] for mapped in self.rows]

    # --- what the rows refer to, in a few queries -----------------------------------------

    def _fetch(self) -> None:
        self.auto_register = OrgSettings.load().auto_register_customers
        user_ids: set[int] = set()
        identifiers: dict[str, set[str]] = {}
        reason_ids: set[int] = set()
        usernames: set[str] = set()
        codes: dict[type, set[str]] = {model: set() for model in _CATALOG.values()}
        for mapped in self.rows:
            kwargs = mapped.kwargs
            key = self._customer_key(kwargs)
            self.customer_keys[mapped.row] = key
            if key is not None:
                kind, value = key
                if kind == "pk":
                    user_ids.add(value)
                else:
                    identifiers.setdefault(kind, set()).add(value)
            if kwargs.get("reason_id") is not None:
                pk = parse_id(kwargs["reason_id"])
                if pk is not None:
                    reason_ids.add(pk)
            if kwargs.get("owner"):
                usernames.add(kwargs["owner"].strip())
            model = _CATALOG.get(kwargs.get("type", LeadType.SKU))
            if model is not None and kwargs.get("lead_for"):
                codes[model].add(kwargs["lead_for"].strip())

        self.customers_by_pk: dict[int, Customer] = {}
        self.customers_by_key: dict[tuple[str, Any], Customer] = {}
        found = list(Customer.objects.filter(pk__in=user_ids)) if user_ids else []
        for kind, values in identifiers.items():
            found += Customer.objects.filter(**{f"{kind}__in": values})
        for customer in found:
            self._remember_customer(customer)

        self.reasons = Reason.objects.in_bulk(reason_ids) if reason_ids else {}
        self.owners = {u.username: u for u in User.objects.filter(username__in=usernames)}
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
        lead_fors = {(m.kwargs.get("lead_for") or "").strip() for m in self.rows}
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

    def _customer_key(self, kwargs: dict[str, Any]) -> tuple[str, Any] | None:
        """How the row names its customer, in customer_resolve()'s order: ("pk", id) or
        (identifier field, normalised value); None when that cannot name anyone."""
        if "user_id" in kwargs:
            pk = parse_id(kwargs["user_id"])
            return ("pk", pk) if pk is not None else None
        id_type = parse_id_type(kwargs.get("id_type"))
        identifier = kwargs.get("identifier")
        if id_type is None or not identifier:
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

    # --- one row: lead_create()'s steps, in its order, with the batch's rows --------------

    def _check(self, mapped: MappedRow) -> _Pending | RowResult:
        errors = ErrorCollector()
        errors.extend(_as_error(mapped.errors))
        if mapped.unreadable:
            return RowResult(mapped.row, ERROR, items=error_items(_as_error(errors)))
        kwargs = mapped.kwargs
        customer = self._customer(mapped, errors)
        status = kwargs.get("status", Status.OPEN)
        now = timezone.now()
        lead = Lead(
            customer=customer,
            type=kwargs.get("type", LeadType.SKU),
            lead_for=kwargs["lead_for"] or "",
            status=status,
            org_source_id=kwargs.get("org_source_id", OrgSource.INSTORE_ID),
            next_follow_up=kwargs.get("next_follow_up"),
            extended_fields=kwargs.get("extended_fields") or {},
            created_on=now,
            created_by_id=self.user.pk,
            last_updated_on=now,
            last_updated_by_id=self.user.pk,
        )
        lead.lookups = self.lookups
        # An instance from the batch is checked by the resolvers as the row they would look up;
        # a name or id the batch does not hold is looked up (and reported) by them.
        sub_name, owner_name, reason_id = (
            kwargs.get("sub_status"),
            kwargs.get("owner"),
            kwargs.get("reason_id"),
        )
        sub = self.sub_statuses.get((status, sub_name.strip())) if sub_name else None
        owner = self.owners.get(owner_name.strip()) if owner_name else None
        reason = self.reasons.get(parse_id(reason_id)) if reason_id else None
        lead.sub_status = resolve_sub_status(status, sub or sub_name, errors)
        lead.owner = resolve_staff_user(owner or owner_name, errors)
        reason = resolve_reason(reason or reason_id, errors)
        try:
            # Not looked up again: the customer and the importing user, rows just read (or,
            # for a customer registered with the batch, about to be inserted). The model's
            # check constraints (status and type among their choices, leadFor not blank) are
            # rules of Lead.clean() too, which runs; a lead has no unique fields.
            lead.full_clean(
                exclude=_HELD_FOREIGN_KEYS, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors.extend(exc)
        if errors:
            return RowResult(mapped.row, ERROR, items=error_items(_as_error(errors)))

        if customer.pk is None:
            self.customers_by_key[self.customer_keys[mapped.row]] = customer
        item = (id(customer), lead.type, lead.lead_for)
        duplicate_of = self.active.get(item)
        if lead.status in ACTIVE_STATUSES:
            self.active[item] = lead
        status_row = LeadStatus(
            lead=lead,
            status=lead.status,
            sub_status_id=lead.sub_status_id,
            reason_id=reason.pk if reason else None,
            notes=kwargs.get("notes") or "",
            created_by_id=self.user.pk,
            created_on=now,
        )
        return _Pending(mapped, lead, status_row, duplicate_of)

    def _customer(self, mapped: MappedRow, errors: ErrorCollector) -> Customer | None:
        """The row's customer: one the batch holds, a new one to register with the batch, or
        whatever customer_resolve() makes of the row (its errors, in most cases)."""
        key = self.customer_keys[mapped.row]
        if key is not None:
            kind, value = key
            if kind == "pk":
                customer = self.customers_by_pk.get(value)
            else:
                customer = self.customers_by_key.get(key)
                if customer is None and self.auto_register:
                    customer = self._new_customer(mapped, kind, value)
            if customer is not None:
                return customer
        kwargs = mapped.kwargs
        customer = customer_resolve(
            user_id=kwargs.get("user_id", MISSING),
            id_type=kwargs.get("id_type"),
            identifier=kwargs.get("identifier"),
            customer_data=kwargs.get("customer_data"),
            auto_register=self.auto_register,
            errors=errors,
        )
        return self._remember_customer(customer) if customer is not None else None

    def _new_customer(self, mapped: MappedRow, kind: str, value: str) -> Customer | None:
        """customer_register()'s customer and checks; the identifier is free, as the batch
        looked it up. None when it cannot be registered (customer_resolve() then says why)."""
        data = mapped.kwargs.get("customer_data") or {}
        customer = Customer(
            loyalty_type=Customer.LoyaltyType.NON_LOYALTY,
            first_name=(data.get("firstName") or "").strip(),
            last_name=(data.get("lastName") or "").strip(),
            **{kind: value},
        )
        try:
            customer.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError:
            return None
        return customer

    # --- writing ------------------------------------------------------------------------

    def _flush(self) -> None:
        """Inserts the accepted rows: their new customers, leads and status rows."""
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
            # Another writer took an identifier meanwhile: the service sorts these rows out.
            logger.info("Batch insert conflicted; importing %d rows one by one", len(pending))
            for p in pending:
                self.results[p.mapped.row] = self._through_service(p.mapped)
            return
        for p in pending:
            warnings = []
            if p.duplicate_of is not None:
                existing = p.duplicate_of
                existing_id = existing.pk if isinstance(existing, Lead) else existing
                code = ErrorCode.ACTIVE_LEAD_EXISTS
                warnings.append({"code": int(code), "message": message_for(code, existing_id)})
            self.results[p.mapped.row] = RowResult(p.mapped.row, OK, p.lead.pk, warnings)

    def _through_service(self, mapped: MappedRow) -> RowResult:
        try:
            with transaction.atomic():
                created = lead_create(created_by=self.user, **mapped.kwargs)
        except ValidationError as exc:
            return RowResult(mapped.row, ERROR, items=error_items(exc))
        except DatabaseError:
            logger.exception("Importing row %s failed", mapped.row)
            code = ErrorCode.SERVER_ERROR
            return RowResult(
                mapped.row, ERROR, items=[{"code": int(code), "message": message_for(code)}]
            )
        return RowResult(mapped.row, OK, created.lead.pk, list(created.warnings))


def _as_error(errors: ErrorCollector) -> ValidationError:
    try:
        errors.raise_if_any()
    except ValidationError as exc:
        return exc
    return ValidationError({})


def _chunked(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _ReportWriter:
    """The per-row report: row, status, leadId, codes, messages (several joined by " | ")."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> _ReportWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow(REPORT_COLUMNS)
        return self

    def write(self, result: RowResult) -> None:
        self.writer.writerow(
            [
                result.row,
                result.status,
                result.lead_id or "",
                " | ".join(str(item["code"]) for item in result.items),
                " | ".join(str(item["message"]) for item in result.items),
            ]
        )

    def __exit__(self, *exc_info: object) -> None:
        self.file.close()


def _mark_rolled_back(draft: Path, final: Path) -> None:
    """All-or-nothing with a failed row: the valid rows were not imported after all."""
    note = "Not imported: another row failed and the import is all-or-nothing"
    with (
        draft.open(encoding="utf-8", newline="") as src,
        final.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst)
        writer.writerow(next(reader))
        for row, status, _lead_id, codes, messages in reader:
            if status == OK:
                status, messages = SKIPPED, " | ".join(filter(None, [messages, note]))
            writer.writerow([row, status, "", codes, messages])


def read_report(path: str | Path) -> Iterator[dict[str, str]]:
    """The report's lines as dicts, streamed."""
    with Path(path).open(encoding="utf-8", newline="") as file:
        yield from csv.DictReader(file)
