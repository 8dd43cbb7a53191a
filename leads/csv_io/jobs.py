"""Import jobs: an uploaded file checked (dry run) or imported by a background task.

The page saves the upload through Django's storage API (``default_storage``: the file system
by default, any django-storages backend by setting), creates an ``ImportJob`` and enqueues
``run_import_job`` once that commits, so any worker on any machine runs it. The page then
polls the job's row, which the worker keeps up to date after each batch.

A worker claims a job with one conditional UPDATE (PENDING to RUNNING, with a token of its
own in ``worker``): of two workers handed the same job, one runs it. While it runs, a thread
of the worker writes the job's heartbeat every third of IMPORT_STALE_SECONDS, also in the
middle of a slow batch, and each batch saves the job's counts only while the job is still the
worker's (same token), in the batch's own transaction: a batch of a worker that lost its job
rolls back.

A non-dry import commits batch by batch, with the count of committed rows. A running job
with no heartbeat for IMPORT_STALE_SECONDS lost its worker: when it is read (its page, its
poll, on any app server) it is put back in the queue, up to IMPORT_MAX_ATTEMPTS runs, and the
next worker goes on after the committed rows: no batch is imported twice and none half. After
the last attempt it is failed and can be retried by hand. A dry run or an all-or-nothing import
runs in one transaction (or rolls each batch back), so it starts again from the top; its
progress between batches also goes to the cache, since the database does not show it to other
readers before the end.

The upload is removed from the storage once the import succeeded, and otherwise
IMPORT_UPLOAD_RETENTION_SECONDS after its last job finished (``uploads_clean``, run by the
workers after each job).
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import socket
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from crm.core.tasks import enqueue

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


def job_create(*, created_by: Any, file_name: str, file_path: str, **options: bool) -> ImportJob:
    """A pending job; ``options``: dry_run, all_or_nothing, ignore_unknown_columns."""
    job = ImportJob(
        created_by=created_by, file_name=file_name[:255], file_path=file_path, **options
    )
    job.save(force_insert=True)
    return job


def job_start(job: ImportJob) -> None:
    """Enqueues the job once the transaction that created it commits (a worker must find it)."""
    job_id = job.pk
    transaction.on_commit(lambda: enqueue(run_import_job, job_id))


def job_retry(job: ImportJob) -> bool:
    """Puts a failed job whose worker died back in the queue, for a new round of attempts;
    False for any other job."""
    updated = ImportJob.objects.filter(
        pk=job.pk, state=ImportJob.State.FAILED, error_code=int(ErrorCode.SERVER_ERROR)
    ).update(
        state=ImportJob.State.PENDING,
        error_code=None,
        error="",
        finished_on=None,
        attempts=0,
        heartbeat_on=timezone.now(),
    )
    if updated:
        job_start(job)
    return bool(updated)


class JobLost(Exception):
    """The job is no longer this run's (it looked dead and went back to the queue)."""


def _worker_token() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _claim(job_id: int) -> ImportJob | None:
    """PENDING to RUNNING in one conditional UPDATE: of two workers handed the job, one gets
    it (None for the other, and for a job that is not pending)."""
    token = _worker_token()
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.PENDING).update(
        state=ImportJob.State.RUNNING,
        attempts=F("attempts") + 1,
        worker=token,
        heartbeat_on=timezone.now(),
    )
    if not claimed:
        return None
    return ImportJob.objects.select_related("created_by").get(pk=job_id)


def _own(job: ImportJob) -> QuerySet[ImportJob]:
    """The job's row while this run still holds it."""
    return ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING, worker=job.worker)


def _unless_locked(rows: QuerySet[ImportJob]) -> QuerySet[ImportJob]:
    """The rows no other transaction is writing (on PostgreSQL): a job row locked by a batch
    or a heartbeat has a live worker."""
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True)
    return rows


def heartbeat_seconds() -> float:
    return max(settings.IMPORT_STALE_SECONDS / 3, 0.1)


