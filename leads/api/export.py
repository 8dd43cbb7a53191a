"""``GET /v2/leads/export``: the API's CSV export of a lead search."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from leads.csv_io import COLUMNS, csv_response, export_lines
from leads.filters import filtered_leads
from leads.models import Lead

from .views import FILTER_PARAMETERS


class _FirstRenderer(DefaultContentNegotiation):
    """The export answers CSV whatever the Accept header says; its errors are the API's JSON
    envelope (the first renderer), never a 406."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: Any = None):
        return renderers[0], renderers[0].media_type


class LeadExportAPIView(APIView):
    """``GET /v2/leads/export``: the leads of ``GET /v2/leads`` (same filters and order, all
    pages) as CSV in the import's columns, streamed."""

    content_negotiation_class = _FirstRenderer

    @extend_schema(
        operation_id="leads_export",
        tags=["leads"],
        summary="Export leads as CSV",
        description=(
            "The leads GET /v2/leads finds with the same filters, in its order and without "
            "pagination, as CSV in the columns of the CSV import: " + ", ".join(COLUMNS) + ", "
            "then ef_<name> for each active extended field. Importing the file back creates "
            "equivalent leads for the same customers."
        ),
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file.")
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        leads = filtered_leads(request.query_params, Lead.objects.all(), user=request.user)
        return csv_response(export_lines(leads), bom=False)
