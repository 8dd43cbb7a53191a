"""Export leads as CSV, in the import's columns, with the lead list's filters.

    manage.py export_leads -o leads.csv status=OPEN,ON_HOLD owner=alice q=shoes

Filters are the parameters of GET /v2/leads and of the lead list page (leads.filters).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from leads.csv_io import export_lines
from leads.errors import error_items
from leads.filters import filtered_leads
from leads.models import Lead


class Command(BaseCommand):
    help = "Export leads as CSV (filters as name=value, as in GET /v2/leads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("filters", nargs="*", help="Filters, e.g. status=OPEN owner=alice.")
        parser.add_argument("-o", "--output", help="The CSV file to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        params = QueryDict(mutable=True)
        for item in options["filters"]:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise CommandError(f"Filters are name=value, not {item!r}.")
            params.appendlist(name, value)
        try:
            queryset = filtered_leads(params, Lead.objects.all(), user=None)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{e['code']} {e['message']}" for e in error_items(exc))
            ) from None
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = self._write(out, queryset)
            self.stderr.write(f"{count} leads written to {options['output']}")
        else:
            self._write(sys.stdout, queryset)

    def _write(self, out: Any, queryset: Any) -> int:
        count = -1
        for line in export_lines(queryset):
            out.write(line)
            count += 1
        return count
