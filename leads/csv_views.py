"""Views for the CSV import pages and the CSV export."""

from django.http import HttpResponse
from rest_framework.views import APIView


def import_page(request):
    return HttpResponse(status=501)


def import_job_page(request, job_id: int):
    return HttpResponse(status=501)


def import_job_status(request, job_id: int):
    return HttpResponse(status=501)


def import_job_report(request, job_id: int):
    return HttpResponse(status=501)


def export_page_csv(request):
    return HttpResponse(status=501)


class LeadExportAPIView(APIView):
    def get(self, request):
        return HttpResponse(status=501)
