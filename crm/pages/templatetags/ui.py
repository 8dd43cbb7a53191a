"""Template helpers of the staff pages: status badges, form fields with their coded errors,
sortable column headers, navigation state and the dashboard's charts."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from leads.errors import error_code_of, rendered_message
from leads.models import Status

from ..access import is_manager
from ..form_renderer import esc

register = template.Library()

STATUS_CLASSES = {
    Status.OPEN: "open",
    Status.ON_HOLD: "hold",
    Status.WON: "won",
    Status.LOST: "lost",
    Status.DELETED: "deleted",
}


register.filter("is_manager", is_manager)


@register.simple_tag
def status_badge(status: str, sub_status: Any = None, stacked: bool = False) -> str:
    """A coloured status pill; the sub-status inside it, or on a line below it in tables."""
    label = Status(status).label if status in Status.values else status
    css = STATUS_CLASSES.get(status, "deleted")
    if sub_status and stacked:
        return format_html(
            '<span class="status-stack"><span class="badge badge-{}">{}</span>'
            '<span class="badge-below">{}</span></span>',
            css,
            label,
            getattr(sub_status, "name", sub_status),
        )
    if sub_status:
        return format_html(
            '<span class="badge badge-{}">{}<span class="badge-sub">{}</span></span>',
            css,
            label,
            getattr(sub_status, "name", sub_status),
        )
    return format_html('<span class="badge badge-{}">{}</span>', css, label)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "deleted")


@register.filter
def coded(error: Any) -> str:
    """ "92024 · Status change not allowed on closed leads" for a registry error, the plain
    message for Django's own (a date that does not parse, a missing required field)."""
    if isinstance(error, ValidationError):
        code = error_code_of(error)
        message = rendered_message(error)
        return f"{code} · {message}" if code is not None else message
    if isinstance(error, dict) and "code" in error:
        return f"{error['code']} · {error.get('message', '')}"
    return str(error)


FIELD_TEMPLATE = "components/field.html"


def field_context(bound: BoundField, css: str = "", hint: str = "") -> dict[str, Any]:
    """What components/field.html shows of a bound field."""
    widget = bound.field.widget
    kind = getattr(widget, "input_type", None) or widget.__class__.__name__.lower()
    return {
        "field": bound,
        "errors": bound.errors.as_data() if bound.errors else [],
        "css": css,
        "hint": hint or bound.help_text,
        "kind": kind,
        "is_check": kind == "checkbox",
        "is_radio": kind == "radio",
    }


def render_field(context: dict[str, Any]) -> str:
    """components/field.html for a field that is neither a checkbox nor radio buttons, written
    without the template engine (a form of many fields, as the lead list's filters, paid a
    template render per field): the same HTML byte for byte (tests/pages/test_form_renderer.py)."""
    bound, errors, css, hint = context["field"], context["errors"], context["css"], context["hint"]
    e = esc
    classes = f"field{' has-error' if errors else ''}{f' {e(css)}' if css else ''}"
    error_html = "".join(
        '<p class="field-error" role="alert"><svg class="icon" aria-hidden="true">'
        f'<use href="#i-alert"/></svg>{e(coded(error))}</p>'
        for error in errors
    )
    hint_html = f'<p class="hint">{e(hint)}</p>' if hint else ""
    return (
        f'<div class="{classes}">\n  \n'
        f'    <label class="label" for="{e(bound.id_for_label)}">{e(bound.label)}</label>\n'
        f"    {bound}\n  \n  {error_html}\n  {hint_html}\n</div>\n"
    )


@register.simple_tag
def field(bound: BoundField, css: str = "", hint: str = "") -> str:
    """A form field with its label, coded errors and hint (components/field.html)."""
    context = field_context(bound, css, hint)
    if context["is_check"] or context["is_radio"]:
        return render_to_string(FIELD_TEMPLATE, context)
    return mark_safe(render_field(context))


