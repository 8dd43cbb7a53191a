"""CSV import pages (managers) and the lead list's CSV export.

The import runs as a background job (leads.csv_io.jobs): the upload starts a dry run, whose
page polls the job and shows the per-row result; the manager then starts the import itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leads.csv_io import COLUMNS, csv_response, export_lines
from leads.csv_io.jobs import (
    job_create,
    job_preview,
    job_progress,
    job_recover_if_stale,
    job_retry,
    job_start,
    store_upload,
)
from leads.errors import error_items
from leads.models import ImportJob, Lead

from ..access import is_manager, staff_required
from .lead_list import list_page_leads

View = Callable[..., HttpResponse]


def import_manager_required(view: View) -> View:
    """Managers import leads; associates are refused (403), visitors sent to log in."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied("Only managers can import leads.")
        return view(request, *args, **kwargs)

    return wrapper


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 (with or without BOM) or Excel's CSV; comma or semicolon separated.",
        error_messages={"required": "Choose a CSV file to upload."},
    )


class ImportStartForm(forms.Form):
    all_or_nothing = forms.BooleanField(
        required=False,
        label="All or nothing",
        help_text="Import no row at all if any row fails.",
    )
    ignore_unknown_columns = forms.BooleanField(
        required=False,
        label="Leave the unknown columns out",
        help_text="Import the rows without the columns reported above.",
    )

    def __init__(self, *args: Any, unknown_columns: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unknown_columns = unknown_columns
        if not unknown_columns:
            del self.fields["ignore_unknown_columns"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.unknown_columns and not data.get("ignore_unknown_columns"):
            raise ValidationError(
                "The file has columns this import does not know. Fix the file and upload it "
                "again, or leave those columns out."
            )
        return data


@import_manager_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = job_create(
                created_by=request.user,
                file_name=upload.name,
                file_path=store_upload(upload),
                dry_run=True,
            )
            job_start(job)
        return redirect("lead-import-job", job_id=job.pk)
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_on")[:10]
    return render(
        request,
        "leads/import.html",
        {"form": form, "jobs": jobs, "columns": COLUMNS},
        status=400 if form.errors else 200,
    )


@import_manager_required
@require_http_methods(["GET", "POST"])
def import_job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_recover_if_stale(
        get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id)
    )
    finished = job.state in (ImportJob.State.DONE, ImportJob.State.FAILED)
    preview = job_preview(job) if finished else {}
    can_import = (
        job.dry_run
        and job.state == ImportJob.State.DONE
        and not preview.get("headerBlocks")
        and default_storage.exists(job.file_path)
    )
    start_form = ImportStartForm(
        request.POST if request.method == "POST" else None,
        unknown_columns=bool(preview.get("headerIgnorable")),
    )
    if request.method == "POST" and "retry" in request.POST:
        if not job_retry(job):
            raise PermissionDenied("Only a job whose worker stopped can be retried.")
        return redirect("lead-import-job", job_id=job.pk)
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied("This file cannot be imported from here.")
        if start_form.is_valid():
            with transaction.atomic():
                imported = job_create(
                    created_by=request.user,
                    file_name=job.file_name,
                    file_path=job.file_path,
                    dry_run=False,
                    all_or_nothing=start_form.cleaned_data["all_or_nothing"],
                    ignore_unknown_columns=start_form.cleaned_data.get(
                        "ignore_unknown_columns", False
                    ),
                )
                job_start(imported)
            return redirect("lead-import-job", job_id=imported.pk)
    return render(
        request,
        "leads/import_job.html",
        {
            "job": job,
            "progress": job_progress(job),
            "preview": preview,
            "finished": finished,
            "can_import": can_import,
            "start_form": start_form,
        },
        status=400 if start_form.errors else 200,
    )


@import_manager_required
@require_GET
def import_job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = get_object_or_404(ImportJob, pk=job_id)
    return JsonResponse(job_progress(job))


@import_manager_required
@require_GET
def import_job_report(request: HttpRequest, job_id: int) -> FileResponse:
    job = get_object_or_404(ImportJob, pk=job_id)
    finished = job.state in (ImportJob.State.DONE, ImportJob.State.FAILED)
    if not finished or not job.report_path or not default_storage.exists(job.report_path):
        raise Http404("The report is not ready.")
    stem = Path(job.file_name).stem or "import"
    kind = "dry-run" if job.dry_run else "import"
    return FileResponse(
        default_storage.open(job.report_path, "rb"),
        as_attachment=True,
        filename=f"{stem}-{kind}-report.csv",
        content_type="text/csv; charset=utf-8",
    )


@staff_required
@require_GET
def export_page_csv(request: HttpRequest) -> HttpResponse:
    """The lead list's leads (same filters and order) as CSV, for a spreadsheet."""
    try:
        leads = list_page_leads(request, Lead.objects.all())
    except ValidationError as exc:
        text = "\n".join(f"{item['code']} {item['message']}" for item in error_items(exc))
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    return csv_response(export_lines(leads), bom=True)
