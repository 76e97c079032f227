"""Enterprise and project pages and API (SQLite and PostgreSQL): imports by upload, the classification shown,
an enterprise account reading only its own data (403 for another's), Excel export."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from integration.enterprise_helpers import (
    COUNTY_A,
    COUNTY_B,
    USCC_A,
    USCC_B,
    enterprise_rows,
    two_counties,
    write_enterprises,
    write_projects,
)
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.regions import find_region_id
from tanfeng.web import create_app

from .conftest import PASSWORD, login, settings


@pytest.fixture
def web(db: Database, tmp_path: Path) -> tuple[FastAPI, Database]:  # noqa: F811
    two_counties(db)
    accounts.create_user(db, username="office", password=PASSWORD, role="office")
    accounts.create_user(db, username="countya", password=PASSWORD, role="office",
                         region_id=find_region_id(db, COUNTY_A))
    return create_app(settings(), db), db


def _upload(client: TestClient, kind: str, path: Path) -> object:
    return client.post(f"/api/v1/{kind}/import", files={"file": (path.name, path.read_bytes(), "application/octet-stream")})


def _loaded(web: tuple[FastAPI, Database], tmp_path: Path) -> TestClient:
    app, _db = web
    office = login(app, "office")
    r = _upload(office, "enterprises", write_enterprises(tmp_path / "e.xlsx"))
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    r = _upload(office, "projects", write_projects(tmp_path / "p.xlsx"))
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    return office


def test_enterprise_account_cannot_read_another_enterprise(web: tuple[FastAPI, Database], tmp_path: Path) -> None:
    office = _loaded(web, tmp_path)
    app, database = web
    ids = {e["uscc"]: e["id"] for e in office.get("/api/v1/enterprises").json()}
    accounts.create_user(database, username="ent-a", password=PASSWORD, role="enterprise", enterprise_id=ids[USCC_A])
    ent = login(app, "ent-a")
    assert [e["uscc"] for e in ent.get("/api/v1/enterprises").json()] == [USCC_A]
    assert ent.get(f"/api/v1/enterprises/{ids[USCC_A]}").status_code == 200
    assert ent.get(f"/api/v1/enterprises/{ids[USCC_B]}").status_code == 403
    assert ent.get(f"/enterprises/{ids[USCC_B]}").status_code == 403
    other = next(p["id"] for p in office.get("/api/v1/projects").json() if p["uscc"] == USCC_B)
    assert ent.get(f"/api/v1/projects/{other}").status_code == 403
    assert ent.get(f"/projects/{other}").status_code == 403
    assert {p["uscc"] for p in ent.get("/api/v1/projects").json()} == {USCC_A}
    assert ent.patch(f"/api/v1/enterprises/{ids[USCC_B]}", json={"contact_name": "x"}).status_code == 403
    assert ent.patch(f"/api/v1/enterprises/{ids[USCC_A]}", json={"contact_name": "王五"}).status_code == 200
    # an enterprise account imports nothing and reads no plan data
    assert _upload(ent, "projects", write_projects(tmp_path / "p2.xlsx")).status_code == 403  # type: ignore[attr-defined]
    assert ent.get("/enterprises").headers["location"] == f"/enterprises/{ids[USCC_A]}"


def test_county_office_reads_and_writes_only_its_county(web: tuple[FastAPI, Database], tmp_path: Path) -> None:
    office = _loaded(web, tmp_path)
    app, _db = web
    county = login(app, "countya")
    assert {e["uscc"] for e in county.get("/api/v1/enterprises").json()} == {r["uscc"] for r in enterprise_rows()
                                                                             if r["region"] == COUNTY_A}
    b = next(e["id"] for e in office.get("/api/v1/enterprises").json() if e["uscc"] == USCC_B)
    assert county.get(f"/api/v1/enterprises/{b}").status_code == 403


def test_invalid_credit_code_upload_lists_the_row(web: tuple[FastAPI, Database], tmp_path: Path) -> None:
    app, _db = web
    office = login(app, "office")
    rows = enterprise_rows()
    rows[2]["uscc"] = "91360725MA35BBBB"
    r = office.post("/api/v1/enterprises/import", files={"file": ("名录.xlsx", write_enterprises(
        tmp_path / "bad.xlsx", rows).read_bytes(), "application/octet-stream")})
    assert r.status_code == 422
    body = r.json()
    assert len(body["errors"]) == 1 and "第4行" in body["errors"][0] and "row 4" in body["errors"][0]
    assert office.get("/api/v1/enterprises").json() == []


def test_pages_show_the_classification_in_both_languages(web: tuple[FastAPI, Database], tmp_path: Path) -> None:
    office = _loaded(web, tmp_path)
    cement = next(p for p in office.get("/api/v1/projects").json() if p["code"] == "2024-360724-30-01-000001")
    assert cement["class"] == "below_baseline" and cement["entry_flag"]
    line = cement["lines"][0]["classification"]
    assert (line["benchmark"], line["baseline"], line["unit"], line["verified"]) == (100, 117, "kgce/t", False)
    page = office.get("/projects").text
    assert "限期改造或淘汰（低于基准水平）" in page and "准入预警" in page
    detail = office.get(f"/projects/{cement['id']}").text
    assert 'class="bench-bar"' in detail and "发改产业〔2023〕723号" in detail and "未核实" in detail
    office.get("/lang/en?next=/")
    page = office.get("/projects").text
    assert "Retrofit by the deadline or exit (worse than baseline)" in page and "Entry flag" in page
    for path in ("/enterprises", "/enterprises/import", f"/projects/{cement['id']}",
                 f"/enterprises/{cement['enterprise_id']}"):
        assert office.get(path).status_code == 200, path
    export = office.get("/projects.xlsx?klass=entry")
    assert export.status_code == 200
    cells = [c for row in load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert "2024-360724-30-01-000001" in cells and "2023-360724-32-03-000002" not in cells


def test_status_change_is_recorded_and_stale_edits_refused(web: tuple[FastAPI, Database], tmp_path: Path) -> None:
    office = _loaded(web, tmp_path)
    p = next(p for p in office.get("/api/v1/projects").json() if p["code"] == "2024-360724-30-01-000001")
    r = office.post(f"/api/v1/projects/{p['id']}/status", json={"status": "在建", "version": p["version"]})
    assert r.status_code == 200 and [h["to_status"] for h in r.json()["history"]] == ["proposed", "construction"]
    again = office.post(f"/api/v1/projects/{p['id']}/status", json={"status": "投产", "version": p["version"]})
    assert again.status_code == 409


def _strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_are_in_one_language(web: tuple[FastAPI, Database], tmp_path: Path, lang: str) -> None:
    """English pages hold no Chinese but the data (names, codes, documents); Chinese pages no English words."""
    import re

    from tanfeng.enterprises import benchmarks

    from .test_languages import _visible_text

    office = _loaded(web, tmp_path)
    api = office.get("/api/v1/projects").json()
    data = _strings(api) | _strings(office.get("/api/v1/enterprises").json()) | {COUNTY_A, "崇义县", "赣州市"}
    data |= {r.document for r in benchmarks.table()} | {"office", "中文"}  # 中文: the language switch
    office.get(f"/lang/{lang}?next=/")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    latin_word = re.compile(r"\b[A-Za-z]{4,}\b")
    allowed_latin = {"Excel", "tanfeng", "English", "kgce", "kgoe", "html"}  # html: the doctype
    pages = ["/enterprises", "/projects", "/enterprises/import", f"/projects/{api[0]['id']}",
             f"/enterprises/{api[0]['enterprise_id']}"]
    problems = []
    for path in pages:
        response = office.get(path)
        assert response.status_code == 200, path
        for text in _visible_text(response.text):
            rest = text
            for value in sorted(data, key=len, reverse=True):
                if value:
                    rest = rest.replace(value, " ")
            if lang == "en" and cjk.search(rest):
                problems.append((path, text))
            if lang == "zh" and set(latin_word.findall(rest)) - allowed_latin:
                problems.append((path, text))
    assert problems == []


def test_the_enterprise_page_and_its_energy_page_link_each_other(web: tuple[FastAPI, Database],
                                                                 tmp_path: Path) -> None:
    """The office and the enterprise's own account follow the link both ways; another enterprise's account
    gets neither page (403) and so no link to follow."""
    from bs4 import BeautifulSoup

    office = _loaded(web, tmp_path)
    app, database = web
    ids = {e["uscc"]: e["id"] for e in office.get("/api/v1/enterprises").json()}
    accounts.create_user(database, username="ent-a", password=PASSWORD, role="enterprise", enterprise_id=ids[USCC_A])
    accounts.create_user(database, username="ent-b", password=PASSWORD, role="enterprise", enterprise_id=ids[USCC_B])
    page, energy = f"/enterprises/{ids[USCC_A]}", f"/enterprises/{ids[USCC_A]}/energy"
    for client in (office, login(app, "ent-a"), login(app, "countya")):
        response = client.get(page)
        assert response.status_code == 200
        link = BeautifulSoup(response.text, "html.parser").select_one("main a#energy-link")
        assert link is not None and link["href"] == energy and link.get_text(strip=True) == "能源数据与碳排放 →"
        response = client.get(str(link["href"]))
        assert response.status_code == 200
        soup = BeautifulSoup(response.text, "html.parser")
        assert "示例水泥有限公司" in soup.select_one("main h1").get_text()
        back = soup.select_one("main a#enterprise-link")
        assert back is not None and back["href"] == page and client.get(str(back["href"])).status_code == 200
    other = login(app, "ent-b")
    for path in (page, energy):
        response = other.get(path)
        assert response.status_code == 403
        assert not BeautifulSoup(response.text, "html.parser").select(f"a[href='{energy}']")
    own = other.get(f"/enterprises/{ids[USCC_B]}")  # its own page links its own energy data only
    assert [a["href"] for a in BeautifulSoup(own.text, "html.parser").select("main a#energy-link")] == [
        f"/enterprises/{ids[USCC_B]}/energy"]
    office.get("/lang/en?next=/")
    english = BeautifulSoup(office.get(page).text, "html.parser")
    assert english.select_one("main a#energy-link").get_text(strip=True) == "Energy data and CO₂ →"
    assert BeautifulSoup(office.get(energy).text, "html.parser").select_one(
        "main a#enterprise-link").get_text(strip=True) == "← Enterprise details"


def test_a_moved_enterprise_takes_its_account_out_of_the_old_countys_reach(web: tuple[FastAPI, Database],
                                                                          tmp_path: Path) -> None:
    """Re-uploading the list with the enterprise under the other county: the county office it left can no
    longer see the enterprise or manage its account (403); the county it joined can; the audit page says so."""
    from bs4 import BeautifulSoup

    office = _loaded(web, tmp_path)
    app, database = web
    ids = {e["uscc"]: e["id"] for e in office.get("/api/v1/enterprises").json()}
    ent = accounts.create_user(database, username="ent-a", password=PASSWORD, role="enterprise",
                               enterprise_id=ids[USCC_A])
    accounts.create_user(database, username="countyb", password=PASSWORD, role="office",
                         region_id=find_region_id(database, COUNTY_B))
    county_a, county_b = login(app, "countya"), login(app, "countyb")
    assert county_a.patch(f"/api/v1/users/{ent.id}", json={"active": True}).status_code == 200
    assert county_b.patch(f"/api/v1/users/{ent.id}", json={"active": True}).status_code == 403

    rows = [dict(r, region=COUNTY_B) if r["uscc"] == USCC_A else r for r in enterprise_rows()]
    token = office.headers["X-CSRF-Token"]
    moved = write_enterprises(tmp_path / "迁移后企业名录.xlsx", rows)
    response = office.post("/enterprises/import", data={"csrf_token": token},
                           files={"file": (moved.name, moved.read_bytes(), "application/octet-stream")})
    assert response.status_code == 303
    assert "1个企业账号随企业迁入新地区" in office.get("/enterprises").text  # the flash says so

    assert county_a.get(f"/enterprises/{ids[USCC_A]}").status_code == 403
    assert USCC_A not in {e["uscc"] for e in county_a.get("/api/v1/enterprises").json()}
    assert county_a.patch(f"/api/v1/users/{ent.id}", json={"active": True}).status_code == 403
    assert county_b.get(f"/enterprises/{ids[USCC_A]}").status_code == 200
    assert county_b.patch(f"/api/v1/users/{ent.id}", json={"active": True}).status_code == 200
    own = login(app, "ent-a")  # the account still reads its enterprise, now in the other county
    assert [(e["uscc"], e["region"]) for e in own.get("/api/v1/enterprises").json()] == [(USCC_A, COUNTY_B)]

    audit_rows = BeautifulSoup(office.get("/audit").text, "html.parser").select("table#audit tbody tr")
    texts = [" ".join(td.get_text(" ", strip=True) for td in tr.select("td")) for tr in audit_rows]
    move = next(t for t in texts if "企业账号随企业迁入新地区" in t)
    assert "账号：ent-a" in move and "示例水泥有限公司" in move
    assert f"原地区：{COUNTY_A}" in move and f"地区：{COUNTY_B}" in move and "迁移后企业名录.xlsx" in move
    assert any("导入企业名录" in t and "随企业迁移的账号：1" in t for t in texts)  # the upload's own entry
