"""Import jobs: an uploaded file checked (dry run) or imported by a background task.

The page saves the upload through Django's storage API (``default_storage``: the file system
by default, any django-storages backend by setting), creates an ``ImportJob`` and enqueues
``run_import_job`` once that commits, so any worker on any machine runs it. The page then
polls the job's row, which the worker keeps up to date after each batch.

A non-dry import commits batch by batch; the job's count of committed rows is saved in the
batch's own transaction. A job whose worker died (no batch reported for IMPORT_STALE_SECONDS)
is failed when read, and a retry starts after the committed rows: no batch is imported twice
and none half. A dry run or an all-or-nothing import runs in one transaction (or rolls each
batch back), so its retry starts again from the top; its progress between batches also goes
to the cache, since the database does not show it to other readers before the end.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..errors import ErrorCode, error_item, message_for
from ..models import ImportJob
from .importer import ERROR, ImportSummary, LeadImporter, read_report
from .reader import CsvFileError

logger = logging.getLogger(__name__)

IMPORTS = "imports"
PREVIEW_ROWS = 200
FINISHED = (ImportJob.State.DONE, ImportJob.State.FAILED)
FINISH_FIELDS = [
    "total_rows",
    "processed_rows",
    "ok_rows",
    "failed_rows",
    "skipped_rows",
    "report_path",
    "preview",
]


def store_upload(upload: UploadedFile) -> str:
    """Saves the upload (read in pieces) in the default storage; returns its storage name."""
    return default_storage.save(f"{IMPORTS}/{uuid.uuid4().hex}.csv", upload)


def job_create(
    *,
    created_by: Any,
    file_name: str,
    file_path: str,
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
    """Enqueues the job once the transaction that created it commits (a worker must find it)."""
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))


def _enqueue(job_id: int) -> None:
    run_import_job.enqueue(job_id)


def job_retry(job: ImportJob) -> bool:
    """Puts a failed job whose worker died back in the queue; False for any other job."""
    updated = ImportJob.objects.filter(
        pk=job.pk, state=ImportJob.State.FAILED, error_code=int(ErrorCode.SERVER_ERROR)
    ).update(state=ImportJob.State.PENDING, error_code=None, error="", finished_on=None)
    if updated:
        job_start(job)
    return bool(updated)


@task()
def run_import_job(job_id: int) -> None:
    job_run(job_id)


def report_name(job: ImportJob) -> str:
    return f"{IMPORTS}/job-{job.pk}-report.csv"


def _progress_key(job_id: int) -> str:
    return f"leads:import-job:{job_id}:progress"


def job_run(job_id: int, progress_line: Any = None) -> ImportJob:
    """Runs a PENDING job to its end. ``progress_line(processed, total)`` is called after
    each batch, besides the job's row."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportJob.State.PENDING:
        return job
    job.state = ImportJob.State.RUNNING
    job.heartbeat_on = timezone.now()
    resumes = not job.dry_run and not job.all_or_nothing
    in_one_transaction = job.all_or_nothing and not job.dry_run
    if not resumes:
        job.committed_rows = job.processed_rows = job.ok_rows = job.failed_rows = 0
    job.save()
    importer: LeadImporter

    def on_progress(processed: int, total: int) -> None:
        summary = importer.summary
        now = timezone.now()
        counts = {
            "processed_rows": processed,
            "total_rows": total,
            "ok_rows": summary.ok_rows if summary else 0,
            "failed_rows": summary.failed_rows if summary else 0,
            "heartbeat_on": now,
        }
        if resumes:
            counts["committed_rows"] = processed
        ImportJob.objects.filter(pk=job.pk).update(**counts)
        if in_one_transaction:
            # Other readers see the row's update only at the end: the cache tells them now.
            cache.set(_progress_key(job.pk), {"processed": processed, "total": total, "at": now})
        if progress_line:
            progress_line(processed, total)

    importer = LeadImporter(
        created_by=job.created_by,
        dry_run=job.dry_run,
        all_or_nothing=job.all_or_nothing,
        ignore_unknown_columns=job.ignore_unknown_columns,
        on_progress=on_progress,
        job=job,
        resume_after=job.committed_rows if resumes else 0,
        resumed_ok=job.ok_rows if resumes else 0,
        resumed_failed=job.failed_rows if resumes else 0,
    )
    with tempfile.TemporaryDirectory(prefix="import-") as work:
        source, report = Path(work) / "upload.csv", Path(work) / "report.csv"
        try:
            with default_storage.open(job.file_path, "rb") as stored, source.open("wb") as out:
                shutil.copyfileobj(stored, out)
            summary = importer.run(source, report)
        except CsvFileError as exc:
            _finish(job, ImportJob.State.FAILED, error_code=exc.code, error=exc.message)
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            code = ErrorCode.SERVER_ERROR
            _finish(job, ImportJob.State.FAILED, error_code=int(code), error=message_for(code))
        else:
            job.preview = _preview(report, summary)
            with report.open("rb") as file:
                default_storage.delete(report_name(job))
                job.report_path = default_storage.save(report_name(job), File(file))
            _finish_with(job, summary)
    cache.delete(_progress_key(job.pk))
    return job


