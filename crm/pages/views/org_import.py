"""CSV import of org units and staff on the org-settings page, through ``crm.org.csv_import``
(the API's services, row by row, all or nothing).

Both are org settings, for managers (who configure the org). Staff only for managers who are
also org admins (the ADMIN role or a superuser), because a row gives a role: a manager who
could import staff could make anyone, themselves included, an admin.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from crm.core.errors import ErrorCode, coded_error, error_items
from crm.org.csv_import import ImportResult, org_units_import, staff_import
from crm.org.scope import scope_for

from ..access import is_manager, staff_required


class OrgCsvForm(forms.Form):
    file = forms.FileField(label="CSV file")


def may_import_units(user: object) -> bool:
    return is_manager(user)


def may_import_staff(user: object) -> bool:
    return is_manager(user) and scope_for(user).everything


def _import_view(
    what: str,
    allowed: Callable[[object], bool],
    run: Callable[..., ImportResult],
    anchor: str,
) -> Callable[..., HttpResponse]:
    @require_POST
    @staff_required
    def view(request: HttpRequest) -> HttpResponse:
        if not allowed(request.user):
            raise PermissionDenied(f"Only org admins may import {what}.")
        form = OrgCsvForm(request.POST, request.FILES)
        back = f"{reverse('org-settings')}#{anchor}"
        if form.is_valid():
            result = run(data=form.cleaned_data["file"].read(), imported_by=request.user)
        else:
            result = ImportResult(
                file_errors=error_items(coded_error(ErrorCode.NOT_CSV, "no file, or an empty one"))
            )
        if result.ok:
            messages.success(
                request,
                f"{what.capitalize()} imported: {result.created} added, {result.updated} updated.",
            )
            return redirect(back)
        context = {"what": what, "result": result, "back": back}
        return render(request, "org/import_result.html", context, status=400)

    return view


import_org_units = _import_view("org units", may_import_units, org_units_import, "org-units")
import_staff = _import_view("staff", may_import_staff, staff_import, "org-units")
