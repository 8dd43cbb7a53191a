import re

import pytest
from django.test import Client

from leads.models import OrgSettings

# What every page costs before its own reads: the session, the user, the user's and groups'
# permissions (the navigation shows managers' links), the counts of follow-ups overdue and
# due today beside "My follow-ups", and of unread notifications beside "Notifications".
FRAME_QUERIES = 6


@pytest.fixture
def client_for():
    """A browser-like client signed in as ``user`` (a real session, as the pages use)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def staff_client(staff, client_for):
    return client_for(staff)


@pytest.fixture
def manager_client(manager, client_for):
    return client_for(manager)


@pytest.fixture
def auto_register_off(db):
    settings_row = OrgSettings.load()
    settings_row.auto_register_customers = False
    settings_row.save()
    return settings_row


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed, for "the page says" checks."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_errors(response, name: str) -> list[str]:
    """Error texts shown right under the form field ``name`` on the page."""
    html = response.content.decode()
    block = re.search(
        r'<div class="field[^"]*has-error[^"]*">(?:(?!<div class="field).)*?name="'
        + re.escape(name)
        + r'".*?(?=<div class="field|</form>|</fieldset>)',
        html,
        flags=re.S,
    )
    if not block:
        return []
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', block.group(0), flags=re.S)
    ]
