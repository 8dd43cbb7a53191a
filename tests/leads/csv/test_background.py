"""The import page's task run by a real worker process (``manage.py worker``: the database
queue), reading the upload from the storage and writing progress the page polls."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from leads.csv_io import jobs
from leads.models import ImportJob, Lead
from tests.workers import child_env, needs_reachable_database, process, wait_for

from .conftest import csv_text

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_imports_the_upload_while_the_page_polls(
    org, manager, settings, tmp_path, monkeypatch
):
    needs_reachable_database()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The pages' commit is real here: the task is enqueued when it happens.
    monkeypatch.setattr(jobs, "transaction", transaction)
    client = Client()
    client.force_login(manager)
    rows = [["type", "leadFor", "userId"]] + [
        ["CUSTOM", f"Item {n}", str(org.customer.pk)] for n in range(2500)
    ]
    response = client.post(
        reverse("lead-import"),
        {"file": SimpleUploadedFile("leads.csv", csv_text(rows).encode(), "text/csv")},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.state == ImportJob.State.PENDING  # nothing runs in the request

    statuses: list[dict] = []

    def finished(job_id: int) -> bool:
        statuses.append(client.get(reverse("lead-import-status", args=[job_id])).json())
        return statuses[-1]["finished"]

    with process(["worker"], child_env(), tmp_path / "worker.log"):
        wait_for(lambda: finished(job.pk), what="the dry run to finish")
        assert statuses[-1]["state"] == "DONE", statuses[-1]
        assert (statuses[-1]["processedRows"], statuses[-1]["okRows"]) == (2500, 2500)
        assert not Lead.objects.exists()  # a dry run

        client.post(response["Location"], {"all_or_nothing": ""})
        imported = ImportJob.objects.get(dry_run=False)
        wait_for(lambda: finished(imported.pk), what="the import to finish")

    imported.refresh_from_db()
    assert (imported.state, imported.ok_rows, imported.committed_rows) == ("DONE", 2500, 2500)
    assert Lead.objects.filter(import_job=imported).count() == 2500
    assert client.get(reverse("lead-import-report", args=[imported.pk])).status_code == 200
