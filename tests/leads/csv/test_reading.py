"""Reading a CSV file as spreadsheets write it: encodings, delimiters, quoted newlines, blank
lines, header names, and the coded refusals of what is not a CSV file of leads."""

from __future__ import annotations

import codecs

import pytest

from leads.csv_io import CsvFileError
from leads.csv_io.columns import guard_formula, unguard_formula
from leads.csv_io.reader import CsvSource
from leads.errors import ErrorCode
from leads.models import Lead

from .conftest import codes_of, csv_text, messages_of

ROWS = [
    ["type", "leadFor", "idType", "identifier", "notes"],
    ["CUSTOM", "Café table", "MOBILE", "9876543210", "Señora Müller"],
    ["CUSTOM", "Crème brûlée set", "EMAIL", "asha@example.com", "€ 20 off"],
]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),  # Excel's "CSV UTF-8"
        ("cp1252", b""),  # Excel's plain "CSV" on Windows
        ("utf-16-le", codecs.BOM_UTF16_LE),  # Excel's "Unicode text"
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "utf-16 with BOM"],
)
def test_each_encoding_reads_the_same_text(org, write_csv, run_import, encoding, prefix):
    delimiter = "\t" if encoding.startswith("utf-16") else ","
    path = write_csv(prefix + csv_text(ROWS, delimiter).encode(encoding))

    summary, report = run_import(path, dry_run=False)

    assert [line["status"] for line in report] == ["ok", "ok"]
    assert summary.header_problems == []
    leads = Lead.objects.order_by("id")
    assert [lead.lead_for for lead in leads] == ["Café table", "Crème brûlée set"]
    assert [lead.status_logs.get().notes for lead in leads] == ["Señora Müller", "€ 20 off"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_delimiter_is_detected(org, write_csv, run_import, delimiter):
    rows = [*ROWS, ["CUSTOM", "Sofa, 3 seats; grey", "MOBILE", "9876543210", ""]]
    path = write_csv(rows, delimiter=delimiter)

    assert CsvSource.open(path).delimiter == delimiter
    summary, _ = run_import(path, dry_run=False)

    assert summary.ok_rows == 3
    assert Lead.objects.filter(lead_for="Sofa, 3 seats; grey").exists()


def test_quoted_fields_keep_newlines_and_quotes_and_rows_count_as_in_a_spreadsheet(
    org, write_csv, run_import
):
    text = (
        "type,leadFor,userId,notes\r\n"
        f'CUSTOM,"Lamp ""Arc""",{org.customer.pk},"first line\r\nsecond line"\r\n'
        f"CUSTOM,,{org.customer.pk},\r\n"
    )
    path = write_csv(text)

    _, report = run_import(path, dry_run=False)

    # The quoted newline does not start a row: the refused row is the spreadsheet's row 3.
    assert [(line["row"], line["status"]) for line in report] == [("2", "ok"), ("3", "error")]
    lead = Lead.objects.get()
    assert lead.lead_for == 'Lamp "Arc"'
    assert lead.status_logs.get().notes == "first line\r\nsecond line"


def test_blank_lines_and_rows_of_empty_cells_are_skipped_but_keep_their_row_numbers(
    org, write_csv, run_import
):
    text = (
        "\r\n"
        "type,leadFor,userId\r\n"
        "\r\n"
        f"CUSTOM,Desk,{org.customer.pk}\r\n"
        ",,\r\n"
        "   \r\n"
        f"CUSTOM,,{org.customer.pk}\r\n"
        "\r\n"
    )
    path = write_csv(text)

    summary, report = run_import(path, dry_run=False)

    assert summary.total_rows == 2
    assert [(line["row"], line["status"]) for line in report] == [("4", "ok"), ("7", "error")]
    assert Lead.objects.get().lead_for == "Desk"


def test_header_names_are_matched_without_regard_to_case_or_spaces(org, write_csv, run_import):
    path = write_csv(
        [
            [" Type ", "LEADFOR", "userid", "ef_budget"],
            ["CUSTOM", "Desk", str(org.customer.pk), "5"],
        ]
    )

    summary, report = run_import(path, dry_run=False)

    assert summary.header_problems == []
    assert report[0]["status"] == "ok"
    assert Lead.objects.get().extended_fields == {"budget": 5}


def test_unknown_columns_are_reported_on_the_header_row_not_dropped(org, write_csv, run_import):
    path = write_csv(
        [
            ["type", "leadFor", "userId", "Comments", "ef_colour", ""],
            ["CUSTOM", "Desk", str(org.customer.pk), "call after 6", "red", "stray"],
        ]
    )

    summary, report = run_import(path, dry_run=True)

    assert [p.code for p in summary.header_problems] == [
        ErrorCode.UNKNOWN_CSV_COLUMN,
        ErrorCode.UNKNOWN_EXTENDED_FIELD,
        ErrorCode.UNKNOWN_CSV_COLUMN,
    ]
    header_line = report[0]
    assert (header_line["row"], header_line["status"]) == ("1", "error")
    assert messages_of(header_line) == [
        "Unknown column Comments",
        "Unknown extended field colour",
        "Unknown column 6 (no name)",
    ]
    assert report[1]["status"] == "ok"


def test_unnamed_columns_without_values_are_not_reported(org, write_csv, run_import):
    path = write_csv(f"type,leadFor,userId,,\r\nCUSTOM,Desk,{org.customer.pk},,\r\n")

    summary, report = run_import(path, dry_run=False)

    assert summary.header_problems == []
    assert [line["status"] for line in report] == ["ok"]


def test_a_column_named_twice_is_90023(org, write_csv, run_import):
    path = write_csv([["type", "leadFor", "LeadFor", "userId"], ["CUSTOM", "a", "b", "1"]])

    summary, report = run_import(path, dry_run=True)

    assert [p.code for p in summary.header_problems] == [ErrorCode.DUPLICATE_CSV_COLUMN]
    assert messages_of(report[0]) == ["Column leadFor appears more than once"]


NOT_CSV = {
    "empty": (b"", "the file is empty"),
    "only blank lines": (b"\r\n\r\n  \r\n", "it has no header row"),
    "an Excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "it is a ZIP archive"),
    "an old Excel file": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "Office document"),
    "a PDF": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "it is a PDF document"),
    "binary data": (b"type,leadFor\n\x00\x01\x02\x03", "it contains binary data"),
    "neither UTF-8 nor Windows-1252": (
        b"type,leadFor\r\nCUSTOM,\x81\x8d\x8f\x90\x9d\r\n",
        "neither UTF-8 nor Windows-1252",
    ),
    "an unclosed quote": (
        b'type,leadFor\r\nCUSTOM,"Desk\r\nCUSTOM,Chair\r\n',
        "unexpected end of data",
    ),
    "text after a closing quote": (b'type,leadFor\r\nCUSTOM,"Desk"x\r\n', "line 2"),
    "a field too large": (b"type,leadFor\r\nCUSTOM," + b"x" * 70_000 + b"\r\n", "line 2"),
}


