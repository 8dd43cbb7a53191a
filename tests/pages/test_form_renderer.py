"""The page forms' selects come from a plain loop: the same HTML as Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from crm.pages.form_renderer import FormRenderer
from crm.pages.forms import BulkActionForm, LeadSearchForm
from leads.selectors import assignable_owners, org_source_list, reason_list, substatus_list
from tests.factories import ReasonFactory, SubStatusFactory, UserFactory


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & B"), ("b", '"quoted"'), (3, 3)])
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    grouped = forms.ChoiceField(
        choices=[("Open", [("1", "New"), ("2", "Called")]), ("Won", [("3", "Paid")])],
        widget=forms.Select(attrs={"data-flag": True, "hidden-flag": False, "class": "a<b"}),
    )
    maybe = forms.NullBooleanField(required=False)
    text = forms.CharField(required=False)


def _both(form_class, *args, **kwargs):
    fast = form_class(*args, renderer=FormRenderer(), **kwargs)
    django = form_class(*args, renderer=DjangoTemplates(), **kwargs)
    return fast, django


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "b", "many": ["x", "y"], "grouped": "2", "maybe": "true", "text": "<i>"}],
)
def test_select_html_is_djangos_byte_for_byte(data):
    fast, django = _both(Sample, data)
    for name in django.fields:
        assert str(fast[name]) == str(django[name]), name
    assert "multiple" in str(fast["many"]) and "<optgroup" in str(fast["grouped"])
    if data:
        assert '<option value="b" selected>&quot;quoted&quot;</option>' in str(fast["plain"])


@pytest.mark.django_db
def test_lead_list_forms_render_as_with_djangos_templates():
    UserFactory(username="ravi")
    SubStatusFactory(status="ON_HOLD", name="Waiting & seeing")
    ReasonFactory(reason="Moved <away>")
    owners, sources = list(assignable_owners()), list(org_source_list())
    sub_statuses, reasons = list(substatus_list()), list(reason_list())
    data = {"status": "OPEN", "owner": "ravi", "sortBy": "createdOn"}
    search_args = {"owners": owners, "sources": sources, "sub_status_names": ["Waiting & seeing"]}
    fast, django = _both(LeadSearchForm, data, **search_args)
    bulk_args = {"owners": owners, "sub_statuses": sub_statuses, "reasons": reasons}
    fast_bulk, django_bulk = _both(BulkActionForm, **bulk_args)
    for ours, theirs in ((fast, django), (fast_bulk, django_bulk)):
        for name in theirs.fields:
            assert str(ours[name]) == str(theirs[name]), name
    assert "Moved &lt;away&gt;" in str(fast_bulk["reason"])


class Fields(forms.Form):
    text = forms.CharField(
        label="Name <b>",
        help_text="Help & <i>",
        widget=forms.TextInput(attrs={"class": "a<b", "autofocus": True, "off": False}),
    )
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    choice = forms.ChoiceField(choices=[("1", "One"), ("2", "Two & more")])
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    count = forms.IntegerField(required=False)


@pytest.mark.parametrize(
    "data", [None, {"text": '"quoted" <x>', "when": "not a date", "choice": "9", "count": "1"}]
)
@pytest.mark.parametrize("css, hint", [("", ""), ("span-2", "A hint & <more>")])
def test_the_field_tag_writes_what_its_template_does(data, css, hint):
    """{% field %} writes components/field.html in Python for inputs and selects: byte for
    byte what the template (kept for checkboxes and radio buttons) renders."""
    from django.template.loader import render_to_string

    from crm.pages.templatetags.ui import FIELD_TEMPLATE, field, field_context

    fast, django = _both(Fields, data)
    for name in django.fields:
        expected = render_to_string(FIELD_TEMPLATE, field_context(django[name], css, hint))
        assert field(fast[name], css, hint) == expected, name
    if data:
        assert "has-error" in field(fast["when"]) and "has-error" not in field(fast["secret"])


@pytest.mark.django_db
def test_the_lead_filters_are_written_as_the_field_template_writes_them():
    from django.template.loader import render_to_string

    from crm.pages.reference import reference_lists
    from crm.pages.templatetags.ui import FIELD_TEMPLATE, field, field_context

    UserFactory(username="ravi", first_name="", last_name="")
    lists = reference_lists()
    data = {"status": "MAYBE", "owner": "ravi", "storeCode": "<S1>", "createdOnFrom": "x"}
    args = {"owners": lists.owners, "sources": lists.sources, "stores": lists.active_stores}
    fast, django = _both(LeadSearchForm, data, sub_status_names=["A & B"], **args)
    fast.add_error("status", "92003 · Invalid Lead Status MAYBE")
    django.add_error("status", "92003 · Invalid Lead Status MAYBE")
    for name in django.fields:
        expected = render_to_string(FIELD_TEMPLATE, field_context(django[name]))
        assert field(fast[name]) == expected, name
    assert '<option value="ravi" selected>ravi</option>' in field(fast["owner"])
