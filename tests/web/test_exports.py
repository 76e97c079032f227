"""导出Excel: every page's tables as xlsx, opened back; the page's filters, permissions and language hold
(SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tanfeng.db.session import Database
from tanfeng.services import audit
from tanfeng.web import create_app
from tanfeng.web.export import XLSX, read_tables, tables_workbook

from .conftest import OWN_UNIT, Fixture, login, populate, settings
from .multiplan_fixtures import CITY, COUNTY_A, COUNTY_B, populate_regions


@pytest.fixture
def web(db_url: str) -> Iterator[tuple[FastAPI, Fixture]]:
    db = Database(db_url)
    fx = populate(db)
    try:
        yield create_app(settings(), db), fx
    finally:
        db.dispose()


def _sheets(data: bytes) -> dict[str, Worksheet]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: ws for ws in wb.worksheets}


def _header_row(ws: Worksheet) -> int:
    """The header is the row the filter starts on."""
    return int("".join(ch for ch in str(ws.auto_filter.ref).split(":")[0] if ch.isdigit()))


def _table(ws: Worksheet) -> tuple[list[object], list[list[object]]]:
    row = _header_row(ws)
    rows = [list(r) for r in ws.iter_rows(min_row=row, values_only=True)]
    return rows[0], rows[1:]


def test_the_helper_writes_numbers_times_and_inert_text() -> None:
    html = """<main><h1>审核</h1><h2>待审核</h2><form><table><thead><tr><th></th><th>指标</th><th>数值</th><th>时间</th>
    <th>代码</th><th>期间</th></tr></thead><tbody>
    <tr><td><input type="checkbox"><form><button>采纳</button></form></td><td>=HYPERLINK("x")</td>
        <td data-value="80.125" data-unit="%">80.13 %</td><td>2026-12-01 09:30</td><td data-text>1.10</td>
        <td>2024</td></tr>
    <tr><td></td><td>能耗</td><td><form><input name="v" value="1,101.72"></form></td><td>—</td>
        <td><select><option>A0</option><option selected>A1</option></select></td><td>2025</td></tr>
    <tr><td colspan="6">无</td></tr></tbody></table></form></main>"""
    ws = _sheets(tables_workbook(html, notes=["示例数据"]))["待审核"]
    assert ws["A1"].value == "审核 · 待审核" and ws["A2"].value == "示例数据"
    header, rows = _table(ws)
    assert header == ["指标", "数值", "时间", "代码", "期间"]  # the controls' empty column is gone
    assert len(rows) == 2  # the "none" placeholder row is not data
    first = ws[_header_row(ws) + 1]
    assert first[0].data_type == "s" and first[0].value.startswith("=")  # never evaluated as a formula
    assert first[1].value == 80.125 and first[1].number_format == '#,##0.13 "%"'.replace("13", "00")
    assert first[2].value == datetime(2026, 12, 1, 9, 30)
    assert first[3].value == "1.10" and first[4].value == 2024 and first[4].number_format == "0"
    second = ws[_header_row(ws) + 2]
    assert second[1].value == 1101.72 and second[1].number_format == "#,##0.00"
    assert second[2].value == "—" and second[3].value == "A1"  # a field's value, a select's choice
    assert ws.freeze_panes == f"A{_header_row(ws) + 1}"


def test_sheet_names_are_unique_and_legal() -> None:
    html = "<main><h1>x</h1>" + "".join(f"<h2>目标/路径[{i // 2}]?</h2><table><tr><th>a</th></tr><tr><td>{i}</td></tr>"
                                       "</table>" for i in range(4)) + "</main>"
    names = [name for name, _ in [(s.name, s) for s in read_tables(html)[1]]]
    assert len(set(names)) == 4 and not any(ch in "".join(names) for ch in "[]:*?/\\")
    assert list(_sheets(tables_workbook(html))) == names


OFFICE_PAGES = ["/", "/review", "/review?status=accepted", "/matrix", "/audit", "/admin", "/reminders", "/library",
                "/alignment", "/plan", "/setup", "/quotas", "/consultation"]


def _page_tables(client: TestClient, path: str) -> list[tuple[list[str], int]]:
    """(header, number of data rows) of each table the page shows, as the export reads it."""
    return [(s.header, len(s.rows)) for s in read_tables(client.get(path).text)[1]]


def test_every_office_table_exports_as_the_page_shows_it(web: tuple[FastAPI, Fixture]) -> None:
    app, fx = web
    unit = login(app, "unit")
    assert unit.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OWN_UNIT], "values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 81.25,
         "note": "核对"}]}).status_code == 201
    office = login(app, "office")
    pages = [*OFFICE_PAGES, f"/targets/{fx.indicator['forest_coverage']}",
             f"/workspace?unit_id={fx.unit_ids[OWN_UNIT]}&period=2024"]
    exported = 0
    for path in pages:
        page = office.get(path)
        assert page.status_code == 200, path
        link = BeautifulSoup(page.text, "html.parser").select_one("a.export")
        tables = _page_tables(office, path)
        if not tables:
            assert link is None, path
            continue
        assert link is not None and "export=xlsx" in link["href"], path
        response = office.get(link["href"])
        assert response.status_code == 200 and response.headers["content-type"] == XLSX, path
        assert "attachment" in response.headers["content-disposition"]
        sheets = list(_sheets(response.content).values())
        assert len(sheets) == len(tables), path
        for ws, (header, count) in zip(sheets, tables, strict=True):
            got_header, rows = _table(ws) if ws.auto_filter.ref else ([], [])
            assert [h or "" for h in got_header] == header and len(rows) == count, (path, ws.title)
        exported += 1
    assert exported >= 10
    review = _sheets(office.get("/review?status=submitted&export=xlsx").content)
    header, rows = _table(next(iter(review.values())))
    value_col = header.index("数值")
    assert [r[value_col] for r in rows] == [81.25]  # a numeric cell (a share: the entry checks allow 0–100), not "81.25%"
    entries = audit.recent(fx.db, limit=5)
    assert any(e.action == "export_table" and e.detail.get("page") == "/review" for e in entries)


def test_the_export_honours_the_filter(web: tuple[FastAPI, Fixture]) -> None:
    app, fx = web
    unit = login(app, "unit")
    for period, value in (("2023", 70.0), ("2024", 71.0)):
        unit.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OWN_UNIT], "values": [
            {"indicator_id": fx.indicator["forest_coverage"], "period": period, "value": value}]})
    office = login(app, "office")
    first = office.get("/api/v1/observations?status=submitted").json()[0]["id"]
    assert office.post(f"/api/v1/observations/{first}/accept").status_code == 200

    def periods(status: str) -> list[object]:
        ws = next(iter(_sheets(office.get(f"/review?status={status}&export=xlsx").content).values()))
        header, rows = _table(ws)
        return sorted(r[header.index("期间")] for r in rows)

    assert len(periods("accepted")) == 1 and len(periods("submitted")) == 1
    assert periods("accepted") != periods("submitted")
    assert periods("returned") == []


def test_the_audit_export_is_the_whole_log_not_one_screen(web: tuple[FastAPI, Fixture]) -> None:
    app, fx = web
    for i in range(130):
        audit.record(fx.db, user_id=None, username=f"u{i}", action="login_failed", detail={"username": f"u{i}"})
    office = login(app, "office")
    page_rows = _page_tables(office, "/audit")[0][1]
    assert page_rows == 100
    _header, rows = _table(next(iter(_sheets(office.get("/audit?export=xlsx").content).values())))
    assert len(rows) > 130


def test_exports_keep_the_pages_permissions(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    unit, viewer = login(app, "unit"), login(app, "viewer")
    for client, path in ((unit, "/audit"), (unit, "/review"), (viewer, "/review"), (viewer, "/admin")):
        response = client.get(f"{path}?export=xlsx")
        assert response.status_code == 403 and "text/html" in response.headers["content-type"], path
    assert TestClient(app, follow_redirects=False).get("/audit?export=xlsx").status_code == 303  # to the login
    mine = _sheets(unit.get("/workspace?period=2024&export=xlsx").content)
    assert mine and all(OWN_UNIT in str(ws["A1"].value) or ws.max_row > 1 for ws in mine.values())


def test_english_pages_export_english_headers(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    office = login(app, "office")
    office.get("/lang/en?next=/")
    header, _rows = _table(next(iter(_sheets(office.get("/?export=xlsx").content).values())))
    assert "Indicator" in header and "指标" not in header
    page = BeautifulSoup(office.get("/").text, "html.parser")
    assert page.select_one("a.export").get_text() == "Export to Excel"


def test_the_rollup_export_shows_only_readable_regions(db_url: str) -> None:
    db = Database(db_url)
    try:
        rg = populate_regions(db)
        from .multiplan_fixtures import PASSWORD

        def client(name: str) -> TestClient:
            c = TestClient(create_app(settings(), rg.db), follow_redirects=False)
            c.post("/api/v1/session", json={"username": name, "password": PASSWORD})
            return c

        ws = next(iter(_sheets(client("city").get("/rollup?export=xlsx").content).values()))
        header, rows = _table(ws)
        assert header[0] == "地区" and sorted(r[0] for r in rows) == sorted([COUNTY_A, COUNTY_B])
        assert client("countyb").get(f"/rollup?region={CITY}&export=xlsx").status_code == 403
    finally:
        db.dispose()

