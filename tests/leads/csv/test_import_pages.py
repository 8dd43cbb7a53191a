"""The import pages: a manager uploads a file, reads the dry run's result, imports, and
downloads the report; associates are refused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from leads.csv_io.jobs import run_import_job
from leads.models import ImportJob, Lead
from tests.factories import LeadFactory

from .conftest import csv_text


def upload(client: Client, content: bytes | str, name: str = "leads.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        reverse("lead-import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def associate_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def sample(org) -> str:
    return csv_text(
        [
            ["type", "leadFor", "userId", "status"],
            ["CUSTOM", "Desk", str(org.customer.pk), ""],
            ["SKU", "NOPE", str(org.customer.pk), ""],
            ["CUSTOM", "Chair", str(org.customer.pk), "ON_HOLD"],
        ]
    )


def test_manager_checks_a_file_then_imports_it_and_downloads_the_report(org, manager_client):
    page = manager_client.get(reverse("lead-import"))
    assert page.status_code == 200
    assert b'type="file"' in page.content

    response = upload(manager_client, sample(org))

    dry_run = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lead-import-job", args=[dry_run.pk])
    assert (dry_run.dry_run, dry_run.state) == (True, ImportJob.State.DONE)
    assert (dry_run.total_rows, dry_run.ok_rows, dry_run.failed_rows) == (3, 2, 1)
    assert not Lead.objects.exists()
    result = manager_client.get(response["Location"])
    text = result.content.decode()
    assert "Would be imported" in text
    assert "92016" in text and "Invalid SKU NOPE" in text
    assert "Import 2 rows" in text
    status = manager_client.get(reverse("lead-import-status", args=[dry_run.pk])).json()
    assert status == {
        "id": dry_run.pk,
        "state": "DONE",
        "dryRun": True,
        "allOrNothing": False,
        "processedRows": 3,
        "totalRows": 3,
        "okRows": 2,
        "failedRows": 1,
        "skippedRows": 0,
        "finished": True,
        "stalled": False,
        "error": None,
    }

    started = manager_client.post(response["Location"], {"all_or_nothing": ""})

    imported = ImportJob.objects.exclude(pk=dry_run.pk).get()
    assert started.status_code == 302
    assert started["Location"] == reverse("lead-import-job", args=[imported.pk])
    assert (imported.dry_run, imported.state, imported.ok_rows) == (
        False,
        ImportJob.State.DONE,
        2,
    )
    assert sorted(Lead.objects.values_list("lead_for", flat=True)) == ["Chair", "Desk"]
    assert "See the leads" in manager_client.get(started["Location"]).content.decode()

    report = manager_client.get(reverse("lead-import-report", args=[imported.pk]))
    assert report.status_code == 200
    assert report["Content-Disposition"] == 'attachment; filename="leads-import-report.csv"'
    lines = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert [(line["row"], line["status"], line["codes"]) for line in lines] == [
        ("2", "ok", ""),
        ("3", "error", "92016"),
        ("4", "ok", ""),
    ]
    assert {int(line["leadId"]) for line in lines if line["leadId"]} == set(
        Lead.objects.values_list("pk", flat=True)
    )


def test_all_or_nothing_chosen_on_the_page_imports_nothing_when_a_row_fails(org, manager_client):
    dry_run_url = upload(manager_client, sample(org))["Location"]

    started = manager_client.post(dry_run_url, {"all_or_nothing": "on"})

    job = ImportJob.objects.get(dry_run=False)
    assert job.all_or_nothing
    assert (job.ok_rows, job.skipped_rows, job.failed_rows) == (0, 2, 1)
    assert not Lead.objects.exists()
    text = manager_client.get(started["Location"]).content.decode()
    assert "no row was imported (all or nothing)" in text


def test_unknown_columns_must_be_left_out_knowingly(org, manager_client):
    content = csv_text(
        [["type", "leadFor", "userId", "Comments"], ["CUSTOM", "Desk", str(org.customer.pk), "x"]]
    )
    dry_run_url = upload(manager_client, content)["Location"]
    page = manager_client.get(dry_run_url).content.decode()
    assert "90021" in page and "Unknown column Comments" in page

    refused = manager_client.post(dry_run_url, {})

    assert refused.status_code == 400
    assert "leave those columns out" in refused.content.decode()
    assert ImportJob.objects.filter(dry_run=False).count() == 0

    manager_client.post(dry_run_url, {"ignore_unknown_columns": "on"})

    job = ImportJob.objects.get(dry_run=False)
    assert (job.ignore_unknown_columns, job.state, job.ok_rows) == (True, "DONE", 1)
    assert Lead.objects.get().lead_for == "Desk"


def test_a_file_that_is_not_csv_fails_with_90020_on_its_page(org, manager_client):
    response = upload(manager_client, b"PK\x03\x04\x14\x00" + b"\x00" * 64, name="leads.xlsx")

    job = ImportJob.objects.get()
    assert (job.state, job.error_code) == (ImportJob.State.FAILED, 90020)
    text = manager_client.get(response["Location"]).content.decode()
    assert "90020" in text
    assert "The file is not a CSV file: it is a ZIP archive (an Excel workbook?)" in text
    assert "2. Import" not in text  # no import form
    assert manager_client.post(response["Location"], {}).status_code == 403


def test_upload_without_a_file_is_refused_on_the_form(org, manager_client):
    response = manager_client.post(reverse("lead-import"), {})

    assert response.status_code == 400
    assert "Choose a CSV file to upload." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_associates_cannot_import(org, associate_client, manager_client):
    job_url = upload(manager_client, sample(org))["Location"]
    job = ImportJob.objects.get()
    urls = [
        reverse("lead-import"),
        job_url,
        reverse("lead-import-status", args=[job.pk]),
        reverse("lead-import-report", args=[job.pk]),
    ]

    assert [associate_client.get(url).status_code for url in urls] == [403] * 4
    assert upload(associate_client, sample(org)).status_code == 403
    assert associate_client.post(job_url, {}).status_code == 403
    assert ImportJob.objects.count() == 1
    assert not Lead.objects.exists()


def test_visitors_are_sent_to_the_login_page(org):
    response = Client().get(reverse("lead-import"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_saves_the_upload_in_storage_and_enqueues_the_import_task(
    org, manager_client, settings
):
    """A long import does not hold the request: the page saves the upload through the default
    storage, enqueues the import task and shows the waiting job, which it then polls."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queued = task_backends["default"]
    queued.clear()

    response = upload(manager_client, sample(org))

    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.PENDING
    assert job.file_path.startswith("imports/")
    with default_storage.open(job.file_path, "rb") as stored:
        assert stored.read() == sample(org).encode()
    (result,) = queued.results
    assert (result.task.func, result.args) == (run_import_job.func, [job.pk])
    page = manager_client.get(response["Location"]).content.decode()
    assert "<progress" in page
    assert 'http-equiv="refresh"' in page  # followed without JavaScript too
    assert reverse("lead-import-status", args=[job.pk]) in page
    assert manager_client.get(reverse("lead-import-report", args=[job.pk])).status_code == 404

    # Any worker runs it: the task reads the upload from the storage.
    run_import_job.call(job.pk)

    job.refresh_from_db()
    assert (job.state, job.total_rows, job.ok_rows, job.failed_rows) == ("DONE", 3, 2, 1)
    assert job.heartbeat_on is not None
    assert default_storage.exists(job.report_path)
    assert manager_client.get(reverse("lead-import-report", args=[job.pk])).status_code == 200