@pytest.mark.parametrize(("content", "reason"), NOT_CSV.values(), ids=NOT_CSV.keys())
def test_a_file_that_is_not_csv_is_refused_with_90020_before_anything_is_written(
    org, write_csv, run_import, content, reason
):
    path = write_csv(content)

    with pytest.raises(CsvFileError) as refused:
        run_import(path, dry_run=False)

    assert refused.value.code == ErrorCode.NOT_CSV
    assert refused.value.message.startswith("The file is not a CSV file: ")
    assert reason in refused.value.message
    assert not Lead.objects.exists()


def test_a_broken_quote_late_in_the_file_refuses_the_whole_file(org, write_csv, run_import):
    good = [f"CUSTOM,Desk {n},{org.customer.pk}" for n in range(3000)]
    path = write_csv("type,leadFor,userId\r\n" + "\r\n".join(good) + '\r\nCUSTOM,"Desk"x,1\r\n')

    with pytest.raises(CsvFileError) as refused:
        run_import(path, dry_run=False)

    assert refused.value.code == ErrorCode.NOT_CSV
    assert "line 3002" in refused.value.message
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("+919876543210", "+919876543210"),
        ("-5", "-5"),
        ("'quoted'", "'quoted'"),
        ("Plain text", "Plain text"),
    ],
)
def test_formulas_are_guarded_on_export_and_restored_on_import(value, written):
    assert guard_formula(value) == written
    assert unguard_formula(written) == value


def test_every_row_with_too_few_cells_reads_the_missing_ones_as_blank(org, write_csv, run_import):
    path = write_csv(f"type,leadFor,userId,status,owner\r\nCUSTOM,Desk,{org.customer.pk}\r\n")

    _, report = run_import(path, dry_run=False)

    assert report[0]["status"] == "ok"
    lead = Lead.objects.get()
    assert (lead.status, lead.owner) == ("OPEN", None)
    assert codes_of(report[0]) == []