@register.inclusion_tag("components/form_errors.html")
def form_errors(form: Any) -> dict[str, Any]:
    errors = form.non_field_errors().as_data() if form is not None else []
    return {"errors": errors}


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str) -> str:
    """A column header that sorts the list by ``key``; a second click reverses the order."""
    request = context["request"]
    current = request.GET.get("sortBy") or "createdOn"
    order = (request.GET.get("sortOrder") or "DESC").upper()
    active = current == key
    next_order = "ASC" if active and order == "DESC" else "DESC"
    params = request.GET.copy()
    params["sortBy"] = key
    params["sortOrder"] = next_order
    params.pop("page", None)
    arrow = ("↓" if order == "DESC" else "↑") if active else "↕"
    sort = ("descending" if order == "DESC" else "ascending") if active else "none"
    return format_html(
        '<a class="sort{}" href="?{}" aria-sort="{}">{} <span class="sort-arrow" '
        'aria-hidden="true">{}</span></a>',
        " sort-active" if active else "",
        params.urlencode(),
        sort,
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def nav_active(context: dict[str, Any], *names: str) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    return "active" if match is not None and match.url_name in names else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if not mapping:
        return None
    return mapping.get(str(key))


@register.filter
def initials(user: Any) -> str:
    # The error pages show the sidebar to anonymous visitors too (a 404), who have no name.
    full_name = user.get_full_name() if user.is_authenticated else ""
    return name_initials(full_name, user.get_username())


def name_initials(full_name: str, username: str) -> str:
    """The avatar's letters: of the first two words of the full name, else of the username."""
    return "".join(part[0] for part in (full_name or username).split()[:2]).upper()


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


# --- charts ----------------------------------------------------------------------------------


@register.inclusion_tag("components/bar_chart.html")
def bar_chart(rows: list[dict[str, Any]], label: str = "") -> dict[str, Any]:
    """Horizontal bars, one link per row to the list it counts. Each row: label, n, url and
    an optional css class."""
    top = max((row["n"] for row in rows), default=0)
    return {
        "rows": [
            {**row, "width": (row["n"] / top * 100) if top else 0, "css": row.get("css", "")}
            for row in rows
        ],
        "label": label,
        "empty": not top,
    }


@register.inclusion_tag("components/column_chart.html")
def column_chart(columns: list[dict[str, Any]], label: str = "") -> dict[str, Any]:
    """Vertical columns on an SVG canvas (bars stretch with the card; the labels stay HTML so
    they keep their size at any width). Each column: label, n, url."""
    top = max((col["n"] for col in columns), default=0)
    count = len(columns) or 1
    slot = 100 / count
    gap = slot * 0.22
    bars = []
    for index, col in enumerate(columns):
        height = (col["n"] / top * 92) if top else 0
        bars.append(
            {
                **col,
                "x": round(index * slot + gap / 2, 3),
                "width": round(slot - gap, 3),
                "y": round(100 - height, 3),
                "height": round(max(height, 0.8 if col["n"] else 0), 3),
            }
        )
    return {"bars": bars, "label": label, "count": count, "empty": not top, "top": top}


@register.inclusion_tag("components/donut.html")
def donut(fraction: float | None, label: str = "") -> dict[str, Any]:
    """A ring filled to ``fraction`` (0..1); empty when there is nothing to measure."""
    circumference = 2 * 3.14159265 * 40
    filled = (fraction or 0) * circumference
    return {
        "fraction": fraction,
        "filled": round(filled, 2),
        "rest": round(circumference - filled, 2),
        "circumference": round(circumference, 2),
        "label": label,
    }


# The lead list's last query string (filters and sort), kept in a cookie by the list.
LIST_QUERY_COOKIE = "lead_list_query"


@register.simple_tag(takes_context=True)
def lead_list_url(context: Any) -> str:
    """The lead list as the person last filtered it: the lead page's way back."""
    request = context.get("request")
    raw = request.COOKIES.get(LIST_QUERY_COOKIE, "") if request is not None else ""
    query = QueryDict(raw[:2000]).urlencode()
    return reverse("lead-list") + (f"?{query}" if query else "")
