"""Pages render for every role, language switch, plan upload with corrections, and ``tanfeng demo --no-serve``."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app as cli_app
from tanfeng.db.session import Database
from tanfeng.services.audit import recent
from tanfeng.services.overview import is_demo
from tanfeng.services.plan_admin import list_plans
from tanfeng.services.review import list_observations

from .conftest import Fixture

PAGES = ["/", "/plan", "/plan?q=林业", "/targets/4", "/matrix", "/workspace", "/inventory"]


@pytest.mark.parametrize("role", ["admin", "office", "unit", "viewer"])
def test_every_page_renders_for_every_role(role: str, client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for(role)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "碳峰" in response.text
    overview = client.get("/").text
    assert "森林覆盖率" in overview and 'class="light' in overview
    assert ("生成年度评估报告" in overview) == (role in ("admin", "office", "viewer"))  # leaders download it too
    inventory = client.get("/inventory").text
    assert "示例数据" in inventory and "能源活动" in inventory


def test_plan_search_and_language_switch(client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for("viewer")
    found = client.get("/plan", params={"q": "造林"}).text
    assert "A1.2" in found and "A1.1 大力发展可再生能源" not in found
    assert client.get("/lang/en", params={"next": "/plan"}).headers["location"] == "/plan"
    english = client.get("/").text
    assert "Headline targets" in english and "主要目标" not in english
    assert client.get("/lang/en", params={"next": "//evil.example"}).headers["location"] == "/"


def test_unit_workspace_lists_only_its_work(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    page = client_for("unit").get("/workspace", params={"period": "2024"}).text
    assert "森林覆盖率" in page and "光伏发电装机容量" not in page
    assert "A1.2" in page and "A1.1" not in page


def test_plan_upload_preview_correct_and_save(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    office = client_for("office")
    document = PlanBuilder(region="乙县", title="乙县碳达峰实施方案").plan().to_json().encode()
    preview = office.post("/plans/preview", files={"file": ("乙县.json", document, "application/json")})
    assert preview.status_code == 200
    assert "光伏发电装机容量达到50万千瓦" in preview.text  # the source sentence next to the extraction
    hidden = re.search(r'name="document" value="([^"]+)"', preview.text)
    assert hidden is not None
    form = {"document": html.unescape(hidden.group(1)), "target.T3.value": "60", "target.T3.unit": "万千瓦",
            "task.A1.1.lead": "乙县能源局", "task.A1.1.units": "乙县能源局、住建局"}
    saved = office.post("/plans/save", data=form)
    assert saved.status_code == 303
    plans = {p.title: p for p in list_plans(fx.db)}
    assert "乙县碳达峰实施方案" in plans
    tree = next(t for t in office.get("/api/v1/plans").json() if t["title"] == "乙县碳达峰实施方案")
    task = next(t for a in tree["actions"] for t in a["tasks"] if t["code"] == "A1.1")
    assert [u["unit"] for u in task["units"] if u["role"] == "lead"] == ["县能源局"]  # region prefix folded by the store
    assert [(t["value"], t["unit"]) for t in task["targets"]] == [(60.0, "万千瓦")]
    bad = office.post("/plans/save", data=form | {"target.T3.value": "六十"})
    assert bad.status_code == 422 and "六十" in bad.text


def test_plan_upload_lists_least_certain_items_first(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    text = ("安吉县碳达峰实施方案\n为贯彻落实国家和省的部署，制定本方案。\n一、主要目标\n"
            "到2025年，全县非化石能源消费比重达到20%。\n风电项目：到2025年，建成安吉县风电场，总装机12万千瓦。\n")
    page = client_for("office").post("/plans/preview", files={"file": ("安吉县.txt", text.encode(), "text/plain")}).text
    low, high = page.index('value="风电项目总装机"'), page.index('value="非化石能源消费比重"')
    assert low < high  # the noun-number reading (60 %) is listed before the verb-number one (90 %)
    assert page.count('class="low-confidence"') == 1


def test_demo_builds_a_fresh_labelled_database_twice(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "demo.db"
    for _ in range(2):
        result = runner.invoke(cli_app, ["demo", "--no-serve", "--db", str(path)])
        assert result.exit_code == 0, result.output
        assert "http://127.0.0.1:8000" in result.output and "示例数据" in result.output
        for username in ("admin", "office", "unit-a", "unit-b", "viewer"):
            assert re.search(rf"^\s+{username}\s+\S{{8,}}\s", result.output, re.M), username
    db = Database(f"sqlite:///{path}")
    try:
        assert is_demo(db)
        values = list_observations(db)
        assert values and all(v.status in ("accepted", "submitted", "returned") for v in values)
        assert {v.status for v in values} >= {"accepted", "submitted", "returned"}
        assert len(list_plans(db)) == 3  # the county, its city and a neighbour; rebuilt, not appended to
    finally:
        db.dispose()


def test_target_page_shows_each_plan_version_and_who_reported(
        fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    from tanfeng.services.plan_import import import_plan

    final = PlanBuilder(status="final", date="2023-09-01")
    final.target("T4")["value"] = 82.5
    final.targets[3]["sentence"] = "森林覆盖率稳定在82.5%"
    import_plan(fx.db, final.plan(), actor="office")
    unit = client_for("unit")
    assert unit.post("/api/v1/observations", json={"values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 81.0}]}).status_code == 201
    page = client_for("viewer").get(f"/targets/{fx.indicator['forest_coverage']}").text
    versions = page.split('id="versions"')[1].split("</table>")[0]
    assert "第1版" in versions and "第2版" in versions
    assert "81.8%" in versions and "82.5%" in versions
    history = page.split('id="history"')[1].split("</table>")[0]
    assert "unit" in history and "81" in history and "待审核" in history


def test_office_downloads_the_annual_report(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    from io import BytesIO
    from urllib.parse import unquote

    import docx
    from openpyxl import load_workbook

    office = client_for("office")
    assert "生成年度评估报告" in office.get("/").text
    token = office.headers.pop("X-CSRF-Token")
    response = office.post("/reports/annual", data={"year": "2024", "fmt": "docx", "csrf_token": token})
    assert response.status_code == 200
    assert "示例县碳达峰实施方案" in unquote(response.headers["content-disposition"])
    text = "\n".join(p.text for p in docx.Document(BytesIO(response.content)).paragraphs)
    assert "2024" in text and "森林覆盖率" in text
    office.headers["X-CSRF-Token"] = token
    sheet = office.post("/api/v1/reports/annual", json={"year": 2024, "format": "xlsx"})
    assert sheet.status_code == 200
    workbook = load_workbook(BytesIO(sheet.content))
    assert any("森林覆盖率" in str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row)
    assert [e.action for e in recent(fx.db)][:2] == ["annual_report", "annual_report"]
    bad = office.post("/api/v1/reports/annual", json={"year": 1800, "format": "xlsx"})
    assert bad.status_code == 422 and "1800" in bad.json()["detail"]


def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TANFENG_SECRET_KEY", raising=False)
    monkeypatch.delenv("TANFENG_MODE", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "TANFENG_SECRET_KEY" in result.output


def test_office_computes_an_uploaded_inventory(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    from tanfeng.accounting import example_inventory_path
    from tanfeng.services.plan_admin import assign_units

    assign_units(fx.db, plan="1", target="T1", lead="县发改委", co=[], actor="office")
    data = example_inventory_path().read_bytes()
    office = client_for("office")
    token = office.headers.pop("X-CSRF-Token")
    page = office.post("/inventory", data={"csrf_token": token, "record": "on"},
                       files={"file": ("县清单.csv", data, "text/csv")})
    assert page.status_code == 200, page.text[:500]
    # first a preview: indicator, period, current value and status, new value, difference — nothing stored yet
    assert "县清单.csv" in page.text and "能源活动（含调入电力）" in page.text and 'id="record-preview"' in page.text
    assert "确认提交" in page.text and list_observations(fx.db) == []
    assert "公开第三方转录 0 个" in page.text and "built-in" not in page.text
    import re

    form = {k: re.search(f'name="{k}" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            for k in ("token", "fingerprint")}
    tampered = office.post("/inventory/record", data={"csrf_token": token, **form, "token": form["token"][:-3] + "abc"})
    assert tampered.status_code in (400, 422) and list_observations(fx.db) == []
    done = office.post("/inventory/record", data={"csrf_token": token, **form})
    assert done.status_code == 200 and 'id="recorded"' in done.text and "待审核" in done.text
    assert recent(fx.db)[0].action == "record_inventory"
    stored = list_observations(fx.db)
    assert [(o.indicator_id, o.reporter, o.status) for o in stored] == [
        (fx.indicator["energy_intensity"], "县发改委", "submitted")]
    # the same preview confirmed twice: the stored values changed meanwhile, so it is refused
    assert office.post("/inventory/record", data={"csrf_token": token, **form}).status_code in (400, 409, 422)
    broken = office.post("/inventory", data={"csrf_token": token},
                         files={"file": ("坏.csv", data.replace(b"\n", b"\n,,,\xe6\x9c\xaa\xe7\x9f\xa5,,\n", 3), "text/csv")})
    assert broken.status_code == 422
    unit = client_for("unit")
    unit_token = unit.headers.pop("X-CSRF-Token")
    assert unit.post("/inventory", data={"csrf_token": unit_token},
                     files={"file": ("x.csv", data, "text/csv")}).status_code == 403


def test_office_finds_and_enters_a_quota_from_the_review_page(
        fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    office = client_for("office")
    page = office.get("/review").text.split('id="quotas"')[1]
    assert "单位地区生产总值二氧化碳排放" in page and "待录入" in page
    token = office.headers.pop("X-CSRF-Token")
    indicator = fx.indicator["carbon_intensity"]
    saved = office.post(f"/targets/{indicator}/quota", data={"csrf_token": token, "plan_id": "1", "target": "T2",
                                                             "value": "18", "unit": "%", "note": "市下达"})
    assert saved.status_code == 303
    after = office.get("/review").text.split('id="quotas"')[1]
    assert "18%" in after and "待录入" not in after
    assert recent(fx.db)[0].action == "set_quota"


def test_responsibility_matrix_counts_lead_and_co_tasks(client_for: Callable[[str | None], TestClient]) -> None:
    viewer = client_for("viewer")
    rows = re.findall(r"<tr><th>([^<]+)</th><td[^>]*>([^<]*)</td>", viewer.get("/matrix").text)
    cells = {unit: " ".join(cell.split()) for unit, cell in rows}
    assert cells["县发改委"] == "牵头 1 配合 1" and cells["县林业局"] == "牵头 1" and cells["县住建局"] == "配合 1"
    viewer.get("/lang/en")
    assert "lead 1 co 1" in " ".join(viewer.get("/matrix").text.split())


def test_office_allows_a_named_fallback_for_a_missing_parameter(fx: Fixture,
                                                                client_for: Callable[[str | None], TestClient]) -> None:
    from tanfeng.accounting import example_inventory_path

    data = example_inventory_path().read_bytes().replace("烟煤".encode(), "原煤".encode())
    office = client_for("office")
    token = office.headers.pop("X-CSRF-Token")
    stopped = office.post("/inventory", data={"csrf_token": token}, files={"file": ("煤.csv", data, "text/csv")})
    assert stopped.status_code == 422 and "原煤" in stopped.text and "碳氧化率" in stopped.text
    allowed = office.post("/inventory", data={"csrf_token": token, "fallback": "ipcc2006"},
                          files={"file": ("煤.csv", data, "text/csv")})
    assert allowed.status_code == 200 and 'id="warnings"' in allowed.text and "碳氧化率取自ipcc2006" in allowed.text
