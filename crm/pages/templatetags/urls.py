"""``{% url %}`` as Django's, with the address of a name that takes no arguments reversed once per
process (and script prefix, URLconf and application namespace).

Every page's frame names some twenty addresses (the navigation, the top bar, the forms), and
``reverse()`` costs about 20 µs each time: half a millisecond of each page for text that never
changes while the process runs. Installed as a template builtin (``TEMPLATES`` in settings), so
every template, the admin's too, uses it without a ``{% load %}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_reversed: dict[tuple[Any, ...], str] = {}


def reverse_once(view_name: str, current_app: str | None) -> str:
    """``reverse(view_name)``, kept for the next time it is asked in the same setting."""
    key = (view_name, current_app, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(view_name, current_app=current_app)
    return url


def _forget(**_: Any) -> None:
    # A test that swaps the URLconf (override_settings) gets its own addresses.
    _reversed.clear()


setting_changed.connect(_forget, dispatch_uid="crm-pages-reverse-once")


class OnceURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        # As Django's tag: a name that does not reverse raises, unless "as var" is used.
        url = ""
        try:
            url = reverse_once(view_name, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = django_url(parser, token)
    return OnceURLNode(node.view_name, node.args, node.kwargs, node.asvar)
