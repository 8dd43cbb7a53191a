"""The form renderer of every form: Django's, but with selects and plain inputs written by a
plain loop, and the pages' field block (``{% field %}``) written the same way.

Django renders each ``<option>`` through an ``{% include %}`` of its own template; the lead
list's filters and bulk bar hold a couple of hundred options (owners, reasons, sub-statuses,
sources), and those includes were a third of the page's time. An ``<input>`` is two includes
of its own, and each field's label, errors and hint one more. The HTML is the same byte for
byte (``tests/pages/test_form_renderer.py`` compares the two).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Django's input widgets whose template is only ``{% include "…/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "date",
        "datetime",
        "time",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "url",
    )
)


def esc(value: Any) -> str:
    """``conditional_escape``: safe text as it is, anything else escaped; without the lazy-text
    check on every call (the selects escape hundreds of values per page)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _text(value: Any) -> str:
    # As ``{{ value|stringformat:'s' }}``: the text of the value, always escaped.
    return escape(f"{value}")


def _attrs(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name.
    if not attrs:
        return ""
    return "".join(
        f" {esc(name)}" if value is True else f' {esc(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


SELECTED = {"selected": True}


@lru_cache(maxsize=4096)
def _plain_option(value: str, label: str, selected: bool) -> str:
    # The same few hundred options (owners, stores, sources...) on every page: escaped once.
    return (
        f'\n  <option value="{escape(value)}"{" selected" if selected else ""}>'
        f"{escape(label)}</option>\n"
    )


def render_select(widget: dict[str, Any]) -> str:
    """The HTML of django/forms/widgets/select.html for a widget's template context."""
    parts = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in options:
            label, attrs = option["label"], option["attrs"]
            if type(label) is str and (not attrs or attrs == SELECTED):
                parts.append(_plain_option(f"{option['value']}", label, bool(attrs)))
            else:
                parts.append(
                    f'\n  <option value="{_text(option["value"])}"'
                    f"{_attrs(attrs)}>{esc(label)}</option>\n"
                )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's last newline
    return "".join(parts)


def render_input(widget: dict[str, Any]) -> str:
    """The HTML of django/forms/widgets/input.html for a widget's template context."""
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    return (
        f'<input type="{esc(widget["type"])}" '
        f'name="{esc(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


class FormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        widget = context.get("widget")
        if (
            template_name == SELECT_TEMPLATE
            and widget is not None
            and all(
                option.get("template_name") == OPTION_TEMPLATE
                for _name, options, _index in widget["optgroups"]
                for option in options
            )
        ):
            return mark_safe(render_select(widget))
        if template_name in INPUT_TEMPLATES and widget is not None and "type" in widget:
            return mark_safe(render_input(widget))
        return super().render(template_name, context, request)