def silent_job(org, manager, *, attempts: int) -> ImportJob:
    """An import whose worker stopped reporting six minutes ago, on its ``attempts``-th run."""
    job = ImportJob.objects.create(
        created_by=manager,
        file_name="leads.csv",
        file_path=default_storage.save("imports/leads.csv", ContentFile(sample(org).encode())),
        dry_run=False,
        state=ImportJob.State.RUNNING,
        attempts=attempts,
        worker="gone:1:token",
    )
    ImportJob.objects.filter(pk=job.pk).update(
        created_on=timezone.now() - timedelta(minutes=10),
        heartbeat_on=timezone.now() - timedelta(minutes=6),
    )
    return job


def test_a_job_whose_worker_is_gone_is_queued_again_when_its_poll_reads_it(
    org, manager, manager_client, settings
):
    settings.IMPORT_STALE_SECONDS = 300
    job = silent_job(org, manager, attempts=1)

    # Queued again (and run at once by the tests' immediate backend).
    status = manager_client.get(reverse("lead-import-status", args=[job.pk])).json()

    job.refresh_from_db()
    assert (status["state"], status["stalled"], status["okRows"]) == ("DONE", False, 2)
    assert (job.state, job.attempts, job.error_code) == ("DONE", 2, None)
    assert Lead.objects.count() == 2


