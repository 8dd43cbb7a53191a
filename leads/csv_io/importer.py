"""Importing leads from a CSV file, in batches, with the rules and codes of ``lead_create``.

This module reads and reports; it writes nothing itself. Each batch of 1000 rows is mapped to
``lead_create``'s typed arguments (``mapping``) and handed to ``services.lead_create_many``,
the write path of many leads: it checks each row as ``lead_create`` checks one (same codes,
messages and 90101 warning), inserts the valid ones together and announces each lead it makes
(``events.lead_created``), as the API's path does. A refused row's codes and messages are
therefore the API's (tests/leads/csv/test_import_rules.py holds them against ``lead_create``
and POST /v2/leads).

Rows are applied in file order: a row sees the customers registered and the active leads
created by the rows before it.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from ..errors import ErrorItem, error_item, error_items
from ..models import ReferenceLookups
from ..services import lead_create_many
from .mapping import map_record, typed_items
from .reader import CsvSource, Header, Problem, Record

CHUNK_SIZE = 1000
REPORT_COLUMNS = ("row", "status", "leadId", "codes", "messages")
OK, ERROR, SKIPPED = "ok", "error", "skipped"


@dataclass
class RowResult:
    row: int
    status: str
    lead_id: int | None = None
    # Errors of a refused row; warnings (e.g. 90101) of an imported one.
    items: list[ErrorItem] = field(default_factory=list)


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
        job: Any = None,
        resume_after: int = 0,
        resumed_ok: int = 0,
        resumed_failed: int = 0,
    ) -> None:
        self.created_by = created_by
        self.job = job
        self.dry_run = dry_run
        self.all_or_nothing = all_or_nothing
        self.ignore_unknown_columns = ignore_unknown_columns
        self.chunk_size = chunk_size
        self.on_progress = on_progress
        # Data rows already imported by an earlier run of the same job (committed batches):
        # read past, neither imported again nor reported.
        self.resume_after = resume_after
        self.resumed = (resumed_ok, resumed_failed)
        self.summary: ImportSummary | None = None

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
        self.summary = summary
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
                        items=[error_item(p.code, message=p.message) for p in header.problems],
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
        records = source.data()
        for _ in range(self.resume_after):
            if next(records, None) is None:
                break
        summary.processed_rows = self.resume_after
        summary.ok_rows, summary.failed_rows = self.resumed
        chunks = _chunked(records, self.chunk_size)
        if self.all_or_nothing and not self.dry_run:
            with transaction.atomic():
                for chunk in chunks:
                    self._import_chunk(chunk, header, summary, report)
                    if self.on_progress:
                        self.on_progress(summary.processed_rows, summary.total_rows)
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
                elif self.on_progress:
                    # In the batch's transaction: its rows and the count of them commit together.
                    self.on_progress(summary.processed_rows, summary.total_rows)
            if self.dry_run and self.on_progress:
                self.on_progress(summary.processed_rows, summary.total_rows)

    def _import_chunk(
        self,
        chunk: list[Record],
        header: Header,
        summary: ImportSummary,
        report: _ReportWriter,
    ) -> None:
        rows = [map_record(record, header) for record in chunk]
        results: dict[int, RowResult] = {}
        # A row whose cells do not line up with the header is not read, so not checked either.
        for mapped in rows:
            if mapped.unreadable:
                results[mapped.row] = RowResult(
                    mapped.row, ERROR, items=error_items(mapped.errors.as_error())
                )
        readable = [mapped for mapped in rows if not mapped.unreadable]
        created = lead_create_many(
            created_by=self.created_by, import_job=self.job, items=typed_items(readable)
        )
        for mapped, outcome in zip(readable, created, strict=True):
            if outcome.ok:
                results[mapped.row] = RowResult(
                    mapped.row, OK, outcome.lead.pk, list(outcome.warnings)
                )
            else:
                results[mapped.row] = RowResult(mapped.row, ERROR, items=list(outcome.errors))
        for mapped in rows:
            result = results[mapped.row]
            if self.dry_run:
                result.lead_id = None
            summary.processed_rows += 1
            if result.status == OK:
                summary.ok_rows += 1
                summary.warning_rows += bool(result.items)
            else:
                summary.failed_rows += 1
            report.write(result)


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
