"""The lead list: the API's filters and search, sorting, pagination, CSV export, and bulk
assign / bulk status change with a result per lead."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from crm.core.paging import ListPaginator
from crm.core.parsing import parse_id
from crm.pages.forms import PAGE_SIZES, BulkActionForm, LeadSearchForm, sub_status_map
from leads.access import may_bulk_close
from leads.errors import error_items
from leads.filters import filtered_leads
from leads.models import Lead, OrgSettings, Status
from leads.selectors import (
    assignable_owners,
    lead_list_page_queryset,
    lead_list_rows_queryset,
    reason_list,
    substatus_list,
)

from ..access import staff_required
from ..reference import ReferenceLists, reference_fragment, reference_lists
from ..rows import first_pages, lead_list_rows, lead_list_rows_html
from ..selectors import saved_view_list
from ..services import saved_view_delete, saved_view_save, view_query
from ..templatetags.ui import LIST_QUERY_COOKIE

DEFAULT_PAGE_SIZE = 25
BULK_RESULT_KEY = "lead_bulk_result"


def page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def list_page_leads(request: HttpRequest, queryset: QuerySet[Lead]) -> QuerySet[Lead]:
    """The lead list's search (also its CSV export): the API's filters, ``owner=~me`` being
    the person, and DELETED leads left out unless the status filter asks for them. A
    ValidationError of coded errors for a filter that cannot be applied."""
    leads = filtered_leads(request.GET, queryset, user=request.user)
    if deleted_hidden(request):
        leads = leads.exclude(status=Status.DELETED)
    return leads


def deleted_hidden(request: HttpRequest) -> bool:
    """DELETED leads are left out of the list unless a status filter is given."""
    return not request.GET.get("status", "").strip()


def search_form(request: HttpRequest, lists: ReferenceLists, sub_statuses: list[Any]) -> Any:
    """The filter bar's form, made when it is shown or refuses a filter: a list page whose
    filter bar is kept (``reference_fragment``) does not build its seventeen fields."""
    return SimpleLazyObject(
        lambda: LeadSearchForm(
            request.GET,
            owners=lists.owners,
            sources=lists.sources,
            sub_status_names=sorted({sub.name for sub in sub_statuses}),
            stores=lists.active_stores,
        )
    )


def search_leads(
    request: HttpRequest,
    *,
    lists: ReferenceLists,
    sub_statuses: list[Any],
    queryset: QuerySet[Lead] | None = None,
) -> tuple[LeadSearchForm, QuerySet[Lead], bool]:
    """The filter bar of the list and the board, the leads its query string selects (none
    when a filter is refused: the form then shows the coded errors), from ``queryset``
    (``lead_list_page_queryset()`` when not given), and whether a filter was refused."""
    search = search_form(request, lists, sub_statuses)
    try:
        leads = list_page_leads(
            request, lead_list_page_queryset() if queryset is None else queryset
        )
    except ValidationError as exc:
        search.add_filter_errors(exc)
        return search, Lead.objects.none(), True
    return search, leads, False


def is_filtered(params: Any) -> bool:
    """Whether the query string filters (paging and sorting do not)."""
    return any(
        value
        for key, value in params.items()
        if key not in {"page", "per_page", "sortBy", "sortOrder"}
    )


@staff_required
def lead_list(request: HttpRequest) -> HttpResponse:
    lists = reference_lists()
    sub_statuses = lists.active_sub_statuses
    first = first_pages(request, lambda: list_page_leads(request, lead_list_rows_queryset()))
    if first is None:
        search, leads, refused = search_leads(
            request, lists=lists, sub_statuses=sub_statuses, queryset=lead_list_rows_queryset()
        )
    else:
        search, leads, refused = search_form(request, lists, sub_statuses), first, False
    paginator = ListPaginator(leads, page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    bulk_result = request.session.pop(BULK_RESULT_KEY, None)
    may_close = may_bulk_close(request.user)
    bulk_by_id = {row["lead_id"]: row for row in (bulk_result or {}).get("rows", [])}
    rows = lead_list_rows(page.object_list, now=timezone.now(), bulk_by_id=bulk_by_id)
    import_job_id, filtered = parse_id(request.GET.get("importJob")), is_filtered(request.GET)
    context = {
        "search": search,
        "refused": refused,
        "saved_views": saved_view_list(owner=request.user),
        "deleted_hidden": deleted_hidden(request),
        "view_query": view_query(request.GET),
        "page": page,
        "rows": rows,
        "rows_html": lead_list_rows_html(rows),
        "paginator": paginator,
        "page_sizes": PAGE_SIZES,
        "per_page": paginator.per_page,
        # The filter bar and the bulk bar are made of the reference lists and the query
        # string alone: kept beside the lists (crm.pages.reference), not rendered each time.
        "filters_html": reference_fragment(
            lists,
            "lead-list-filters",
            request.GET.urlencode(),
            lambda: render_to_string(
                "leads/_lead_filters.html",
                {
                    "search": search,
                    "filter_action": reverse("lead-list"),
                    "filtered": filtered,
                    "import_job_id": import_job_id,
                },
            ),
        ),
        "bulk_bar_html": reference_fragment(
            lists,
            "lead-list-bulk-bar",
            str(may_close),
            lambda: render_to_string(
                "leads/_bulk_bar.html",
                {
                    "bulk_form": BulkActionForm(
                        owners=lists.owners,
                        sub_statuses=sub_statuses,
                        reasons=lists.active_reasons,
                        may_close=may_close,
                        auto_id="bulk-%s",
                    )
                },
            ),
        ),
        "bulk_result": bulk_result,
        "sub_status_map": sub_status_map(sub_statuses),
        "import_job_id": import_job_id,
        "filtered": filtered,
    }
    status = 400 if refused else 200
    response = render(request, "leads/lead_list.html", context, status=status)
    if not refused:
        # The lead page's breadcrumb leads back to this list as filtered (ui.lead_list_url).
        response.set_cookie(
            LIST_QUERY_COOKIE, context["view_query"], path="/", samesite="Lax", httponly=True
        )
    return response


def _back_to_list(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("lead-list")


@require_POST
@staff_required
def lead_bulk(request: HttpRequest) -> HttpResponse:
    """Runs the bulk service and keeps each lead's result for the list to show once."""
    form = BulkActionForm(
        request.POST,
        owners=assignable_owners(),
        sub_statuses=substatus_list(active_only=True),
        reasons=reason_list(active_only=True),
        auto_id="bulk-%s",
    )
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect(_back_to_list(request))
    if form.needs_confirmation() and request.POST.get("confirmed") != "1":
        form.keep_sub_statuses_of(form.cleaned_data["status"])
        return render(
            request,
            "leads/bulk_confirm.html",
            {
                "form": form,
                "count": len(form.lead_ids()),
                "status_label": Status(form.cleaned_data["status"]).label,
                "lead_ids": form.lead_ids(),
                "back": _back_to_list(request),
                "reason_required": OrgSettings.load().require_close_reason,
            },
        )
    results = form.run(user=request.user)
    request.session[BULK_RESULT_KEY] = _summary(form, results)
    done = sum(1 for result in results if result.ok)
    failed = len(results) - done
    verb = "reassigned" if form.cleaned_data["action"] == form.ASSIGN else "updated"
    if failed:
        messages.warning(
            request, f"{done} of {len(results)} leads {verb}; {failed} refused (see below)."
        )
    else:
        messages.success(request, f"{done} lead{'s' if done != 1 else ''} {verb}.")
    return redirect(_back_to_list(request))


