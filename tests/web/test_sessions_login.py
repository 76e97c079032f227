"""Server-side sessions and the shared login throttle, on SQLite and PostgreSQL (and Redis)."""

from __future__ import annotations

import base64
import concurrent.futures as cf
import json
import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from tanfeng.db.session import Database
from tanfeng.services.login_throttle import DatabaseThrottle, Policy, RedisThrottle, Throttle
from tanfeng.web import WebSettings, create_app

from .conftest import PASSWORD, populate, settings

REDIS_URL = os.environ.get("TANFENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def web(db_url: str) -> Iterator[tuple[FastAPI, Database]]:
    db = Database(db_url)
    populate(db)
    try:
        yield create_app(settings(), db), db
    finally:
        db.dispose()


def _login(app: FastAPI, username: str, password: str) -> int:
    with TestClient(app) as client:  # its own event loop: the requests really run side by side
        return client.post("/api/v1/session", json={"username": username, "password": password}).status_code


def test_forty_parallel_guesses_never_log_in(web: tuple[FastAPI, Database]) -> None:
    app, _db = web
    with cf.ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(lambda i: _login(app, "office", f"wrong-{i}"), range(40)))
    assert codes.count(401) <= 5 and codes.count(200) == 0
    assert codes.count(429) == 40 - codes.count(401)
    assert _login(app, "office", PASSWORD) == 429  # the right password waits out the back-off too


def test_own_login_does_not_clear_the_clients_failures(db_url: str) -> None:
    db = Database(db_url)
    populate(db)
    app = create_app(WebSettings(mode="development", secret_key="s" * 40, login_client_max_failures=3), db)
    try:
        client = TestClient(app)
        guess = {"username": "office", "password": "wrong-password"}
        assert client.post("/api/v1/session", json=guess).status_code == 401
        assert client.post("/api/v1/session", json={**guess, "username": "admin"}).status_code == 401
        assert client.post("/api/v1/session", json={"username": "unit", "password": PASSWORD}).status_code == 200
        assert client.post("/api/v1/session", json={**guess, "username": "viewer"}).status_code == 401
        # three failures from this address: the fourth attempt, whoever it is for, must wait
        assert client.post("/api/v1/session", json={"username": "unit2", "password": PASSWORD}).status_code == 429
    finally:
        db.dispose()


def _hammer(throttle: Throttle) -> list[float]:
    with cf.ThreadPoolExecutor(32) as pool:
        return list(pool.map(lambda _: throttle.reserve("ip:10.0.0.9", "user:office"), range(64)))


def test_database_throttle_counts_atomically(db_url: str) -> None:
    db = Database(db_url)
    try:
        waits = _hammer(DatabaseThrottle(db, Policy(account_free=5, client_free=50)))
        assert waits.count(0.0) == 5 and all(w > 0 for w in waits if w)
    finally:
        db.dispose()


@pytest.fixture
def redis_url() -> str:
    """Redis on this machine; missing, the test fails under TANFENG_REQUIRE_REDIS=1 (CI), else skips."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as err:
        if os.environ.get("TANFENG_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis not reachable at {REDIS_URL}: {err} (TANFENG_REQUIRE_REDIS=1)")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {err}")
    return REDIS_URL


def test_redis_throttle_counts_atomically(redis_url: str) -> None:
    throttle = RedisThrottle(redis_url, Policy(account_free=5, client_free=50))
    throttle.PREFIX = f"tanfeng-test-{uuid.uuid4().hex}:"
    waits = _hammer(throttle)
    assert waits.count(0.0) == 5
    throttle.succeeded("user:office", "ip:10.0.0.9")
    assert throttle.reserve("user:office") == 0.0  # a success clears the account's back-off
    throttle.client.delete(*throttle.client.keys(throttle.PREFIX + "*"))


def test_backoff_doubles_and_is_forgotten_after_a_quiet_window(db_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(db_url)
    now = [1_000_000.0]
    monkeypatch.setattr("tanfeng.services.login_throttle.time.time", lambda: now[0])
    try:
        throttle = DatabaseThrottle(db, Policy(account_free=2, backoff=10, cap=40, window=100))
        assert [throttle.reserve("user:x") for _ in range(2)] == [0.0, 0.0]
        assert throttle.reserve("user:x") == 10.0  # no hard lock-out: a wait
        now[0] += 10
        assert throttle.reserve("user:x") == 0.0
        assert throttle.reserve("user:x") == 20.0
        now[0] += 20 + 100
        assert [throttle.reserve("user:x") for _ in range(2)] == [0.0, 0.0]  # forgotten
    finally:
        db.dispose()


def test_a_copied_cookie_stops_working_at_logout(web: tuple[FastAPI, Database]) -> None:
    app, _db = web
    owner = TestClient(app)
    token = owner.post("/api/v1/session", json={"username": "office", "password": PASSWORD}).json()["csrf_token"]
    copy = TestClient(app, cookies={"tanfeng_session": owner.cookies["tanfeng_session"]})
    assert copy.get("/api/v1/me").status_code == 200
    assert owner.delete("/api/v1/session", headers={"X-CSRF-Token": token}).status_code == 200
    assert copy.get("/api/v1/me").status_code == 401
    assert copy.get("/review", follow_redirects=False).status_code == 303


def test_a_forged_development_cookie_is_refused(fx_db: Database) -> None:
    app = create_app(WebSettings(mode="development"), fx_db)  # no key: a random one for this run
    assert app.state.settings.secret_generated
    for secret in ("dev-only-secret", "development"):  # the old fixed key and a placeholder
        signer = TimestampSigner(secret)
        for data in ({"uid": 1, "sv": 1}, {"sid": "a" * 43}):
            payload = base64.b64encode(json.dumps(data).encode())
            forged = signer.sign(payload).decode()
            client = TestClient(app, cookies={"tanfeng_session": forged})
            assert client.get("/api/v1/me").status_code == 401
            assert client.get("/api/v1/users").status_code == 401


def test_a_validly_signed_cookie_without_a_live_session_is_refused(web: tuple[FastAPI, Database]) -> None:
    """Even with the real key, only a session the server issued (and still holds) counts."""
    app, _db = web
    signer = TimestampSigner(app.state.settings.secret_key.get_secret_value())
    for data in ({"uid": 1, "sv": 1}, {"sid": "b" * 43}):
        forged = signer.sign(base64.b64encode(json.dumps(data).encode())).decode()
        assert TestClient(app, cookies={"tanfeng_session": forged}).get("/api/v1/me").status_code == 401


@pytest.fixture
def fx_db(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    populate(db)
    yield db
    db.dispose()


def test_forty_parallel_guesses_with_the_redis_throttle(fx_db: Database, redis_url: str) -> None:
    app = create_app(WebSettings(mode="development", secret_key="r" * 40, redis_url=redis_url), fx_db)
    throttle = app.state.throttle
    assert isinstance(throttle, RedisThrottle)
    throttle.PREFIX = f"tanfeng-test-{uuid.uuid4().hex}:"
    try:
        with cf.ThreadPoolExecutor(40) as pool:
            codes = list(pool.map(lambda i: _login(app, "office", f"wrong-{i}"), range(40)))
        assert codes.count(401) <= 5 and codes.count(200) == 0
        assert _login(app, "office", PASSWORD) == 429
    finally:
        keys = throttle.client.keys(throttle.PREFIX + "*")
        if keys:
            throttle.client.delete(*keys)