def _preview(report: Path, summary: ImportSummary) -> dict[str, Any]:
    """What the job page shows without reading the whole report: the header's problems and
    the first refused rows."""
    rows = []
    for line in read_report(report):
        if line["status"] == ERROR and int(line["row"]) != summary.header_row:
            rows.append(line)
            if len(rows) >= PREVIEW_ROWS:
                break
    header = [error_item(p.code, message=p.message) for p in summary.header_problems]
    return {
        "header": header,
        "headerBlocks": any(not p.ignorable for p in summary.header_problems),
        "headerIgnorable": any(p.ignorable for p in summary.header_problems),
        "warningRows": summary.warning_rows,
        "rolledBack": summary.rolled_back,
        "rows": rows,
    }


def job_preview(job: ImportJob) -> dict[str, Any]:
    return job.preview or {}


def _finish_with(job: ImportJob, summary: ImportSummary) -> None:
    job.total_rows = summary.total_rows
    job.processed_rows = summary.processed_rows
    job.ok_rows = summary.ok_rows
    job.failed_rows = summary.failed_rows
    job.skipped_rows = summary.skipped_rows
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
    if state == ImportJob.State.FAILED and not job.dry_run and not job.all_or_nothing:
        # Keeps the batches the worker committed (and their count) for a retry.
        job.refresh_from_db(fields=["committed_rows", "processed_rows", "ok_rows", "failed_rows"])
    job.state = state
    job.error_code = error_code
    job.error = error
    job.finished_on = timezone.now()
    # The committed rows and the heartbeat are the batches' to write.
    job.save(update_fields=[*FINISH_FIELDS, "state", "error_code", "error", "finished_on"])


def job_fail_if_stale(job: ImportJob) -> ImportJob:
    """A pending or running job with no sign of life for IMPORT_STALE_SECONDS lost its worker:
    it is failed (with the server error's code) and can be retried."""
    if job.state in FINISHED:
        return job
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    if _last_sign_of_life(job) >= stale_before:
        return job
    code = ErrorCode.SERVER_ERROR
    ImportJob.objects.filter(pk=job.pk, state=job.state).filter(
        **({"heartbeat_on__lt": stale_before} if job.heartbeat_on else {"heartbeat_on": None})
    ).update(
        state=ImportJob.State.FAILED,
        error_code=int(code),
        error=message_for(code),
        finished_on=timezone.now(),
    )
    job.refresh_from_db()
    return job


def job_progress(job: ImportJob) -> dict[str, Any]:
    """What the page shows while it polls (from the job's row, or the cache for a job whose
    batches are not committed yet)."""
    job = job_fail_if_stale(job)
    processed, total = job.processed_rows, job.total_rows
    if job.state not in FINISHED:
        cached = cache.get(_progress_key(job.pk)) or {}
        if cached.get("processed", 0) > processed:
            processed, total = cached["processed"], cached.get("total", total)
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
        "finished": job.state in FINISHED,
        # Failed because its worker stopped: a retry goes on from its last committed batch.
        "stalled": job.state == ImportJob.State.FAILED
        and job.error_code == int(ErrorCode.SERVER_ERROR),
        "error": error_item(job.error_code, message=job.error) if job.error_code else None,
    }


def _last_sign_of_life(job: ImportJob) -> datetime.datetime:
    moments = [job.heartbeat_on or job.created_on]
    cached = cache.get(_progress_key(job.pk)) or {}
    if cached.get("at") and job.all_or_nothing and not job.dry_run:
        moments.append(cached["at"])
    return max(moments)
