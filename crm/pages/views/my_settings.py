"""Your settings: the time zone your pages show times in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from crm.core.models import available_time_zones

from ..access import staff_required
from ..forms import MySettingsForm


@staff_required
def my_settings(request: HttpRequest) -> HttpResponse:
    form = MySettingsForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and (user := form.submit(user=request.user)) is not None:
        messages.success(request, f"Times are now shown in {user.zone}.")
        return redirect("my-settings")
    context = {
        "form": form,
        "org_zone": settings.TIME_ZONE,
        "zones": sorted(available_time_zones()),
    }
    return render(request, "account/my_settings.html", context, status=400 if form.errors else 200)