def _summary(form: BulkActionForm, results: list[Any]) -> dict[str, Any]:
    if form.cleaned_data["action"] == form.ASSIGN:
        owner = form.cleaned_data.get("owner")
        title = f"Assign to {owner}" if owner else "Unassign"
    else:
        title = f"Change status to {form.cleaned_data.get('status') or '(none)'}"
        sub = form.chosen_sub_status()
        if sub:
            title += f" / {getattr(sub, 'name', sub)}"
    return {
        "title": title,
        "ok": sum(1 for result in results if result.ok),
        "failed": sum(1 for result in results if not result.ok),
        "rows": [
            {
                "lead_id": str(result.lead_id),
                "ok": result.ok,
                "label": f"#{result.lead.pk} · {result.lead.lead_for}"
                if result.lead is not None
                else f"Lead #{result.lead_id}",
                "errors": result.errors,
            }
            for result in results
        ],
    }


@require_POST
@staff_required
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """ "Save this view": the list's filters and sort under a name, for the person."""
    params = QueryDict(request.POST.get("query", ""))
    back = reverse("lead-list") + (f"?{params.urlencode()}" if params else "")
    try:
        filtered_leads(params, Lead.objects.none(), user=request.user)
        view = saved_view_save(owner=request.user, name=request.POST.get("name"), params=params)
    except ValidationError as exc:
        for item in error_items(exc):
            messages.error(request, f"{item['code']} · {item['message']}")
        return redirect(back)
    messages.success(request, f"View “{view.name}” saved.")
    return redirect(reverse("lead-list") + (f"?{view.query}" if view.query else ""))


@require_POST
@staff_required
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        saved_view_delete(owner=request.user, view_id=view_id)
    except ValidationError as exc:
        for item in error_items(exc):
            messages.error(request, f"{item['code']} · {item['message']}")
    else:
        messages.success(request, "View deleted.")
    return redirect(_back_to_list(request))
