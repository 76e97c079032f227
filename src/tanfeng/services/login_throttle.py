"""Login throttling shared by every worker: attempts counted atomically in the database or Redis.

Each attempt is counted *before* the password is checked, under a row lock (PostgreSQL) or the
write lock (SQLite), so parallel guesses cannot all slip through. A key (client address or account
name) has ``free`` attempts; after that each further attempt must wait a back-off that doubles up
to ``cap`` seconds. A key quiet for ``window`` seconds after its back-off is forgotten. A
successful login clears the account's key and takes back only its own attempt from the client's
key, so logging into one's own account never clears others' failures from the same address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.expression import Executable

from tanfeng.db.account_models import LoginThrottle
from tanfeng.db.session import Database


@dataclass(frozen=True)
class Policy:
    account_free: int = 5
    client_free: int = 20
    backoff: float = 30.0  # seconds after the last free attempt; doubles with each further attempt
    cap: float = 900.0
    window: float = 300.0

    def free(self, key: str) -> int:
        return self.account_free if key.startswith("user:") else self.client_free

    def delay(self, key: str, attempts: int) -> float:
        excess = attempts - self.free(key)
        return 0.0 if excess < 0 else min(self.backoff * 2 ** min(excess, 30), self.cap)


class Throttle(Protocol):
    def reserve(self, *keys: str) -> float:
        """Count one attempt on every key; 0 when allowed, else the seconds to wait (nothing counted)."""
        ...

    def succeeded(self, account_key: str, client_key: str) -> None: ...


def _state(policy: Policy, key: str, attempts: int, last: float, allowed_at: float, now: float) -> tuple[int, float]:
    """(attempts, wait) for a key: forgotten after a quiet window, waiting while in back-off."""
    if now - max(last, allowed_at) >= policy.window:
        return 0, 0.0
    return attempts, max(allowed_at - now, 0.0) if attempts >= policy.free(key) else 0.0


class DatabaseThrottle:
    """Counts in ``login_throttle``; the insert-then-lock makes concurrent reservations queue up."""

    def __init__(self, db: Database, policy: Policy) -> None:
        self.db, self.policy = db, policy

    def _new_row(self, key: str, now: float) -> Executable:
        insert = sqlite_insert if self.db.is_sqlite else pg_insert
        return insert(LoginThrottle).values(key=key, attempts=0, last_attempt=now,
                                            next_allowed=0.0).on_conflict_do_nothing()

    def reserve(self, *keys: str) -> float:
        now = time.time()
        keys = tuple(sorted(set(keys)))  # one lock order for every request: no deadlock between them
        with self.db.transaction() as session:
            # A write first: on SQLite it takes the database write lock, so reservations are serial.
            for key in keys:
                session.execute(self._new_row(key, now))
            rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                                   .with_for_update()).all()
            states = {r.key: _state(self.policy, r.key, r.attempts, r.last_attempt, r.next_allowed, now)
                      for r in rows}
            wait = max((w for _, w in states.values()), default=0.0)
            if wait > 0:
                return wait
            for row in rows:
                row.attempts = states[row.key][0] + 1
                row.last_attempt = now
                row.next_allowed = now + self.policy.delay(row.key, row.attempts)
        return 0.0

    def succeeded(self, account_key: str, client_key: str) -> None:
        with self.db.transaction() as session:
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
            row = session.scalars(select(LoginThrottle).where(LoginThrottle.key == client_key)
                                  .with_for_update()).first()
            if row is not None and row.attempts > 0:
                row.attempts -= 1
                if row.attempts < self.policy.free(client_key):
                    row.next_allowed = 0.0


# One attempt on every key, atomically inside Redis: the same rule as DatabaseThrottle.
_RESERVE = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local backoff, cap = tonumber(ARGV[3]), tonumber(ARGV[4])
local states, wait = {}, 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[4 + i])
  local h = redis.call('HMGET', key, 'attempts', 'last', 'allowed')
  local attempts, last, allowed = tonumber(h[1]) or 0, tonumber(h[2]) or 0, tonumber(h[3]) or 0
  if now - math.max(last, allowed) >= window then attempts = 0 end
  if attempts >= free and allowed > now then wait = math.max(wait, allowed - now) end
  states[i] = {attempts, free}
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  local attempts, free = states[i][1] + 1, states[i][2]
  local delay = 0
  if attempts >= free then delay = math.min(backoff * 2 ^ math.min(attempts - free, 30), cap) end
  redis.call('HSET', key, 'attempts', attempts, 'last', now, 'allowed', now + delay)
  redis.call('EXPIRE', key, math.ceil(delay + window))
end
return '0'
"""

_SUCCEEDED = """
redis.call('DEL', KEYS[1])
local attempts = tonumber(redis.call('HGET', KEYS[2], 'attempts') or '0')
if attempts > 0 then
  redis.call('HSET', KEYS[2], 'attempts', attempts - 1)
  if attempts - 1 < tonumber(ARGV[1]) then redis.call('HSET', KEYS[2], 'allowed', 0) end
end
return 1
"""


class RedisThrottle:
    """The same rule in Redis (``TANFENG_REDIS_URL``), for several servers sharing one limit."""

    PREFIX = "tanfeng:login:"

    def __init__(self, url: str, policy: Policy) -> None:
        import redis

        self.policy = policy
        self.client = redis.Redis.from_url(url, socket_timeout=5)
        self._reserve = self.client.register_script(_RESERVE)
        self._succeeded = self.client.register_script(_SUCCEEDED)

    def reserve(self, *keys: str) -> float:
        keys = tuple(sorted(set(keys)))
        p = self.policy
        wait = self._reserve(keys=[self.PREFIX + k for k in keys],
                             args=[time.time(), p.window, p.backoff, p.cap, *(p.free(k) for k in keys)])
        return float(wait)

    def succeeded(self, account_key: str, client_key: str) -> None:
        self._succeeded(keys=[self.PREFIX + account_key, self.PREFIX + client_key],
                        args=[self.policy.free(client_key)])
