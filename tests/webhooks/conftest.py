import pytest

from .receiver import Receiver, start


@pytest.fixture
def receiver(settings):
    """A receiver on loopback, which the tests' settings allow webhooks to reach."""
    settings.WEBHOOK_ALLOWED_PRIVATE_RANGES = ["127.0.0.0/8"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    recorded = Receiver()
    server, thread = start(recorded)
    yield recorded
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
