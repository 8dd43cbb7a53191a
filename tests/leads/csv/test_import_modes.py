"""Dry run, partial import, all-or-nothing, refused headers, and a large file read in
batches."""

from __future__ import annotations

import tracemalloc

from customers.models import Customer
from leads.csv_io import LeadImporter, read_report
from leads.errors import ErrorCode
from leads.models import Lead

from .conftest import codes_of, messages_of


def mixed_rows(org) -> list[list[str]]:
    return [
        ["type", "leadFor", "userId", "idType", "identifier", "status"],
        ["CUSTOM", "Desk", str(org.customer.pk), "", "", ""],
        ["SKU", "NOPE", str(org.customer.pk), "", "", ""],
        ["CUSTOM", "Chair", "", "MOBILE", "9820000010", "ON_HOLD"],
        ["CUSTOM", "", str(org.customer.pk), "", "", "PENDING"],
    ]


def test_dry_run_reports_every_row_and_writes_nothing(org, write_csv, run_import):
    customers = Customer.objects.count()

    summary, report = run_import(write_csv(mixed_rows(org)), dry_run=True)

    assert [(line["row"], line["status"], line["leadId"]) for line in report] == [
        ("2", "ok", ""),
        ("3", "error", ""),
        ("4", "ok", ""),
        ("5", "error", ""),
    ]
    assert codes_of(report[1]) == [ErrorCode.INVALID_SKU]
    assert codes_of(report[3]) == [ErrorCode.LEAD_FOR_NULL, ErrorCode.INVALID_LEAD_STATUS]
    assert (summary.ok_rows, summary.failed_rows, summary.imported_rows) == (2, 2, 0)
    assert not Lead.objects.exists()
    assert Customer.objects.count() == customers


def test_valid_rows_are_imported_when_others_fail(org, write_csv, run_import):
    summary, report = run_import(write_csv(mixed_rows(org)), dry_run=False)

    assert [line["status"] for line in report] == ["ok", "error", "ok", "error"]
    imported = {int(line["leadId"]) for line in report if line["status"] == "ok"}
    assert set(Lead.objects.values_list("pk", flat=True)) == imported
    assert sorted(Lead.objects.values_list("lead_for", flat=True)) == ["Chair", "Desk"]
    assert Customer.objects.filter(mobile="+919820000010").exists()
    assert (summary.ok_rows, summary.failed_rows, summary.imported_rows) == (2, 2, 2)


def test_all_or_nothing_imports_nothing_when_a_row_fails(org, write_csv, run_import):
    customers = Customer.objects.count()

    summary, report = run_import(write_csv(mixed_rows(org)), dry_run=False, all_or_nothing=True)

    assert [(line["status"], line["leadId"]) for line in report] == [
        ("skipped", ""),
        ("error", ""),
        ("skipped", ""),
        ("error", ""),
    ]
    assert messages_of(report[0]) == [
        "Not imported: another row failed and the import is all-or-nothing"
    ]
    assert codes_of(report[1]) == [ErrorCode.INVALID_SKU]
    assert summary.rolled_back
    assert (summary.ok_rows, summary.skipped_rows, summary.failed_rows) == (0, 2, 2)
    assert not Lead.objects.exists()
    assert Customer.objects.count() == customers


def test_all_or_nothing_imports_everything_when_every_row_passes(org, write_csv, run_import):
    rows = [row for row in mixed_rows(org) if row[1] not in ("NOPE", "")]

    summary, report = run_import(write_csv(rows), dry_run=False, all_or_nothing=True)

    assert [line["status"] for line in report] == ["ok", "ok"]
    assert not summary.rolled_back
    assert Lead.objects.count() == 2


def test_unknown_columns_stop_the_import_unless_left_out(org, write_csv, run_import):
    path = write_csv(
        [
            ["type", "leadFor", "userId", "Comments"],
            ["CUSTOM", "Desk", str(org.customer.pk), "after 6pm"],
        ]
    )

    refused, report = run_import(path, dry_run=False)

    assert refused.refused.code == ErrorCode.UNKNOWN_CSV_COLUMN
    assert [line["row"] for line in report] == ["1"]
    assert not Lead.objects.exists()

    imported, report = run_import(path, dry_run=False, ignore_unknown_columns=True)

    assert imported.refused is None
    assert [(line["row"], line["status"]) for line in report] == [("1", "skipped"), ("2", "ok")]
    assert messages_of(report[0]) == ["Unknown column Comments"]
    assert Lead.objects.get().lead_for == "Desk"


def test_a_duplicated_column_stops_the_import_even_with_unknown_columns_left_out(
    org, write_csv, run_import
):
    path = write_csv([["type", "leadFor", "leadFor", "userId"], ["CUSTOM", "a", "b", "1"]])

    summary, _ = run_import(path, dry_run=False, ignore_unknown_columns=True)

    assert summary.refused.code == ErrorCode.DUPLICATE_CSV_COLUMN
    assert not Lead.objects.exists()


def test_a_large_file_is_read_and_written_in_batches(org, manager, write_csv, tmp_path):
    """5001 rows in batches of 1000, with progress after each."""

    rows = [["type", "leadFor", "idType", "identifier", "firstName", "notes", "ef_budget"]]
    for n in range(5000):
        identifier = f"97{n % 2500:08d}"  # each customer twice: registered, then found
        rows.append(["CUSTOM", f"Item {n}", "MOBILE", identifier, f"N{n}", "a\nb", str(n)])
    rows.append(["SKU", "NOPE", "MOBILE", "9700000001", "", "", ""])
    progress: list[tuple[int, int]] = []

    importer = LeadImporter(
        created_by=manager, dry_run=False, on_progress=lambda *p: progress.append(p)
    )
    summary = importer.run(write_csv(rows), tmp_path / "report.csv")

    assert progress == [
        (0, 5001),
        (1000, 5001),
        (2000, 5001),
        (3000, 5001),
        (4000, 5001),
        (5000, 5001),
        (5001, 5001),
    ]
    assert (summary.ok_rows, summary.failed_rows) == (5000, 1)
    assert Lead.objects.count() == 5000
    assert Customer.objects.filter(mobile__startswith="+9197").count() == 2500
    report = list(read_report(tmp_path / "report.csv"))
    assert len(report) == 5001
    assert report[-1]["row"] == "5002"
    assert codes_of(report[-1]) == [ErrorCode.INVALID_SKU]


def test_memory_does_not_grow_with_the_file(org, manager, write_csv, tmp_path):
    """The file is streamed and the report written as rows go: importing six times the rows
    takes about the same memory at its peak (rows held in memory would take six times as much)."""

    def peak(count: int) -> int:
        rows = [["type", "leadFor", "userId", "notes"]] + [
            ["CUSTOM", f"Item {n}", str(org.customer.pk), "x" * 200] for n in range(count)
        ]
        path = write_csv(rows)
        importer = LeadImporter(created_by=manager, dry_run=True, chunk_size=250)
        tracemalloc.start()
        try:
            importer.run(path, tmp_path / f"report-{count}.csv")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(500), peak(3000)

    assert large < small * 2
