"""The audit log names what a review was about (SQLite and PostgreSQL): the indicator, the reporting unit, the
period, the plan and the reviewer's name instead of "填报值 #123", in the page's language and in its 导出Excel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tanfeng.db.session import Database
from tanfeng.services import accounts, audit
from tanfeng.web import create_app

from .conftest import OTHER_UNIT, OWN_UNIT, PASSWORD, Fixture, login, populate, settings

PLAN = "示例县碳达峰实施方案"
REVIEWER = "王主任（示例）"


@pytest.fixture
def web(db_url: str) -> Iterator[tuple[FastAPI, Fixture]]:
    db = Database(db_url)
    fx = populate(db)
    accounts.create_user(db, username="wang", password=PASSWORD, role="office", display_name=REVIEWER)
    try:
        yield create_app(settings(), db), fx
    finally:
        db.dispose()


def _submit(client: TestClient, indicator: int, period: str, value: float) -> None:
    body = {"draft": False, "values": [{"indicator_id": indicator, "period": period, "value": value}]}
    assert client.post("/api/v1/observations", json=body).status_code == 201


def _rows(html: str) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").select_one("table#audit")
    assert table is not None
    return [[" ".join(td.get_text(" ", strip=True).split()) for td in tr.select("td")] for tr in table.select("tbody tr")]


def _reviews(rows: list[list[str]], action: str) -> list[list[str]]:
    return [r for r in rows if r[3] == action]


def test_review_entries_name_the_values_and_the_reviewer(web: tuple[FastAPI, Fixture]) -> None:
    app, fx = web
    forest, solar = fx.indicator["forest_coverage"], fx.indicator["renewable_capacity"]
    unit, unit2 = login(app, "unit"), login(app, "unit2")
    _submit(unit, forest, "2024", 80.1)
    _submit(unit, forest, "2025", 80.6)
    _submit(unit2, solar, "2024", 12.5)
    wang = login(app, "wang")
    submitted = {(o["indicator_id"], o["period"]): o for o in wang.get("/api/v1/observations?status=submitted").json()}
    one = submitted[(forest, "2024")]
    assert wang.post(f"/api/v1/observations/{one['id']}/accept", json={"version": one["version"]}).status_code == 200
    several = [submitted[(forest, "2025")], submitted[(solar, "2024")]]
    form: dict[str, object] = {"csrf_token": wang.headers["X-CSRF-Token"], "ids": [str(o["id"]) for o in several]}
    form |= {f"version.{o['id']}": str(o["version"]) for o in several}
    assert wang.post("/review/bulk", data=form).status_code == 303
    audit.record(fx.db, user_id=None, username="wang", action="review_return", entity="observation",
                 entity_id=987654, detail={"ids": [987654], "reason": "口径不符"})  # a value since removed

    rows = _rows(wang.get("/audit").text)
    accepted = _reviews(rows, "采纳")
    assert len(accepted) == 2
    bulk, single = accepted  # newest first
    assert single[2] == f"{REVIEWER} wang"
    assert single[4] == f"填报值：森林覆盖率 · {OWN_UNIT} · 2024年度 · {PLAN}"
    assert single[5] == f"审核时版本：第{one['version']}版"  # the value's own number is not shown
    assert bulk[4] == "填报值（2项）"
    assert f"森林覆盖率 · {OWN_UNIT} · 2025年度 · {PLAN}" in bulk[5]
    assert f"光伏发电装机容量 · {OTHER_UNIT} · 2024年度 · {PLAN}" in bulk[5]
    assert "森林覆盖率 2025年度第" in bulk[5]  # the version each was accepted at, named
    for row in (single, bulk):
        assert not re.search(r"#\s*\d|编号", " ".join(row)), row
    gone = _reviews(rows, "退回")[0]
    assert gone[4] == "填报值 #987654" and gone[5] == "理由：口径不符"  # nothing to name: the id, as before
    logins = [r for r in rows if r[3] == "登录" and r[2].startswith(REVIEWER)]
    assert logins and logins[0][4] == f"账号：{REVIEWER}"

    # the export: the same words, the whole log
    sheet = next(iter(load_workbook(BytesIO(wang.get("/audit?export=xlsx").content)).worksheets))
    cells = [[str(c.value) if c.value is not None else "" for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(cells) if row[:1] == ["#"])
    exported = {row[0]: row for row in cells[header + 1:]}
    for row in (single, bulk, gone):
        assert exported[row[0]][2:6] == row[2:6], (exported[row[0]], row)

    # in English
    wang.get("/lang/en?next=/audit")
    english = _rows(wang.get("/audit").text)
    bulk_en, single_en = _reviews(english, "accepted")
    assert single_en[4] == f"value: 森林覆盖率 · {OWN_UNIT} · year 2024 · {PLAN}"
    assert "version reviewed: version" in single_en[5]
    assert bulk_en[4] == "value (2)" and f"光伏发电装机容量 · {OTHER_UNIT} · year 2024" in bulk_en[5]
    interface_zh = re.compile("填报值|审核时版本|第\\d+版|年度|理由|账号")
    for row in (bulk_en, single_en):
        assert not interface_zh.search(" ".join(row[3:6]).replace(PLAN, "")), row
    sheet = next(iter(load_workbook(BytesIO(wang.get("/audit?export=xlsx").content)).worksheets))
    texts = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert single_en[4] in texts and bulk_en[5] in texts


def test_account_and_plan_entries_name_them(web: tuple[FastAPI, Fixture]) -> None:
    app, fx = web
    admin = login(app, "admin")
    unit_id = fx.unit_ids[OWN_UNIT]
    response = admin.post("/api/v1/users", json={"username": "lin", "password": PASSWORD, "role": "unit",
                                                 "display_name": "林业局填报员", "unit_id": unit_id})
    assert response.status_code in (200, 201), response.text
    rows = _rows(admin.get("/audit").text)
    created = next(r for r in rows if r[3] == "新建账号")
    assert created[4] == "账号：林业局填报员"
    assert f"单位：{OWN_UNIT}" in created[5] and "单位编号" not in created[5]


def test_consultation_entries_name_the_draft_and_the_comment(web: tuple[FastAPI, Fixture]) -> None:
    """A second region's draft plan: the round is named by its plan and version, a comment by its receipt, and
    coded details (kind, channels) are words."""
    from datetime import timedelta

    from sqlalchemy import select

    from builders import PlanBuilder
    from tanfeng.db.models import PlanVersion
    from tanfeng.services import consultation as cs
    from tanfeng.services.plan_import import import_plan

    app, fx = web
    title = "另一示例县碳达峰实施方案"
    import_plan(fx.db, PlanBuilder(region="另一示例县", title=title, status="draft").plan(), actor="office")
    with fx.db.transaction() as session:
        version_id, number = session.execute(select(PlanVersion.id, PlanVersion.number)
                                             .where(PlanVersion.status == "draft")).one()
    today = cs.today_cn()
    round_info = cs.open_round(fx.db, cs.Actor("wang"), version_id=version_id, kind="public", opens_on=today,
                               closes_on=today + timedelta(days=30), channels=["web", "email"])
    comment = cs.add_comment(fx.db, cs.Actor("wang"), round_info.id, channel="email", received_on=today,
                             text="建议明确年度建设规模（示例数据）")
    wang = login(app, "wang")
    rows = _rows(wang.get("/audit").text)
    opened = next(r for r in rows if r[3] == "发起征求意见")
    assert opened[2] == f"{REVIEWER} wang"
    assert opened[4] == f"征求意见：{title}（征求意见稿） · 第{number}版"
    assert "类型：公开征求意见" in opened[5] and "渠道：网上留言、电子邮件" in opened[5]
    assert f"方案版本：{title}（征求意见稿） · 第{number}版" in opened[5] and "version_id" not in opened[5]
    registered = next(r for r in rows if r[3] == "登记意见")
    assert registered[4] == f"意见：{comment.receipt}"
    assert f"征求意见：{title}（征求意见稿） · 第{number}版" in registered[5] and "渠道：电子邮件" in registered[5]
    wang.get("/lang/en?next=/audit")
    english = _rows(wang.get("/audit").text)
    opened_en = next(r for r in english if r[3] == "opened a consultation")
    assert opened_en[4] == f"consultation: {title}（征求意见稿） · version {number}"
    assert "kind: Public consultation" in opened_en[5] and "channels: Web page, E-mail" in opened_en[5]
