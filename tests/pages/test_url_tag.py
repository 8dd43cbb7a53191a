"""``{% url %}`` reverses a name without arguments once per process and setting, and answers
what Django's tag answers (crm/pages/templatetags/urls.py)."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from crm.pages.templatetags import urls as url_tag


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_an_address_is_reversed_once_and_answers_as_djangos(monkeypatch):
    calls = []
    real = url_tag.reverse
    monkeypatch.setattr(url_tag, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    url_tag._reversed.clear()

    first, second = render("{% url 'lead-list' %}"), render("{% url 'lead-list' %}")

    assert first == second == reverse("lead-list")
    assert len(calls) == 1
    assert render("{% url 'lead-detail' 7 %}") == reverse("lead-detail", args=[7])
    assert render("{% url 'no-such-page' as missing %}[{{ missing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")


def test_another_script_prefix_or_urlconf_has_its_own_address():
    url_tag._reversed.clear()
    plain = render("{% url 'lead-list' %}")
    set_script_prefix("/crm/")
    try:
        prefixed = render("{% url 'lead-list' %}")
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF=__name__):
        swapped = render("{% url 'lead-list' %}")

    assert (plain, prefixed, swapped) == ("/leads/", "/crm/leads/", "/elsewhere/")
    assert render("{% url 'lead-list' %}") == "/leads/"


urlpatterns = [path("elsewhere/", lambda request: None, name="lead-list")]
