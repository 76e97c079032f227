"""Entry that explains and checks: one validation, three doors (web form, Excel upload, JSON API).

Two regions with their own plans (示例数据, built here) on SQLite and PostgreSQL. The kind of each
value comes from the indicator's data: in 甲县 the charging points are counted in 个 (whole numbers),
in 乙县 the same indicator is written in 万个 (a decimal is fine there).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from builders import PlanBuilder
from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.collection import import_collection
from tanfeng.services.errors import ImportValidationError
from tanfeng.services.plan_import import import_plan
from tanfeng.services.review import list_observations
from tanfeng.services.status import compute_status
from tanfeng.services.workspace import list_units
from tanfeng.web import create_app

from .conftest import PASSWORD, settings

REGION_A, REGION_B = "甲县", "乙县"
UNIT = "县发改委"


def entry_plan(region: str, count_unit: str) -> PlanBuilder:
    """县发改委 leads a cumulative reduction, a capacity (万千瓦), a share (%) and a count."""
    builder = PlanBuilder(region=region, title=f"{region}碳达峰实施方案（示例数据）")
    builder.tasks[0]["target_ids"] = ["T1", "T3", "T6", "T7"]
    builder.target("T1")["task_id"] = "A1.1"
    builder.targets += [
        {"id": "T6", "indicator": "新增新能源汽车占比", "code": None, "change": "level", "value": 40, "unit": "%",
         "year": 2025, "task_id": "A1.1", "sentence": "新增新能源汽车占比达到40%"},
        {"id": "T7", "indicator": "公共充电桩", "code": None, "change": "level", "value": 500 if count_unit == "个" else 0.05,
         "unit": count_unit, "year": 2025, "task_id": "A1.1", "sentence": f"建成公共充电桩500{count_unit}"},
    ]
    return builder


def _codes(db: Database) -> dict[tuple[str, str], int]:  # noqa: F811
    return {(row.region, row.code or row.target): row.indicator_id for row in compute_status(db)}


@pytest.fixture
def ids(db: Database) -> dict[tuple[str, str], int]:  # noqa: F811
    for region, count_unit in ((REGION_A, "个"), (REGION_B, "万个")):
        import_plan(db, entry_plan(region, count_unit).plan(), actor="test")
    units = {(region, name): uid for uid, name, region in list_units(db)}
    for username, region in (("unita", REGION_A), ("unitb", REGION_B)):
        accounts.create_user(db, username=username, password=PASSWORD, role="unit", unit_id=units[(region, UNIT)])
    return _codes(db)


@pytest.fixture
def clients(db: Database, ids: dict[tuple[str, str], int]) -> Iterator[dict[str, TestClient]]:  # noqa: F811
    app = create_app(settings(), db)
    out = {}
    for name in ("unita", "unitb"):
        client = TestClient(app, follow_redirects=False)
        response = client.post("/api/v1/session", json={"username": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        out[name] = client
    yield out


def _api(client: TestClient, *values: dict[str, Any]) -> Any:
    return client.post("/api/v1/observations", json={"values": list(values)})


def _reasons(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [p["zh"] for p in response.json()["problems"]]


def test_api_checks_by_kind_of_value(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                     clients: dict[str, TestClient]) -> None:
    a = clients["unita"]
    share, count = ids[(REGION_A, "T6")], ids[(REGION_A, "T7")]
    intensity, capacity = ids[(REGION_A, "energy_intensity")], ids[(REGION_A, "renewable_capacity")]
    assert any("0—100" in r for r in _reasons(_api(a, {"indicator_id": share, "period": "2024", "value": 150})))
    assert any("0—100" in r for r in _reasons(_api(a, {"indicator_id": share, "period": "2024", "value": -3})))
    assert any("整数" in r for r in _reasons(_api(a, {"indicator_id": count, "period": "2024", "value": 8.24})))
    # 60 % below 2020 by 2024 is more than 20 % a year; 100 % is impossible
    assert any("年均下降" in r for r in _reasons(_api(a, {"indicator_id": intensity, "period": "2024", "value": 60})))
    assert any("100%" in r for r in _reasons(_api(a, {"indicator_id": intensity, "period": "2024", "value": 100})))
    assert list_observations(db) == []  # nothing stored by any refused call
    english = _api(a, {"indicator_id": count, "period": "2024", "value": 8.24}).json()["problems"][0]["en"]
    assert "whole number" in english
    # the same value is fine where the indicator counts in 万个 (乙县)
    assert _api(clients["unitb"], {"indicator_id": ids[(REGION_B, "T7")], "period": "2024",
                                   "value": 8.24}).status_code == 201
    ok = _api(a, {"indicator_id": share, "period": "2024", "value": 35},
              {"indicator_id": count, "period": "2024", "value": 320},
              {"indicator_id": intensity, "period": "2024", "value": 9.5},
              {"indicator_id": capacity, "period": "2023", "value": 20})
    assert ok.status_code == 201, ok.text


def test_api_jump_against_a_year_earlier_needs_a_note(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                                      clients: dict[str, TestClient]) -> None:
    a = clients["unita"]
    capacity, intensity = ids[(REGION_A, "renewable_capacity")], ids[(REGION_A, "energy_intensity")]
    assert _api(a, {"indicator_id": capacity, "period": "2023", "value": 20},
                {"indicator_id": intensity, "period": "2023", "value": 5}).status_code == 201
    response = _api(a, {"indicator_id": capacity, "period": "2024", "value": 40})
    problem = response.json()["problems"][0]
    assert response.status_code == 422 and problem["column"] == "备注"
    assert "较上年同期" in problem["zh"] and "+100%" in problem["zh"] and "explain it in the note" in problem["en"]
    # a cumulative reduction from 5 % to 45 % means the intensity fell by 42 % within one year
    assert any("较上年同期" in r for r in _reasons(_api(a, {"indicator_id": intensity, "period": "2024",
                                                        "value": 45})))
    # the previous year's row of the same request counts too
    assert "较上年同期" in _reasons(_api(a, {"indicator_id": capacity, "period": "2022", "value": 20},
                                     {"indicator_id": capacity, "period": "2021", "value": 5}))[0]
    # a draft may wait for its note; submitting it asks for the note
    draft = a.post("/api/v1/observations", json={"draft": True, "values": [
        {"indicator_id": capacity, "period": "2024", "value": 40}]})
    assert draft.status_code == 201, draft.text
    assert "请在备注中说明原因" in _reasons(_api(a, {"indicator_id": capacity, "period": "2024", "value": 40}))[0]
    noted = _api(a, {"indicator_id": capacity, "period": "2024", "value": 40, "note": "新并网两座光伏电站"})
    assert noted.status_code == 201, noted.text
    # a small change needs no note
    assert _api(a, {"indicator_id": intensity, "period": "2024", "value": 8}).status_code == 201


def test_api_jump_limit_is_configurable(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                        clients: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    a = clients["unita"]
    capacity = ids[(REGION_A, "renewable_capacity")]
    assert _api(a, {"indicator_id": capacity, "period": "2023", "value": 20}).status_code == 201
    monkeypatch.setenv("TANFENG_ENTRY_JUMP_PERCENT", "150")
    assert _api(a, {"indicator_id": capacity, "period": "2024", "value": 40}).status_code == 201
    monkeypatch.setenv("TANFENG_ENTRY_JUMP_PERCENT", "10")
    assert "超过10%" in _reasons(_api(a, {"indicator_id": capacity, "period": "2025", "value": 46}))[0]


def _filled_template(client: TestClient, period: str, values: dict[int, tuple[Any, str | None]]) -> bytes:
    """The unit's own template, downloaded, with the given values (and notes) typed in."""
    response = client.get(f"/workspace/template.xlsx?period={period}")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    sheet = wb["指标填报"]
    head = [str(c.value).split("\n")[0] for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        indicator = row[head.index("指标ID")].value
        if indicator in values:
            row[head.index("本期值")].value, row[head.index("备注")].value = values[indicator]
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_upload_refuses_with_the_same_reasons(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                                    clients: dict[str, TestClient], tmp_path: Any) -> None:
    a = clients["unita"]
    share, count = ids[(REGION_A, "T6")], ids[(REGION_A, "T7")]
    blank = load_workbook(BytesIO(a.get("/workspace/template.xlsx?period=2024").content))["指标填报"]
    rules = {(dv.type, dv.formula1, dv.formula2) for dv in blank.data_validations.dataValidation}
    assert ("decimal", "0", "100") in rules and any(kind == "whole" for kind, _, _ in rules)  # Excel warns too
    data = _filled_template(a, "2024", {share: (150, None), count: (8.24, None)})
    response = a.post("/api/v1/uploads", files={"file": ("甲县-2024.xlsx", data)})
    reasons = _reasons(response)
    assert any("0—100" in r for r in reasons) and any("整数" in r for r in reasons)
    assert all(p["sheet"] == "指标填报" and p["row"] >= 2 for p in response.json()["problems"])
    page = a.post("/workspace/upload", files={"file": ("甲县-2024.xlsx", data)})
    assert page.status_code == 422 and "占比应在0—100之间" in page.text
    # the command-line import reads the same file through the same checks
    path = tmp_path / "filled.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportValidationError) as refused:
        import_collection(db, path, actor="office", region=REGION_A)
    assert {e.zh for e in refused.value.errors} == set(reasons)
    assert list_observations(db) == []
    fixed = _filled_template(a, "2024", {share: (35, None), count: (320, None)})
    assert a.post("/api/v1/uploads", files={"file": ("甲县-2024.xlsx", fixed)}).status_code == 201
    assert sorted(o.value for o in list_observations(db)) == [35.0, 320.0]


def test_excel_jump_needs_the_note_column(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                          clients: dict[str, TestClient]) -> None:
    a = clients["unita"]
    capacity = ids[(REGION_A, "renewable_capacity")]
    assert _api(a, {"indicator_id": capacity, "period": "2023", "value": 20}).status_code == 201
    bare = _filled_template(a, "2024", {capacity: (40, None)})
    assert "请在备注中说明原因" in _reasons(a.post("/api/v1/uploads", files={"file": ("f.xlsx", bare)}))[0]
    noted = _filled_template(a, "2024", {capacity: (40, "新并网光伏电站")})
    assert a.post("/api/v1/uploads", files={"file": ("f.xlsx", noted)}).status_code == 201


def _page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _one(page: BeautifulSoup, selector: str) -> Tag:
    found = page.select_one(selector)
    assert found is not None, selector
    return found


def _form(page: BeautifulSoup) -> dict[str, str]:
    """The values form as the browser would send it (hidden fields, inputs, ticked boxes)."""
    form = page.select_one("#values-form")
    assert form is not None
    out = {}
    for field in form.select("input"):
        if field.get("type") == "checkbox" and not field.has_attr("checked"):
            continue
        out[str(field["name"])] = str(field.get("value", ""))
    return out


def test_web_form_explains_checks_and_keeps_drafts(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                                   clients: dict[str, TestClient]) -> None:
    a = clients["unita"]
    share, count = ids[(REGION_A, "T6")], ids[(REGION_A, "T7")]
    intensity, capacity = ids[(REGION_A, "energy_intensity")], ids[(REGION_A, "renewable_capacity")]
    assert _api(a, {"indicator_id": intensity, "period": "2023", "value": 5}).status_code == 201
    page = _page(a.get("/workspace?period=2024"))
    row = f"tr[data-indicator='{intensity}']"
    assert "较2020年累计下降的百分比" in _one(page, f"{row} td.basis").get_text()
    assert "2023年度：5%" in _one(page, f"{row} td.previous").get_text()
    assert _one(page, f"{row} td.expected").get_text(strip=True) not in ("", "—")  # the tracker's path at 2024
    assert _one(page, f"tr[data-indicator='{share}']")["data-kind"] == "share"
    assert _one(page, f"tr[data-indicator='{count}']")["data-kind"] == "count"
    # periods are picked from a list; a typed one is not taken
    options = [o["value"] for o in page.select("#period-select option")]
    assert "2024" in options and "abc" not in options and "2030" not in options
    refused = _page(a.get("/workspace?period=abc"))
    assert refused.select_one("#period-refused") is not None
    bad_period = {**_form(page), "period": "abc", f"value.{share}": "35"}
    assert a.post("/workspace/values", data=bad_period).status_code == 422

    form = {**_form(page), f"value.{share}": "150", f"value.{count}": "8.24"}
    response = a.post("/workspace/values", data=form)
    assert response.status_code == 422
    shown = _page(response)
    for indicator, reason in ((share, "占比应在0—100之间"), (count, "应为整数")):
        errors = shown.select(f"tr[data-indicator='{indicator}'] .field-error")
        assert errors and reason in errors[0].get_text()
    assert _one(shown, f"input[name='value.{share}']")["value"] == "150"  # what was typed stays
    assert {o.indicator_id for o in list_observations(db)} == {intensity}  # nothing of the refused form

    # a draft stays a draft when another value is submitted
    page = _page(a.get("/workspace?period=2024"))
    draft = a.post("/workspace/values", data={**_form(page), f"value.{share}": "35", "draft": "1"})
    assert draft.status_code == 303
    assert {o.indicator_id: o.status for o in list_observations(db)}[share] == "draft"
    page = _page(a.get("/workspace?period=2024"))
    assert page.select_one(f"input[name='submit.{share}']") is not None
    response = a.post("/workspace/values", data={**_form(page), f"value.{count}": "320"})
    assert response.status_code == 303, response.text
    status = {o.indicator_id: o.status for o in list_observations(db)}
    assert status[share] == "draft" and status[count] == "submitted"
    # ticked: the draft is submitted
    page = _page(a.get("/workspace?period=2024"))
    response = a.post("/workspace/values", data={**_form(page), f"submit.{share}": "1"})
    assert response.status_code == 303
    assert {o.indicator_id: o.status for o in list_observations(db)}[share] == "submitted"

    # a jump needs a note, shown beside the note field
    assert _api(a, {"indicator_id": capacity, "period": "2023", "value": 20}).status_code == 201
    page = _page(a.get("/workspace?period=2024"))
    response = a.post("/workspace/values", data={**_form(page), f"value.{capacity}": "40"})
    note_error = _page(response).select(f"tr[data-indicator='{capacity}'] .field-error[data-for='note']")
    assert response.status_code == 422 and note_error and "备注" in note_error[0].get_text()
    response = a.post("/workspace/values", data={**_form(page), f"value.{capacity}": "40",
                                                 f"note.{capacity}": "新并网光伏电站"})
    assert response.status_code == 303


def test_english_form_gives_the_reason_in_english(db: Database, ids: dict[tuple[str, str], int],  # noqa: F811
                                                  clients: dict[str, TestClient]) -> None:
    b = clients["unitb"]
    b.get("/lang/en?next=/")
    share = ids[(REGION_B, "T6")]
    page = _page(b.get("/workspace?period=2024"))
    assert "Share in % at the end of the period" in _one(page, f"tr[data-indicator='{share}'] td.basis").get_text()
    response = b.post("/workspace/values", data={**_form(page), f"value.{share}": "-3"})
    error = _one(_page(response), f"tr[data-indicator='{share}'] .field-error").get_text()
    assert "a share must be between 0 and 100" in error and "占比" not in error
