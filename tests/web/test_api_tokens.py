"""API tokens on SQLite and PostgreSQL: an enterprise's monitoring platform pushes its months with a bearer
token (no session, no CSRF token) and reaches only its own enterprise; revoked, expired and deactivated
tokens stop at once; tokens are stored as digests; pages never take them; every step is audited."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from enterprise_data_fixtures import EnterpriseFixture, populate_enterprises
from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.cli import app as cli_app
from tanfeng.db.account_models import ApiToken, AuditEntry
from tanfeng.db.base import utcnow
from tanfeng.db.session import Database
from tanfeng.services import accounts, api_tokens
from tanfeng.web import create_app

from .conftest import login, settings
from .multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD

PUSH = {"records": [{"period": "2024-03", "fuel": "diesel", "quantity": 12.5, "unit": "吨"}]}


@pytest.fixture
def ef(db: Database) -> EnterpriseFixture:  # noqa: F811
    return populate_enterprises(db)


@pytest.fixture
def app(ef: EnterpriseFixture) -> Iterator[FastAPI]:
    yield create_app(settings(), ef.db)


def _bearer(app: FastAPI, token: str) -> TestClient:
    return TestClient(app, follow_redirects=False, headers={"Authorization": f"Bearer {token}"})


def test_monitoring_platform_pushes_with_a_token_to_its_own_enterprise_only(app: FastAPI,
                                                                           ef: EnterpriseFixture) -> None:
    a, b = ef.enterprise[COUNTY_A], ef.enterprise[COUNTY_B]
    enta = login(app, "enta")
    made = enta.post("/api/v1/me/tokens", json={"name": "能耗在线监测平台", "days": 90})
    assert made.status_code == 201, made.text
    token, token_id = made.json()["token"], made.json()["id"]
    platform = _bearer(app, token)  # no cookie, no CSRF header
    assert platform.post(f"/api/v1/enterprises/{a}/energy", json=PUSH).json() == {
        "created": 1, "updated": 0, "unchanged": 0}
    stored = platform.get(f"/api/v1/enterprises/{a}/energy").json()
    assert any(r.get("period") == "2024-03" for r in stored["energy"]), stored
    assert platform.post(f"/api/v1/enterprises/{b}/energy", json=PUSH).status_code == 403  # the account's scope
    assert platform.get(f"/api/v1/enterprises/{b}/energy").status_code == 403
    assert platform.get(f"/enterprises/{a}/energy").status_code in (303, 401)  # pages need a person's login
    assert platform.post("/api/v1/me/tokens", json={"name": "再来一个"}).status_code == 403  # no token mints tokens
    # the same token with a session cookie of another account: the token alone decides
    mixed = login(app, "entb")
    mixed.headers["Authorization"] = f"Bearer {token}"
    assert mixed.get(f"/api/v1/enterprises/{b}/energy").status_code == 403
    with ef.db.transaction() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.id == token_id)).one()
        assert row.digest == hashlib.sha256(token.encode()).hexdigest() and token not in (row.hint, row.name)
        assert row.last_used_at is not None and row.expires_at is not None
        assert timedelta(days=89) < row.expires_at - row.created_at <= timedelta(days=90)
    listed = enta.get("/api/v1/me/tokens").json()
    assert [t["id"] for t in listed] == [token_id] and "token" not in listed[0] and listed[0]["state"] == "active"
    assert enta.delete(f"/api/v1/me/tokens/{token_id}").json()["state"] == "revoked"
    assert platform.post(f"/api/v1/enterprises/{a}/energy", json=PUSH).status_code == 401
    with ef.db.transaction() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_token"))]
    assert actions == ["create_api_token", "revoke_api_token"]


def test_tokens_end_with_expiry_deactivation_and_foreign_revocation(app: FastAPI, ef: EnterpriseFixture) -> None:
    a = ef.enterprise[COUNTY_A]
    info, token = api_tokens.create(ef.db, username="enta", name="平台", days=30, actor="cli:test")
    platform = _bearer(app, token)
    assert platform.get(f"/api/v1/enterprises/{a}/energy").status_code == 200
    assert _bearer(app, token[:-2] + "xx").get(f"/api/v1/enterprises/{a}/energy").status_code == 401
    other = login(app, "entb")
    assert other.delete(f"/api/v1/me/tokens/{info.id}").status_code == 403  # not its token
    with ef.db.transaction() as session:
        session.execute(update(ApiToken).where(ApiToken.id == info.id).values(expires_at=utcnow() - timedelta(1)))
    assert platform.get(f"/api/v1/enterprises/{a}/energy").status_code == 401
    assert api_tokens.list_tokens(ef.db, "enta")[0].state() == "expired"
    _, second = api_tokens.create(ef.db, username="enta", name="平台2", days=None, actor="cli:test")
    assert _bearer(app, second).get(f"/api/v1/enterprises/{a}/energy").status_code == 200
    accounts.update_user(ef.db, next(u.id for u in accounts.list_accounts(ef.db) if u.username == "enta"), active=False)
    assert _bearer(app, second).get(f"/api/v1/enterprises/{a}/energy").status_code == 401
    with pytest.raises(Exception, match="停用"):
        api_tokens.create(ef.db, username="enta", name="平台3", days=30, actor="cli:test")


def test_account_page_makes_shows_once_and_revokes(app: FastAPI, ef: EnterpriseFixture) -> None:
    client = TestClient(app, follow_redirects=False)
    login = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf is not None
    assert client.post("/login", data={"username": "countya", "password": PASSWORD,
                                       "csrf_token": csrf.group(1)}).status_code == 303
    page = client.get("/account").text
    form_csrf = re.search(r'id="create-token"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)
    assert form_csrf is not None and "尚无令牌" in page
    made = client.post("/account/tokens", data={"name": "统计联网直报", "days": "365",
                                                "csrf_token": form_csrf.group(1)})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    shown = re.search(r'<code id="new-token">(tfk_[^<]+)</code>', made.text)
    assert shown is not None
    assert "set-cookie" not in made.headers or shown.group(1) not in made.headers["set-cookie"]
    again = client.get("/account").text
    assert shown.group(1) not in again and "统计联网直报" in again and shown.group(1)[:10] in again
    assert _bearer(app, shown.group(1)).get("/api/v1/me").json()["user"]["username"] == "countya"
    token_id = re.search(r'data-token="(\d+)"', again)
    assert token_id is not None
    revoked = client.post(f"/account/tokens/{token_id.group(1)}/revoke", data={"csrf_token": form_csrf.group(1)})
    assert revoked.status_code == 303 and "已吊销" in client.get("/account").text
    assert _bearer(app, shown.group(1)).get("/api/v1/me").status_code == 401
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 403  # no CSRF token: refused


def test_cli_makes_lists_and_revokes_a_token(ef: EnterpriseFixture) -> None:
    runner = CliRunner()
    made = runner.invoke(cli_app, ["users", "token", "enta", "--name", "监测平台", "--days", "30", "--db", ef.db.url])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith(api_tokens.PREFIX) and api_tokens.resolve(ef.db, token) is not None
    listed = runner.invoke(cli_app, ["users", "tokens", "enta", "--db", ef.db.url])
    assert "监测平台" in listed.stdout and token not in listed.stdout and "active" in listed.stdout
    token_id = listed.stdout.split("\t")[0]
    assert runner.invoke(cli_app, ["users", "revoke-token", token_id, "--db", ef.db.url]).exit_code == 0
    assert api_tokens.resolve(ef.db, token) is None
    bad = runner.invoke(cli_app, ["users", "token", "nobody", "--name", "x", "--db", ef.db.url])
    assert bad.exit_code == 2 and "nobody" in bad.output
