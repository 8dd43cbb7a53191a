"""Import jobs under several workers: a job is claimed by one worker only, a slow worker that
is alive keeps its job, a worker that lost its job commits no more batches, and uploads leave
the storage once they are no longer needed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from leads.csv_io import importer, jobs
from leads.models import ImportJob, Lead
from tests.workers import at_once, needs_reachable_database

from .conftest import stored_job


def in_the_first_batch(monkeypatch, action) -> list[object]:
    """Runs ``action()`` in the middle of the import's first batch; what it returned."""
    batch = importer.LeadImporter._import_chunk
    seen: list[object] = []

    def watched(self, *args):
        batch(self, *args)
        if not seen:
            seen.append(action())

    monkeypatch.setattr(importer.LeadImporter, "_import_chunk", watched)
    return seen


def test_a_job_handed_to_a_second_worker_while_it_runs_is_not_run_again(org, manager, monkeypatch):
    job = stored_job(org, manager, 1500, dry_run=False)
    second = in_the_first_batch(monkeypatch, lambda: jobs.job_run(job.pk).state)

    jobs.run_import_job.call(job.pk)
    jobs.run_import_job.call(job.pk)  # and once more after the end

    job.refresh_from_db()
    assert second == [ImportJob.State.RUNNING]
    assert (job.state, job.attempts, job.ok_rows) == (ImportJob.State.DONE, 1, 1500)
    assert Lead.objects.filter(import_job=job).count() == 1500


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_starting_the_same_job_at_once_run_it_once(org, manager):
    needs_reachable_database()
    job = stored_job(org, manager, 1200, dry_run=False)

    outcomes = at_once(lambda: jobs.job_run(job.pk).worker)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.ok_rows) == (ImportJob.State.DONE, 1, 1200)
    assert Lead.objects.filter(import_job=job).count() == 1200
    # One ran it; the other found it taken (by the same worker token): one attempt.
    assert outcomes == [job.worker, job.worker]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_slow_batch_of_a_live_worker_keeps_its_job(org, manager, monkeypatch, settings):
    """The heartbeat goes on in the middle of a batch longer than IMPORT_STALE_SECONDS: the
    page's poll (another connection, as on another app server) sees a running job, and a
    second worker handed the job leaves it."""
    needs_reachable_database()
    settings.IMPORT_STALE_SECONDS = 1
    job = stored_job(org, manager, 1500, dry_run=False)
    claimed_at: list[object] = []

    def slow_then_read_elsewhere():
        claimed_at.append(ImportJob.objects.get(pk=job.pk).heartbeat_on)
        stop = timezone.now() + timedelta(seconds=3 * settings.IMPORT_STALE_SECONDS)
        while timezone.now() < stop:
            threading.Event().wait(0.05)  # a batch that takes three stale periods
        seen: dict[str, object] = {}

        def elsewhere() -> None:
            try:
                row = ImportJob.objects.get(pk=job.pk)
                seen["status"] = jobs.job_progress(row)
                seen["second worker"] = jobs.job_run(job.pk).state
                seen["heartbeat"] = ImportJob.objects.get(pk=job.pk).heartbeat_on
            finally:
                connection.close()

        reader = threading.Thread(target=elsewhere)
        reader.start()
        reader.join()
        return seen

    seen = in_the_first_batch(monkeypatch, slow_then_read_elsewhere)

    jobs.job_run(job.pk)

    (elsewhere,) = seen
    assert elsewhere["heartbeat"] > claimed_at[0]  # beaten during the batch
    assert (elsewhere["status"]["state"], elsewhere["status"]["stalled"]) == ("RUNNING", False)
    assert elsewhere["second worker"] == ImportJob.State.RUNNING
    job.refresh_from_db()
    assert (job.state, job.attempts, job.ok_rows) == (ImportJob.State.DONE, 1, 1500)
    assert Lead.objects.filter(import_job=job).count() == 1500


def test_a_worker_whose_job_was_taken_commits_no_more_batches(org, manager, monkeypatch):
    job = stored_job(org, manager, 2500, dry_run=False)
    chunked = importer._chunked
    calls = []

    def taken_after_the_first_batch(*args):
        for chunk in chunked(*args):
            calls.append(1)
            if len(calls) == 2:
                # Its heartbeat looked dead: the job went back to the queue meanwhile.
                ImportJob.objects.filter(pk=job.pk).update(state="PENDING", worker="")
            yield chunk

    monkeypatch.setattr(importer, "_chunked", taken_after_the_first_batch)

    returned = jobs.job_run(job.pk)

    job.refresh_from_db()
    assert (returned.state, job.state, job.committed_rows) == ("PENDING", "PENDING", 1000)
    assert Lead.objects.count() == 1000  # the second batch rolled back whole
    assert len(calls) == 2


def test_an_imported_upload_is_removed_and_its_dry_run_offers_no_second_import(
    org, manager, client
):
    dry_run = stored_job(org, manager, 3, dry_run=True)
    jobs.run_import_job.call(dry_run.pk)
    assert default_storage.exists(dry_run.file_path)  # kept for the import

    imported = jobs.job_create(
        created_by=manager, file_name="leads.csv", file_path=dry_run.file_path, dry_run=False
    )
    jobs.run_import_job.call(imported.pk)

    imported.refresh_from_db()
    dry_run.refresh_from_db()
    assert imported.state == ImportJob.State.DONE
    assert not default_storage.exists(imported.file_path)
    assert imported.upload_removed_on and dry_run.upload_removed_on
    assert default_storage.exists(imported.report_path)  # reports are kept
    client.force_login(manager)
    page = client.get(reverse("lead-import-job", args=[dry_run.pk]))
    assert page.context["can_import"] is False


def test_uploads_are_removed_after_the_retention_once_their_jobs_are_finished(
    org, manager, settings
):
    settings.IMPORT_UPLOAD_RETENTION_SECONDS = 3600
    old_dry_run = stored_job(org, manager, 3, dry_run=True)
    recent_dry_run = stored_job(org, manager, 3, dry_run=True)
    unfinished = stored_job(org, manager, 3, dry_run=False)
    for job in (old_dry_run, recent_dry_run):
        jobs.run_import_job.call(job.pk)
    long_ago = timezone.now() - timedelta(hours=2)
    ImportJob.objects.filter(pk__in=[old_dry_run.pk, unfinished.pk]).update(finished_on=long_ago)
    ImportJob.objects.filter(pk=unfinished.pk).update(state=ImportJob.State.RUNNING)
    # A job still running on an old upload keeps it too.
    ImportJob.objects.create(
        created_by=manager, file_name="x.csv", file_path=unfinished.file_path, dry_run=False
    )

    assert jobs.uploads_clean() == 1

    for job in (old_dry_run, recent_dry_run, unfinished):
        job.refresh_from_db()
    assert not default_storage.exists(old_dry_run.file_path)
    assert old_dry_run.upload_removed_on is not None
    assert default_storage.exists(recent_dry_run.file_path)
    assert default_storage.exists(unfinished.file_path)
    assert jobs.uploads_clean() == 0
