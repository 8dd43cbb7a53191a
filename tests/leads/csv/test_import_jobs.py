"""Import jobs as tasks: the upload read from the default storage, progress kept in the job's
row after each batch, and a job whose worker died put back in the queue when read (failed after
its last attempt, then retried by hand), going on from its last committed batch (none imported
twice, none half)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from leads.csv_io import importer, jobs
from leads.models import ImportJob, Lead

from .conftest import stored_job


class WorkerDied(BaseException):
    """What a killed worker looks like from the job: it stops between two batches."""


def test_the_task_reads_the_upload_from_storage_and_keeps_progress_in_the_job(
    org, manager, monkeypatch
):
    job = stored_job(org, manager, 2500, dry_run=False)
    seen: list[tuple[int, int, int]] = []
    batch = importer.LeadImporter._import_chunk

    def watched(self, *args):
        batch(self, *args)
        row = ImportJob.objects.get(pk=job.pk)
        seen.append((row.processed_rows, row.committed_rows, row.total_rows))

    monkeypatch.setattr(importer.LeadImporter, "_import_chunk", watched)

    jobs.run_import_job.call(job.pk)

    job.refresh_from_db()
    # Each batch's row is read before its progress is saved: it shows the batch before.
    assert seen == [(0, 0, 2500), (1000, 1000, 2500), (2000, 2000, 2500)]
    assert (job.state, job.processed_rows, job.committed_rows, job.ok_rows) == (
        ImportJob.State.DONE,
        2500,
        2500,
        2500,
    )
    assert job.heartbeat_on is not None
    assert Lead.objects.filter(import_job=job).count() == 2500
    assert job.preview["rows"] == []


def dies_in_the_second_batch(monkeypatch) -> None:
    batch = importer.LeadImporter._import_chunk
    calls = []

    def dies(self, chunk, *args):
        calls.append(len(chunk))
        if len(calls) == 2:
            # Half of the batch is written, then the worker is gone.
            batch(self, chunk[:500], *args)
            raise WorkerDied
        batch(self, chunk, *args)

    monkeypatch.setattr(importer.LeadImporter, "_import_chunk", dies)
    yield
    monkeypatch.setattr(importer.LeadImporter, "_import_chunk", batch)


def run_until_the_worker_dies(job, monkeypatch) -> None:
    with contextmanager(dies_in_the_second_batch)(monkeypatch), pytest.raises(WorkerDied):
        jobs.job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.committed_rows, job.attempts) == (ImportJob.State.RUNNING, 1000, 1)
    assert Lead.objects.count() == 1000  # the half batch rolled back
    assert jobs.job_progress(job)["state"] == "RUNNING"  # not silent for long yet
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_on=timezone.now() - timedelta(minutes=2))
    job.refresh_from_db()


def assert_imported_once(job, rows: int) -> None:
    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.ok_rows, job.failed_rows) == (
        ImportJob.State.DONE,
        rows,
        rows,
        0,
    )
    assert Lead.objects.filter(import_job=job).count() == rows
    names = list(Lead.objects.values_list("lead_for", flat=True))
    assert len(names) == len(set(names)) == rows


def test_a_dead_workers_job_is_queued_again_when_read_and_goes_on_after_its_batches(
    org, manager, monkeypatch, settings
):
    settings.IMPORT_STALE_SECONDS = 60
    job = stored_job(org, manager, 2500, dry_run=False)
    run_until_the_worker_dies(job, monkeypatch)
    first_worker = job.worker

    # Read: queued again, and (the tests' immediate backend) run by the next worker at once.
    status = jobs.job_progress(job)

    assert (status["state"], status["stalled"], status["error"]) == ("DONE", False, None)
    assert_imported_once(job, 2500)
    assert job.attempts == 2
    assert job.worker != first_worker
    assert jobs.job_retry(job) is False


def test_after_its_last_attempt_a_dead_workers_job_is_failed_and_a_retry_imports_the_rest_once(
    org, manager, monkeypatch, settings
):
    settings.IMPORT_STALE_SECONDS = 60
    settings.IMPORT_MAX_ATTEMPTS = 1
    job = stored_job(org, manager, 2500, dry_run=False)
    run_until_the_worker_dies(job, monkeypatch)

    status = jobs.job_progress(job)
    assert (status["state"], status["stalled"], status["error"]["code"]) == ("FAILED", True, 90500)
    assert Lead.objects.count() == 1000

    assert jobs.job_retry(job) is True

    assert_imported_once(job, 2500)
    assert job.attempts == 1  # a new round
    assert jobs.job_retry(job) is False


def test_a_dry_run_queued_again_starts_again_from_the_first_row(
    org, manager, monkeypatch, settings
):
    settings.IMPORT_STALE_SECONDS = 60
    job = stored_job(org, manager, 1500, dry_run=True)
    batch = importer.LeadImporter._import_chunk
    calls = []

    def dies_in_the_second_batch(self, *args):
        calls.append(1)
        if len(calls) == 2:
            raise WorkerDied
        batch(self, *args)

    monkeypatch.setattr(importer.LeadImporter, "_import_chunk", dies_in_the_second_batch)
    with pytest.raises(WorkerDied):
        jobs.job_run(job.pk)
    monkeypatch.setattr(importer.LeadImporter, "_import_chunk", batch)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_on=timezone.now() - timedelta(minutes=2))
    job.refresh_from_db()

    assert jobs.job_recover_if_stale(job).state == ImportJob.State.DONE

    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.ok_rows) == (ImportJob.State.DONE, 1500, 1500)
    assert job.attempts == 2
    assert not Lead.objects.exists()
