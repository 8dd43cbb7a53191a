import pytest
from rest_framework.test import APIClient


@pytest.fixture
def manager_api(manager):
    """The API as a manager, authentication left out."""
    client = APIClient()
    client.force_authenticate(manager)
    return client
