"""Fixtures of the CSV import/export tests: a catalog and configuration, and helpers to write
a CSV file and run the importer on it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from leads.csv_io import LeadImporter, read_report
from leads.models import ExtendedFieldDefinition, Status
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
    # Uploads, reports and progress files of the tests go to a folder of their own; imports
    # started from the pages run in the request.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEADS_IMPORT_IN_BACKGROUND = False


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
