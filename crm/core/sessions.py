"""Django's database sessions, with the session read on every page in SQL compiled once.

Building and compiling ``Session.objects.get(session_key=..., expire_date__gt=now)`` cost more
CPU than running it; as for the user behind the session (``crm.org.auth.StaffBackend``), the
query is compiled once per process (``crm.core.db.PreparedQuery``). Writing, expiring and
deleting sessions stay Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from .db import MOMENT_MARKS, PreparedQuery

# A value of the key's type that no session key holds (keys are letters and digits).
_KEY_MARK = "\x00session\x00"
_SESSION = PreparedQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data"
    ),
    _KEY_MARK,
    MOMENT_MARKS[0],
)


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        row = _SESSION.first(self.session_key, timezone.now()) if self.session_key else None
        if row is None:
            # As Django's store: a missing or expired session leaves an empty one, with a new
            # key when it is saved.
            self._session_key = None
            return {}
        return self.decode(row[0])
