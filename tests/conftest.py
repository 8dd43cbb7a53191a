import pytest
from django.core.cache import cache

from leads.models import OrgSource
from leads.services import reference_data_ensure

from .factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _reference_data(db):
    """Org sources come from a data migration; a transactional test's flush removes them, so
    they are put back before each test that finds them gone."""
    if not OrgSource.objects.filter(pk=OrgSource.INSTORE_ID).exists():
        reference_data_ensure()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Remembered Basic credentials, failure counters, throttles and cached totals live in the
    # cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2's deliberate slowness protects stored passwords; in tests it only costs time
    # (every UserFactory user hashes one).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Tasks run when enqueued (a deferred one when the test runs it: tests/task_backend.py);
    # the tests that start real workers give those workers the project's backend.
    settings.TASKS = {"default": {"BACKEND": "tests.task_backend.ImmediateWithDeferredBackend"}}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Runs a change, then what it leaves for after its commit (tasks it enqueues: a webhook
    dispatch, a reminder), as a commit would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff(db):
    return UserFactory(username="associate")


@pytest.fixture
def manager(db):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="manager")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="leads",
            codename__in=[
                "add_reason",
                "add_substatus",
                "change_orgsettings",
                "add_extendedfielddefinition",
                "change_extendedfielddefinition",
            ],
        )
    )
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True)
