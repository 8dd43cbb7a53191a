"""Org settings for managers: reasons, sub-statuses, auto-registration, extended fields."""

from django.urls import reverse

from leads.models import ExtendedFieldDefinition, OrgSettings, Reason, SubStatus
from tests.factories import ExtendedFieldFactory, SubStatusFactory

from .conftest import field_errors, text_of

SETTINGS = reverse("org-settings")


def test_settings_page_lists_the_configuration(manager_client):
    SubStatusFactory(status="ON_HOLD", name="YetToDecide")
    Reason.objects.create(reason="Price too high")
    ExtendedFieldFactory(name="budget", label="Budget", data_type="DECIMAL")

    response = manager_client.get(SETTINGS)
    html, text = response.content.decode(), text_of(response)

    # Reasons and sub-statuses are listed in their rename inputs.
    assert 'name="name" value="YetToDecide"' in html
    assert 'name="name" value="Price too high"' in html
    assert "budget Budget Decimal number" in text


def test_manager_adds_a_reason(manager_client):
    response = manager_client.post(reverse("org-add-reason"), {"reason": "  Bought elsewhere "})

    assert response.status_code == 302
    assert list(Reason.objects.values_list("reason", flat=True)) == ["Bought elsewhere"]


def test_blank_reason_is_90018(manager_client):
    response = manager_client.post(reverse("org-add-reason"), {"reason": "  "})

    assert response.status_code == 400
    assert field_errors(response, "reason") == ["90018 · Lead reason cannot be empty"]
    assert not Reason.objects.exists()


def test_manager_adds_a_sub_status_and_a_duplicate_is_92021(manager_client):
    first = manager_client.post(
        reverse("org-add-substatus"), {"status": "ON_HOLD", "name": "AwaitingStock"}
    )
    again = manager_client.post(
        reverse("org-add-substatus"), {"status": "ON_HOLD", "name": "AwaitingStock"}
    )

    assert first.status_code == 302
    assert again.status_code == 400
    assert field_errors(again, "name") == [
        "92021 · Lead sub status AwaitingStock already exists for status ON_HOLD"
    ]
    assert SubStatus.objects.filter(name="AwaitingStock").count() == 1


def test_sub_status_without_status_or_name_is_92022_and_92023(manager_client):
    response = manager_client.post(reverse("org-add-substatus"), {"status": "", "name": ""})

    assert field_errors(response, "status") == ["92022 · Lead status cannot be empty"]
    assert field_errors(response, "name") == ["92023 · Lead sub status cannot be empty"]
    assert not SubStatus.objects.exists()


def test_manager_switches_auto_registration_off_and_on(manager_client):
    manager_client.post(reverse("org-auto-registration"), {})
    assert OrgSettings.load().auto_register_customers is False

    manager_client.post(reverse("org-auto-registration"), {"auto_register_customers": "on"})
    assert OrgSettings.load().auto_register_customers is True


def test_manager_adds_an_extended_field_with_allowed_values(manager_client):
    response = manager_client.post(
        reverse("org-add-extended-field"),
        {"name": "size", "label": "Size", "data_type": "STRING", "choices": "S, M, L"},
    )

    assert response.status_code == 302
    field = ExtendedFieldDefinition.objects.get()
    assert (field.name, field.label, field.choices, field.is_active) == (
        "size",
        "Size",
        ["S", "M", "L"],
        True,
    )


def test_a_taken_extended_field_name_is_90022(manager_client):
    ExtendedFieldFactory(name="size")

    response = manager_client.post(
        reverse("org-add-extended-field"), {"name": "size", "data_type": "STRING"}
    )

    assert field_errors(response, "name") == ["90022 · Extended field size already exists"]
    assert ExtendedFieldDefinition.objects.count() == 1


def test_an_extended_field_name_that_is_not_a_slug_is_refused(manager_client):
    response = manager_client.post(
        reverse("org-add-extended-field"), {"name": "two words", "data_type": "STRING"}
    )

    assert response.status_code == 400
    assert field_errors(response, "name")
    assert not ExtendedFieldDefinition.objects.exists()


def test_manager_switches_an_extended_field_off(manager_client):
    field = ExtendedFieldFactory(name="size")

    response = manager_client.post(
        reverse("org-toggle-extended-field", args=[field.pk]), {"is_active": "false"}
    )

    assert response.status_code == 302
    field.refresh_from_db()
    assert field.is_active is False
    assert "Extended field “size” is now switched off." in text_of(manager_client.get(SETTINGS))


def test_associate_cannot_switch_an_extended_field(staff_client):
    field = ExtendedFieldFactory(name="size")

    response = staff_client.post(
        reverse("org-toggle-extended-field", args=[field.pk]), {"is_active": "false"}
    )

    assert response.status_code == 403
    field.refresh_from_db()
    assert field.is_active is True
