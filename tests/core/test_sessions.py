"""Sessions are Django's database sessions, read by SQL compiled once (crm.core.sessions)."""

import datetime

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.core.sessions import SessionStore
from tests.factories import UserFactory


def test_a_saved_session_loads_its_data(db):
    store = SessionStore()
    store["cart"] = [1, 2]
    store.save()

    loaded = SessionStore(store.session_key)

    assert loaded["cart"] == [1, 2]
    assert loaded.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key(db):
    store = SessionStore()
    store["cart"] = [1]
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    expired, unknown = SessionStore(store.session_key), SessionStore("x" * 32)

    assert dict(expired.items()) == {} and expired.session_key is None
    assert dict(unknown.items()) == {} and unknown.session_key is None


def test_a_signed_in_page_and_a_logout(db):
    user = UserFactory(username="meera")
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value

    assert client.get(reverse("lead-list")).status_code == 200
    client.post(reverse("logout"))

    assert not Session.objects.filter(pk=key).exists()
    assert client.get(reverse("lead-list")).status_code == 302
