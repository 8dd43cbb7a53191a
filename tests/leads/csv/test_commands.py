"""manage.py import_leads (a file, or a job started by the pages) and its progress line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from leads.csv_io import read_report
from leads.csv_io.jobs import job_create, report_name
from leads.models import ImportJob, Lead

from .conftest import csv_text, store


def sample(org) -> str:
    return csv_text(
        [
            ["type", "leadFor", "userId"],
            ["CUSTOM", "Desk", str(org.customer.pk)],
            ["SKU", "NOPE", str(org.customer.pk)],
        ]
    )


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_leads", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_reports_and_writes_nothing(org, manager, write_csv):
    path = write_csv(sample(org))

    out, err = run(str(path), "--user", "manager", "--dry-run")

    assert "2 rows checked (dry run): 1 ok, 1 failed, 0 skipped" in out
    assert "0 leads created" in out
    assert "2 of 2 rows (100%)" in err
    report = list(read_report(f"{path}.report.csv"))
    assert [(line["row"], line["status"], line["codes"]) for line in report] == [
        ("2", "ok", ""),
        ("3", "error", "92016"),
    ]
    assert not Lead.objects.exists()


def test_import_writes_the_valid_rows_and_the_report_where_asked(org, manager, write_csv, tmp_path):
    path = write_csv(sample(org))
    report = tmp_path / "out.csv"

    out, _ = run(str(path), "--user", "manager", "--report", str(report))

    assert "2 rows imported: 1 ok, 1 failed" in out
    lead = Lead.objects.get()
    assert (lead.lead_for, lead.created_by.username) == ("Desk", "manager")
    assert [line["leadId"] for line in read_report(report)] == [str(lead.pk), ""]


def test_all_or_nothing_rolls_back_on_a_failed_row(org, manager, write_csv):
    out, _ = run(str(write_csv(sample(org))), "--user", "manager", "--all-or-nothing")

    assert "rolled back (all-or-nothing): 0 ok, 1 failed, 1 skipped" in out
    assert not Lead.objects.exists()


def test_a_file_that_is_not_csv_stops_the_command_with_90020(org, manager, write_csv):
    with pytest.raises(CommandError, match="90020 The file is not a CSV file: it is a PDF"):
        run(str(write_csv(b"%PDF-1.4\n")), "--user", "manager")


def test_unknown_columns_stop_the_command_unless_left_out(org, manager, write_csv):
    path = write_csv(
        csv_text(
            [
                ["type", "leadFor", "userId", "Comments"],
                ["CUSTOM", "Desk", str(org.customer.pk), "x"],
            ]
        )
    )

    with pytest.raises(CommandError, match="90021 Unknown column Comments: nothing imported"):
        run(str(path), "--user", "manager")
    assert not Lead.objects.exists()

    out, err = run(str(path), "--user", "manager", "--ignore-unknown-columns")

    assert "Header: 90021 Unknown column Comments" in err
    assert "1 rows imported: 1 ok" in out
    assert Lead.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "message"),
    [
        (None, "--user is required"),
        ("nobody", "nobody is no active staff user"),
        ("shopper", "shopper is no active staff user"),
    ],
)
def test_the_leads_are_created_by_an_active_staff_user(org, write_csv, user, message):
    args = [str(write_csv(sample(org)))] + (["--user", user] if user else [])

    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Lead.objects.exists()


def test_a_job_from_the_pages_runs_to_its_end(org, manager, write_csv):
    job = job_create(
        created_by=manager,
        file_name="leads.csv",
        file_path=store(write_csv(sample(org))),
        dry_run=False,
    )

    out, err = run("--job", str(job.pk))

    job.refresh_from_db()
    assert f"Job {job.pk}: DONE, 2 rows, 1 ok, 1 failed, 0 skipped" in out
    assert "2 of 2 rows (100%)" in err
    assert (job.state, job.ok_rows, job.failed_rows, job.report_path) == (
        ImportJob.State.DONE,
        1,
        1,
        report_name(job),
    )
    assert job.finished_on is not None
    assert Lead.objects.get().lead_for == "Desk"
    # A finished job is not run twice.
    run("--job", str(job.pk))
    assert Lead.objects.count() == 1


def test_a_job_whose_file_is_not_csv_fails_with_its_code(org, manager, write_csv):
    job = job_create(
        created_by=manager,
        file_name="x.csv",
        file_path=store(write_csv(b"\x00\x01")),
        dry_run=True,
    )

    out, _ = run("--job", str(job.pk))

    job.refresh_from_db()
    assert (job.state, job.error_code) == (ImportJob.State.FAILED, 90020)
    assert job.error == "The file is not a CSV file: it contains binary data"
    assert "FAILED" in out


def test_an_unknown_job_is_an_error(org):
    with pytest.raises(CommandError, match="No import job 999"):
        run("--job", "999")