def test_a_job_whose_worker_is_gone_on_its_last_attempt_is_failed_and_can_be_retried(
    org, manager, manager_client, settings
):
    settings.IMPORT_STALE_SECONDS = 300
    job = silent_job(org, manager, attempts=settings.IMPORT_MAX_ATTEMPTS)

    status = manager_client.get(reverse("lead-import-status", args=[job.pk])).json()
    page = manager_client.get(reverse("lead-import-job", args=[job.pk])).content.decode()

    assert (status["state"], status["finished"], status["stalled"]) == ("FAILED", True, True)
    assert status["error"]["code"] == 90500
    assert "seems to have stopped" in page
    assert 'http-equiv="refresh"' not in page
    assert "data-import-retry" in page
    assert not Lead.objects.exists()

    retried = manager_client.post(reverse("lead-import-job", args=[job.pk]), {"retry": "1"})

    job.refresh_from_db()
    assert retried.status_code == 302
    assert (job.state, job.ok_rows, job.failed_rows, job.error_code) == ("DONE", 2, 1, None)
    assert Lead.objects.count() == 2
    # A finished job is not retried.
    again = manager_client.post(reverse("lead-import-job", args=[job.pk]), {"retry": "1"})
    assert again.status_code == 403
    assert Lead.objects.count() == 2


def test_a_job_still_reporting_batches_is_not_failed(org, manager, manager_client, settings):
    settings.IMPORT_STALE_SECONDS = 300
    job = ImportJob.objects.create(
        created_by=manager,
        file_name="leads.csv",
        file_path="imports/leads.csv",
        state=ImportJob.State.RUNNING,
        processed_rows=1000,
        total_rows=5000,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        created_on=timezone.now() - timedelta(minutes=10),
        heartbeat_on=timezone.now() - timedelta(minutes=1),
    )

    status = manager_client.get(reverse("lead-import-status", args=[job.pk])).json()

    assert (status["state"], status["stalled"]) == ("RUNNING", False)
    assert (status["processedRows"], status["totalRows"]) == (1000, 5000)
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.RUNNING


def test_see_the_leads_lists_only_the_leads_of_that_import(org, manager_client):
    earlier = LeadFactory(type="CUSTOM", lead_for="Bookshelf")
    dry_run_page = upload(manager_client, sample(org))["Location"]
    started = manager_client.post(dry_run_page, {"all_or_nothing": ""})
    imported = ImportJob.objects.get(dry_run=False)

    job_page = manager_client.get(started["Location"]).content.decode()
    link = f"{reverse('lead-list')}?importJob={imported.pk}"
    assert link in job_page

    listed = manager_client.get(link).content.decode()
    ours = Lead.objects.filter(import_job=imported)
    assert sorted(ours.values_list("lead_for", flat=True)) == ["Chair", "Desk"]
    for lead in ours:
        assert f"/leads/{lead.pk}/" in listed
    assert f"/leads/{earlier.pk}/" not in listed
    assert f"import #{imported.pk}" in listed
    # The API's search takes the same filter.
    api_ids = {
        row["id"] for row in manager_client.get(f"/v2/leads?importJob={imported.pk}").json()["data"]
    }
    assert api_ids == set(ours.values_list("pk", flat=True))
