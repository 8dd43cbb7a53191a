"""CSV import and export of leads.

``reader`` opens a file as a stream (encoding, delimiter, header), ``mapping`` turns a row into
``lead_create`` arguments, ``importer`` hands them in batches to ``lead_create_many`` (the
leads' write path; this package writes no lead itself) and reports on each row, ``exporter``
writes leads in the same columns, ``jobs`` runs imports in the background for the pages.
"""

from .columns import COLUMNS
from .exporter import csv_response, export_lines
from .importer import ImportSummary, LeadImporter, RowResult, read_report
from .reader import CsvFileError

__all__ = [
    "COLUMNS",
    "CsvFileError",
    "ImportSummary",
    "LeadImporter",
    "RowResult",
    "csv_response",
    "export_lines",
    "read_report",
]
