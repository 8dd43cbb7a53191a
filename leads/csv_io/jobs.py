"""Import jobs: an uploaded file checked (dry run) or imported in the background.

The page stores the upload under ``MEDIA_ROOT/imports/``, creates an ``ImportJob`` and starts
``manage.py import_leads --job <id>`` as a detached process, so that a long import outlives
the web request (and works the same under gunicorn). The page then polls the job.

Progress goes to a small JSON file next to the upload rather than to the job's row: a dry run
or an all-or-nothing import runs in one database transaction, whose writes nobody else sees
until it ends.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from ..errors import ErrorCode, error_item, message_for
from ..models import ImportJob
from .importer import ERROR, ImportSummary, LeadImporter, read_report
from .reader import CsvFileError

logger = logging.getLogger(__name__)


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store_upload(upload: UploadedFile) -> Path:
    """Copies the upload (held in a temporary file when large) in pieces."""
    directory = imports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.csv"
    with path.open("wb") as out:
        for piece in upload.chunks():
            out.write(piece)
    return path


def job_create(
    *,
    created_by: Any,
    file_name: str,
    file_path: Path | str,
    dry_run: bool,
    all_or_nothing: bool = False,
    ignore_unknown_columns: bool = False,
) -> ImportJob:
    return ImportJob.objects.create(
        created_by=created_by,
        file_name=file_name[:255],
        file_path=str(file_path),
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        ignore_unknown_columns=ignore_unknown_columns,
    )


def job_start(job: ImportJob) -> None:
    """Runs the job in a detached process (or, with LEADS_IMPORT_IN_BACKGROUND off, here)."""
    if not settings.LEADS_IMPORT_IN_BACKGROUND:
        job_run(job.pk)
        return
    log = (imports_dir() / f"job-{job.pk}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "import_leads"]
        + ["--job", str(job.pk)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
    )
    log.close()
    # Reaps the child when it ends, so that no zombie is left behind the web worker.
    threading.Thread(target=process.wait, daemon=True).start()


def report_path(job: ImportJob) -> Path:
    return imports_dir() / f"job-{job.pk}-report.csv"


def progress_path(job: ImportJob) -> Path:
    return imports_dir() / f"job-{job.pk}.progress.json"


def preview_path(job: ImportJob) -> Path:
    return imports_dir() / f"job-{job.pk}.preview.json"


PREVIEW_ROWS = 200
STALLED_AFTER = datetime.timedelta(minutes=5)


def job_run(job_id: int, progress_line: Any = None) -> ImportJob:
    """Runs a PENDING job to its end. ``progress_line(processed, total)`` is called after
    each batch, besides the progress file."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportJob.State.PENDING:
        return job
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    imports_dir().mkdir(parents=True, exist_ok=True)
    progress = progress_path(job)

    def on_progress(processed: int, total: int) -> None:
        _write_json(progress, {"processed": processed, "total": total})
        if progress_line:
            progress_line(processed, total)

    importer = LeadImporter(
        created_by=job.created_by,
        dry_run=job.dry_run,
        all_or_nothing=job.all_or_nothing,
        ignore_unknown_columns=job.ignore_unknown_columns,
        on_progress=on_progress,
        job=job,
    )
    try:
        summary = importer.run(job.file_path, report_path(job))
    except CsvFileError as exc:
        _finish(job, ImportJob.State.FAILED, error_code=exc.code, error=exc.message)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        code = ErrorCode.SERVER_ERROR
        _finish(job, ImportJob.State.FAILED, error_code=int(code), error=message_for(code))
    else:
        _write_preview(job, summary)
        _finish_with(job, summary)
    progress.unlink(missing_ok=True)
    return job


def _write_preview(job: ImportJob, summary: ImportSummary) -> None:
    """What the job page shows without reading the whole report: the header's problems and
    the first refused rows."""
    rows = []
    for line in read_report(report_path(job)):
        if line["status"] == ERROR and int(line["row"]) != summary.header_row:
            rows.append(line)
            if len(rows) >= PREVIEW_ROWS:
                break
    header = [error_item(p.code, message=p.message) for p in summary.header_problems]
    _write_json(
        preview_path(job),
        {
            "header": header,
            "headerBlocks": any(not p.ignorable for p in summary.header_problems),
            "headerIgnorable": any(p.ignorable for p in summary.header_problems),
            "warningRows": summary.warning_rows,
            "rolledBack": summary.rolled_back,
            "rows": rows,
        },
    )


def job_preview(job: ImportJob) -> dict[str, Any]:
    return _read_json(preview_path(job))


def _finish_with(job: ImportJob, summary: ImportSummary) -> None:
    job.total_rows = summary.total_rows
    job.processed_rows = summary.processed_rows
    job.ok_rows = summary.ok_rows
    job.failed_rows = summary.failed_rows
    job.skipped_rows = summary.skipped_rows
    job.report_path = str(report_path(job))
    if summary.refused is not None:
        _finish(
            job,
            ImportJob.State.FAILED,
            error_code=summary.refused.code,
            error=summary.refused.message,
        )
    else:
        _finish(job, ImportJob.State.DONE)


def _finish(job: ImportJob, state: str, error_code: int | None = None, error: str = "") -> None:
    job.state = state
    job.error_code = error_code
    job.error = error
    job.finished_on = timezone.now()
    job.save()


def job_progress(job: ImportJob) -> dict[str, Any]:
    """What the page shows while it polls."""
    processed, total = job.processed_rows, job.total_rows
    stalled = False
    if job.state in (ImportJob.State.PENDING, ImportJob.State.RUNNING):
        data = _read_json(progress_path(job))
        processed, total = data.get("processed", 0), data.get("total", 0)
        # A batch takes seconds: a job silent for minutes has lost its process.
        stalled = timezone.now() - _last_sign_of_life(job) > STALLED_AFTER
    return {
        "id": job.pk,
        "state": job.state,
        "dryRun": job.dry_run,
        "allOrNothing": job.all_or_nothing,
        "processedRows": processed,
        "totalRows": total,
        "okRows": job.ok_rows,
        "failedRows": job.failed_rows,
        "skippedRows": job.skipped_rows,
        "finished": job.state in (ImportJob.State.DONE, ImportJob.State.FAILED),
        "stalled": stalled,
        "error": error_item(job.error_code, message=job.error) if job.error_code else None,
    }


def _last_sign_of_life(job: ImportJob) -> datetime.datetime:
    try:
        touched = progress_path(job).stat().st_mtime
    except OSError:
        return job.created_on
    return max(job.created_on, datetime.datetime.fromtimestamp(touched, tz=datetime.UTC))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    # Written aside and renamed: a reader never sees half a file.
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
