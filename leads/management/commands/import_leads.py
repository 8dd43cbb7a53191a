"""Import leads from a CSV file, or run an import job started from the import page.

    manage.py import_leads leads.csv --user alice --dry-run
    manage.py import_leads leads.csv --user alice --all-or-nothing --report report.csv
    manage.py import_leads --job 12

Rows go through the same rules and codes as POST /v2/leads. The report has one line per row:
row, status (ok/error/skipped), leadId, codes, messages.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leads.csv_io import CsvFileError, LeadImporter
from leads.csv_io.jobs import job_run
from leads.models import ImportJob


class Command(BaseCommand):
    help = "Import leads from a CSV file (dry run first with --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="The CSV file.")
        parser.add_argument("--user", help="Username of the staff user the leads are created by.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="Import nothing when any row fails.",
        )
        parser.add_argument(
            "--ignore-unknown-columns",
            action="store_true",
            help="Leave unknown columns out instead of refusing the file.",
        )
        parser.add_argument(
            "--report", help="Where to write the per-row report (default: <path>.report.csv)."
        )
        parser.add_argument("--job", type=int, help="Run the import job with this id.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.started = time.monotonic()
        if options["job"] is not None:
            self._run_job(options["job"])
            return
        if not options["path"]:
            raise CommandError("Give a CSV file, or --job.")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = self._user(options["user"])
        report = Path(options["report"] or f"{path}.report.csv")
        importer = LeadImporter(
            created_by=user,
            dry_run=options["dry_run"],
            all_or_nothing=options["all_or_nothing"],
            ignore_unknown_columns=options["ignore_unknown_columns"],
            on_progress=self._progress,
        )
        try:
            summary = importer.run(path, report)
        except CsvFileError as exc:
            raise CommandError(f"{exc.code} {exc.message}") from None
        self._end_progress()
        for problem in summary.header_problems:
            self.stderr.write(f"Header: {problem.code} {problem.message}")
        if summary.refused is not None:
            raise CommandError(
                f"{summary.refused.code} {summary.refused.message}: nothing imported "
                "(fix the header, or use --ignore-unknown-columns). Report: "
                f"{report}"
            )
        verb = "checked (dry run)" if summary.dry_run else "imported"
        if summary.rolled_back:
            verb = "rolled back (all-or-nothing)"
        self.stdout.write(
            f"{summary.processed_rows} rows {verb}: {summary.ok_rows} ok, "
            f"{summary.failed_rows} failed, {summary.skipped_rows} skipped, "
            f"{summary.warning_rows} with warnings; {summary.imported_rows} leads created "
            f"in {time.monotonic() - self.started:.1f} s. Report: {report}"
        )

    def _user(self, username: str | None) -> Any:
        if not username:
            raise CommandError("--user is required: the leads are created by a staff user.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active_staff:
            raise CommandError(f"{username} is no active staff user.")
        return user

    def _run_job(self, job_id: int) -> None:
        if not ImportJob.objects.filter(pk=job_id).exists():
            raise CommandError(f"No import job {job_id}.")
        job = job_run(job_id, progress_line=self._progress)
        self._end_progress()
        self.stdout.write(
            f"Job {job.pk}: {job.state}, {job.processed_rows} rows, {job.ok_rows} ok, "
            f"{job.failed_rows} failed, {job.skipped_rows} skipped"
            + (f"; {job.error_code} {job.error}" if job.error_code else "")
        )

    def _progress(self, processed: int, total: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        percent = processed * 100 // total if total else 100
        line = f"{processed:,} of {total:,} rows ({percent}%) · {processed / elapsed:,.0f} rows/s"
        # One line rewritten in place on a terminal; a line per batch in a log.
        if sys.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="")
            self.stderr.flush()
        else:
            self.stderr.write(line)
        self._progress_shown = True

    def _end_progress(self) -> None:
        if getattr(self, "_progress_shown", False) and sys.stderr.isatty():
            self.stderr.write("")
