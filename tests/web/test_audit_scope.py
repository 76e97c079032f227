"""A regional office sees in the audit log (page, export, API, the overview's activity list) what accounts of its
regions did, never another county's; an office of every region sees everything. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.web import create_app

from .conftest import login, settings
from .multiplan_fixtures import PASSWORD, populate_regions

COUNTY_A_ACCOUNTS, COUNTY_B_ACCOUNTS = {"countya", "unita", "viewera"}, {"countyb", "unitb"}


def _activity(page: str) -> str:
    found = re.search(r'<ul class="activity">.*?</ul>', page, re.S)
    assert found is not None
    return found.group(0)


def test_audit_log_is_scoped_by_region(db: Database) -> None:  # noqa: F811
    populate_regions(db)
    app: FastAPI = create_app(settings(), db)
    clients = {name: login(app, name) for name in ("office", "city", "countya", "countyb", "unita", "unitb",
                                                  "viewera")}
    stranger = TestClient(app).post("/api/v1/session", json={"username": "countya", "password": PASSWORD + "x"})
    assert stranger.status_code in (401, 403)  # a failed login: an entry of no account
    seen = {name: {e["username"] for e in clients[name].get("/api/v1/audit?limit=500").json()}
            for name in ("office", "city", "countya", "countyb")}
    assert seen["countya"] == COUNTY_A_ACCOUNTS
    assert seen["countyb"] == COUNTY_B_ACCOUNTS
    assert seen["city"] == {"city"} | COUNTY_A_ACCOUNTS | COUNTY_B_ACCOUNTS
    assert seen["office"] == {"office", "city"} | COUNTY_A_ACCOUNTS | COUNTY_B_ACCOUNTS
    assert "login_failed" in {e["action"] for e in clients["office"].get("/api/v1/audit?limit=500").json()}
    page = clients["countya"].get("/audit").text
    assert "unita" in page and "countyb" not in page and "unitb" not in page
    exported = clients["countya"].get("/audit?export=xlsx")
    cells = {str(c.value) for ws in load_workbook(io.BytesIO(exported.content)) for row in ws.iter_rows()
             for c in row if c.value is not None}
    assert any("unita" in c for c in cells) and not any("unitb" in c or "countyb" in c for c in cells)
    overview = _activity(clients["countya"].get("/").text)
    assert "countya" in overview and "countyb" not in overview and "unitb" not in overview
    assert "countyb" in _activity(clients["city"].get("/").text)


def test_account_lists_are_scoped_by_region(db: Database) -> None:  # noqa: F811
    populate_regions(db)
    app: FastAPI = create_app(settings(), db)
    names = {who: {a["username"] for a in login(app, who).get("/api/v1/users").json()}
             for who in ("office", "city", "countya")}
    assert names["countya"] == COUNTY_A_ACCOUNTS
    assert names["city"] == {"city"} | COUNTY_A_ACCOUNTS | COUNTY_B_ACCOUNTS
    assert names["office"] == {"office", "city", "viewer"} | COUNTY_A_ACCOUNTS | COUNTY_B_ACCOUNTS
    admin_page = login(app, "countya").get("/admin").text
    assert "unita" in admin_page and "unitb" not in admin_page and "countyb" not in admin_page
    reminders = login(app, "countyb").get("/reminders").text
    assert "unitb" in reminders and "unita" not in reminders
