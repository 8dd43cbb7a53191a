"""Fixtures of the CSV import/export tests: a catalog and configuration, and helpers to write
a CSV file and run the importer on it."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from leads.csv_io import LeadImporter, jobs, read_report
from leads.models import ExtendedFieldDefinition, ImportJob, Status
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    CustomerFactory,
    ExtendedFieldFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads and reports of the tests go to a storage folder of their own; import tasks run
    # when enqueued (the tests' immediate task backend).
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _enqueue_at_commit(monkeypatch):
    """A test runs in a transaction that never commits: the import task of a job the pages
    start is enqueued (so, with the immediate backend, run) when the request ends, as it
    would be when its transaction commits."""
    monkeypatch.setattr(
        jobs,
        "transaction",
        SimpleNamespace(on_commit=lambda func: func(), atomic=transaction.atomic),
    )


@pytest.fixture
def org(db):
    """What the rows refer to: a catalog, sub-statuses, reasons, extended fields, an owner and
    a customer."""

    class Org:
        sku = SkuFactory(code="SKU-1")
        retired_sku = SkuFactory(code="SKU-OLD", is_active=False)
        brand = BrandFactory(code="BR-1")
        category = CategoryFactory(code="CAT-1")
        on_hold = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
        contacted = SubStatusFactory(status=Status.OPEN, name="Contacted")
        reason = ReasonFactory(reason="Bought elsewhere")
        budget = ExtendedFieldFactory(
            name="budget", data_type=ExtendedFieldDefinition.DataType.INTEGER
        )
        size = ExtendedFieldFactory(name="size", choices=["S", "M", "L"])
        gift = ExtendedFieldFactory(name="gift", data_type=ExtendedFieldDefinition.DataType.BOOLEAN)
        owner = UserFactory(username="alice")
        inactive_owner = UserFactory(username="gone", is_active=False)
        not_staff = UserFactory(username="shopper", is_staff=False)
        customer = CustomerFactory(
            mobile="+919876543210", email="asha@example.com", external_id="EXT-1"
        )

    return Org


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def write_csv(tmp_path):
    """Writes rows (the first is the header) or raw text/bytes to a file; returns its path."""
    counter = iter(range(10_000))

    def write(
        rows: list[list[str]] | str | bytes, *, encoding: str = "utf-8", delimiter: str = ","
    ) -> Path:
        path = tmp_path / f"upload-{next(counter)}.csv"
        if isinstance(rows, bytes):
            path.write_bytes(rows)
        else:
            text = rows if isinstance(rows, str) else csv_text(rows, delimiter)
            path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def run_import(tmp_path, manager):
    """Runs the importer on a file; returns (summary, report lines as dicts)."""

    def run(path: Path, **options):
        options.setdefault("created_by", manager)
        report = tmp_path / f"{path.stem}-report.csv"
        summary = LeadImporter(**options).run(path, report)
        return summary, list(read_report(report))

    return run


def codes_of(line: dict[str, str]) -> list[int]:
    return [int(code) for code in line["codes"].split(" | ") if code]


def messages_of(line: dict[str, str]) -> list[str]:
    return [message for message in line["messages"].split(" | ") if message]


def store(path: Path) -> str:
    """Saves a local file in the default storage, as the import page does; returns its name."""
    with path.open("rb") as file:
        return default_storage.save(f"imports/{path.name}", File(file))


def stored_job(org, manager, rows: int, **options: bool) -> ImportJob:
    """A pending job on an upload in the storage: ``rows`` good rows."""
    text = csv_text(
        [["type", "leadFor", "userId"]]
        + [["CUSTOM", f"Item {n}", str(org.customer.pk)] for n in range(rows)]
    )
    name = default_storage.save("imports/leads.csv", ContentFile(text.encode()))
    return jobs.job_create(created_by=manager, file_name="leads.csv", file_path=name, **options)
