"""The import page's background process, for real: ``manage.py import_leads --job`` started
detached, writing to the same database, followed through the job's status."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from leads.models import ImportJob, Lead

from .conftest import csv_text

pytestmark = pytest.mark.postgres


def database_url() -> str:
    """The test database, for the child process."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_detached_process_imports_the_file_while_the_page_polls(
    org, manager, settings, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the child process needs a database it can reach: SQLite tests are in memory")
    settings.LEADS_IMPORT_IN_BACKGROUND = True
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
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

    status = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(reverse("lead-import-status", args=[job.pk])).json()
        if status["finished"]:
            break
        time.sleep(0.2)

    assert status["state"] == "DONE", status
    assert (status["processedRows"], status["okRows"]) == (2500, 2500)
    assert not Lead.objects.exists()  # a dry run

    client.post(response["Location"], {"all_or_nothing": ""})
    job = ImportJob.objects.get(dry_run=False)
    deadline = time.monotonic() + 120
    while job.state not in ("DONE", "FAILED") and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()

    assert (job.state, job.ok_rows) == ("DONE", 2500)
    assert Lead.objects.count() == 2500