class _Heartbeat:
    """A thread writing the job's heartbeat while the job runs, batches slow or not; it stops
    with the run, or when the job is no longer the run's. A worker that dies takes it along."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"import-{job.pk}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                try:
                    with transaction.atomic():
                        # Skipped while the run's own batch holds the row: it shows life then.
                        if _unless_locked(_own(self.job)).values_list("pk").first():
                            _own(self.job).update(heartbeat_on=timezone.now())
                        elif not _own(self.job).exists():
                            return  # the job is no longer this run's
                except DatabaseError:
                    logger.warning("Heartbeat of import job %s not written", self.job.pk)
        finally:
            connection.close()


@task()
def run_import_job(job_id: int) -> None:
    job_run(job_id)


def report_name(job: ImportJob) -> str:
    return f"{IMPORTS}/job-{job.pk}-report.csv"


def _progress_key(job_id: int) -> str:
    return f"leads:import-job:{job_id}:progress"


def job_run(job_id: int, progress_line: Any = None) -> ImportJob:
    """Runs a PENDING job to its end (another job is returned as it is). ``progress_line
    (processed, total)`` is called after each batch, besides the job's row."""
    job = _claim(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    try:
        with _Heartbeat(job):
            _run(job, progress_line)
    except JobLost:
        logger.warning("Import job %s was taken from worker %s", job.pk, job.worker)
        job.refresh_from_db()
    cache.delete(_progress_key(job.pk))
    uploads_clean()
    return job


def _run(job: ImportJob, progress_line: Any) -> None:
    resumes = not job.dry_run and not job.all_or_nothing
    in_one_transaction = job.all_or_nothing and not job.dry_run
    if not resumes:
        job.committed_rows = job.processed_rows = job.ok_rows = job.failed_rows = 0
        _own(job).update(committed_rows=0, processed_rows=0, ok_rows=0, failed_rows=0)
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
        # In a committing batch's transaction: its rows commit only while the job is the run's.
        if not _own(job).update(**counts):
            raise JobLost(job.pk)
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
        chunk_size=settings.IMPORT_BATCH_ROWS,
    )
    with tempfile.TemporaryDirectory(prefix="import-") as work:
        source, report = Path(work) / "upload.csv", Path(work) / "report.csv"
        try:
            with default_storage.open(job.file_path, "rb") as stored, source.open("wb") as out:
                shutil.copyfileobj(stored, out)
            summary = importer.run(source, report)
        except CsvFileError as exc:
            _finish(job, ImportJob.State.FAILED, error_code=exc.code, error=exc.message)
        except JobLost:
            raise
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
            if job.state == ImportJob.State.DONE and not job.dry_run and not summary.rolled_back:
                _remove_upload(job.file_path)


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
    fields = [*FINISH_FIELDS, "state", "error_code", "error", "finished_on"]
    if not _own(job).update(**{name: getattr(job, name) for name in fields}):
        raise JobLost(job.pk)


def job_recover_if_stale(job: ImportJob) -> ImportJob:
    """A job with no sign of life for IMPORT_STALE_SECONDS lost its worker. A running one is
    put back in the queue while it has attempts left (the next worker goes on after its
    committed batches), else failed with the server error's code (it can be retried by hand);
    a pending one no worker took is failed. A live worker's job is left alone: its heartbeat
    is recent, or its row is locked by its batch, and the change is one conditional UPDATE."""
    if job.state in FINISHED:
        return job
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    if _last_sign_of_life(job) >= stale_before:
        return job
    same = ImportJob.objects.filter(pk=job.pk, state=job.state, worker=job.worker).filter(
        Q(heartbeat_on__lt=stale_before) | Q(heartbeat_on=None, created_on__lt=stale_before)
    )
    code = ErrorCode.SERVER_ERROR
    requeue = job.state == ImportJob.State.RUNNING and job.attempts < settings.IMPORT_MAX_ATTEMPTS
    with transaction.atomic():
        changed = _unless_locked(same).values_list("pk").first() and (
            same.update(state=ImportJob.State.PENDING, worker="", heartbeat_on=timezone.now())
            if requeue
            else same.update(
                state=ImportJob.State.FAILED,
                error_code=int(code),
                error=message_for(code),
                finished_on=timezone.now(),
            )
        )
    if changed and requeue:
        logger.warning("Import job %s lost its worker %s: queued again", job.pk, job.worker)
        job_start(job)
    job.refresh_from_db()
    return job


def job_progress(job: ImportJob) -> dict[str, Any]:
    """What the page shows while it polls (from the job's row, or the cache for a job whose
    batches are not committed yet)."""
    job = job_recover_if_stale(job)
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


def _remove_upload(path: str) -> None:
    default_storage.delete(path)
    ImportJob.objects.filter(file_path=path, upload_removed_on=None).update(
        upload_removed_on=timezone.now()
    )


def uploads_clean(*, limit: int = 100) -> int:
    """Removes the uploads whose jobs all finished more than IMPORT_UPLOAD_RETENTION_SECONDS
    ago (a dry run never imported, a failed import); how many it removed."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_UPLOAD_RETENTION_SECONDS)
    in_use = ImportJob.objects.filter(file_path=OuterRef("file_path")).filter(
        Q(finished_on=None) | Q(finished_on__gte=cutoff)
    )
    paths = list(
        ImportJob.objects.filter(upload_removed_on=None, finished_on__lt=cutoff)
        .exclude(Exists(in_use))
        .values_list("file_path", flat=True)
        .distinct()[:limit]
    )
    for path in paths:
        _remove_upload(path)
    return len(paths)
