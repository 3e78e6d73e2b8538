"""One session per page (a browser tab): its own model, changed in place, and nothing shared between sessions.

Each page load gets a random session id (:func:`new_id`); every answer it asks for is computed
on that session's :class:`~bargaining.BargainingSpace`, built once from the loaded scenario
and changed in place for each variant (``space.what_if``), one question at a time (a lock).
A newer change cancels an older one: each request takes a *ticket*; a computation whose
ticket is no longer the newest stops at its next step and answers nothing.

Memory is bounded: at most ``limit`` sessions are kept (the least recently used is dropped
first) and a session unused for ``idle`` seconds is dropped; a dropped session that asks
again gets a new model, built in milliseconds.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from ..scenario import Scenario
from ..space import BargainingSpace

#: Sessions kept at most, and seconds after which an unused one is dropped.
MAX_SESSIONS = 32
IDLE_SECONDS = 1800.0
#: Answers kept per session (the same variant asked again is answered at once).
CACHED_ANSWERS = 16
_ID = re.compile(r"[0-9a-f]{32}")


def new_id() -> str:
    return secrets.token_hex(16)


class Session:
    """A page's model and what it last computed."""

    def __init__(self, scenario: Scenario):
        self.space = BargainingSpace(scenario, progress=False)
        self.lock = threading.Lock()  # one question at a time on the model
        self.cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self.used = time.monotonic()
        self._newest: dict[str, int] = {}
        self._count = threading.Lock()

    def ticket(self, kind: str) -> int:
        """A new request of this kind: every older one of the same kind is now stale."""
        with self._count:
            self._newest[kind] = self._newest.get(kind, 0) + 1
            return self._newest[kind]

    def stale(self, kind: str, ticket: int) -> bool:
        return self._newest.get(kind) != ticket

    def remember(self, key: tuple[str, str], value: Any) -> None:
        self.cache[key] = value
        self.cache.move_to_end(key)
        while len(self.cache) > CACHED_ANSWERS:
            self.cache.popitem(last=False)


class Sessions:
    """The sessions of one app (no state outside them)."""

    def __init__(self, scenario: Scenario, limit: int = MAX_SESSIONS, idle: float = IDLE_SECONDS):
        self.scenario = scenario
        self.limit, self.idle = limit, idle
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: Any) -> Session:
        """The session with this id (a new one if it is unknown or was dropped); a malformed id gets a fresh one."""
        key = session_id if isinstance(session_id, str) and _ID.fullmatch(session_id) else new_id()
        now = time.monotonic()
        with self._lock:
            for old in [k for k, s in self._sessions.items() if now - s.used > self.idle]:
                del self._sessions[old]
            session = self._sessions.get(key)
            if session is None:
                session = self._sessions[key] = Session(self.scenario)
                while len(self._sessions) > self.limit:
                    self._sessions.popitem(last=False)
            self._sessions.move_to_end(key)
            session.used = now
            return session
