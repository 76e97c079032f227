"""Enterprises and 两高 projects on SQLite and PostgreSQL: import all or nothing, credit codes refused with
their row, the 分类处置 of a 拟建 cement-clinker line checked against the table by hand, scoping."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from integration.enterprise_helpers import (
    COUNTY_A,
    COUNTY_B,
    USCC_A,
    USCC_B,
    enterprise_rows,
    project_rows,
    two_counties,
    write_enterprises,
    write_projects,
)
from tanfeng.db.enterprise_models import Enterprise, Project, ProjectStatusEvent
from tanfeng.db.session import Database
from tanfeng.services import accounts, enterprises, projects
from tanfeng.services.errors import ImportValidationError, NotAllowed
from tanfeng.services.regions import find_region_id


@pytest.fixture
def loaded(db: Database, tmp_path: Path) -> Database:
    two_counties(db)
    enterprises.import_enterprises(db, write_enterprises(tmp_path / "e.xlsx"), actor="office")
    projects.import_projects(db, write_projects(tmp_path / "p.xlsx"), actor="office")
    return db


def _table_row(edition: str, product: str) -> dict[str, str]:
    text_ = resources.files("tanfeng").joinpath("data/benchmarks/energy_efficiency.csv").read_text("utf-8")
    return next(r for r in csv.DictReader(text_.splitlines()) if r["edition"] == edition and r["product"] == product)


def test_proposed_cement_clinker_above_baseline_is_classified_and_flagged(loaded: Database) -> None:
    view = next(v for v in projects.list_projects(loaded, None) if v.code == "2024-360724-30-01-000001")
    row = _table_row("2023", "cement_clinker")
    # by hand: 0.118 tce/t = 118 kgce/t; the table's 基准 for clinker is 117 kgce/t, its 标杆 100
    assert (row["unit"], float(row["benchmark"]), float(row["baseline"])) == ("kgce/t", 100.0, 117.0)
    assert float(row["baseline"]) < 0.118 * 1000
    line = view.lines[0]
    assert line.classification is not None
    assert line.classification.value == pytest.approx(118.0)
    assert line.classification.klass == "below_baseline"  # 限期改造或淘汰
    assert line.classification.entry_flag  # 拟建 and worse than 标杆: flagged at entry (准入)
    assert line.classification.deadline is not None and line.classification.deadline.isoformat() == row["deadline"]
    assert line.classification.row.document == row["document"] == "发改产业〔2023〕723号"
    assert not line.classification.row.verified  # the table says it is unverified
    assert view.klass == "below_baseline" and view.entry_flag
    # the 2021 edition places it the same way, under its own document
    c2021 = next(v for v in projects.list_projects(loaded, None, edition="2021")
                 if v.code == view.code).lines[0].classification
    assert c2021 is not None and c2021.row.document == "发改产业〔2021〕1609号" and c2021.klass == "below_baseline"


def test_other_lines_and_counts(loaded: Database) -> None:
    views = {v.code: v for v in projects.list_projects(loaded, None)}
    aluminium = views["2023-360724-32-03-000002"]
    assert aluminium.klass == "upgrade" and not aluminium.entry_flag  # 13200 between 13000 and 13350; not 拟建
    coke = views["2022-360725-25-03-000003"]
    assert coke.klass == "benchmark"  # 105 ≤ 110
    assert projects.class_counts(list(views.values())) == {
        "benchmark": 1, "upgrade": 1, "below_baseline": 1, "none": 0, "entry": 1}
    assert [v.code for v in projects.list_projects(loaded, None, klass="entry")] == ["2024-360724-30-01-000001"]


def test_invalid_credit_codes_are_refused_with_their_row(db: Database, tmp_path: Path) -> None:
    two_counties(db)
    rows = enterprise_rows()
    rows[1]["uscc"] = rows[1]["uscc"][:-1] + ("0" if rows[1]["uscc"][-1] != "0" else "1")  # wrong check character
    rows[2]["uscc"] = "12345"
    with pytest.raises(ImportValidationError) as err:
        enterprises.import_enterprises(db, write_enterprises(tmp_path / "bad.xlsx", rows), actor="office")
    assert [(e.row, e.column) for e in err.value.errors] == [(3, "统一社会信用代码"), (4, "统一社会信用代码")]
    messages = [str(e) for e in err.value.errors]
    assert "第3行" in messages[0] and "row 3" in messages[0] and "校验位" in messages[0] and "check character" in messages[0]
    assert "18位" in messages[1] and "18 characters" in messages[1]
    with db.transaction() as session:  # all or nothing: the good first row is not stored either
        assert session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_project_import_is_all_or_nothing(db: Database, tmp_path: Path) -> None:
    two_counties(db)
    enterprises.import_enterprises(db, write_enterprises(tmp_path / "e.xlsx"), actor="office")
    rows = project_rows()
    rows[2]["status"] = "规划中"  # not a status
    rows[1]["unit_energy_unit"] = "kgce/t"  # 电解铝 is measured in kWh/t
    with pytest.raises(ImportValidationError) as err:
        projects.import_projects(db, write_projects(tmp_path / "bad.xlsx", rows), actor="office")
    assert sorted(e.row for e in err.value.errors) == [3, 4]
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0
        assert session.scalar(select(func.count()).select_from(ProjectStatusEvent)) == 0


def test_reimport_updates_and_records_the_status_change(loaded: Database, tmp_path: Path) -> None:
    rows = project_rows()
    rows[0]["status"] = "在建"
    result = projects.import_projects(loaded, write_projects(tmp_path / "again.xlsx", rows), actor="office")
    assert (result.created, result.updated, result.status_changes) == (0, 3, 1)
    view = next(v for v in projects.list_projects(loaded, None) if v.code == "2024-360724-30-01-000001")
    detail = projects.get_project(loaded, None, view.id)
    assert [(h["from_status"], h["to_status"]) for h in detail.history] == [(None, "proposed"),
                                                                           ("proposed", "construction")]
    assert detail.review is not None and detail.review["document_no"] == "示发改环资〔2024〕1号"
    assert not detail.entry_flag  # 在建: the 准入 flag is for 拟建 projects
    assert detail.klass == "below_baseline"


def test_status_history_is_append_only(loaded: Database) -> None:
    for statement in ("UPDATE project_status_events SET note = 'x'", "DELETE FROM project_status_events"):
        with pytest.raises(DBAPIError, match=r"refused|permission denied"), loaded.engine.begin() as conn:
            conn.execute(text(statement))


def _enterprise_id(db: Database, uscc: str) -> int:
    with db.transaction() as session:
        eid = session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))
        assert eid is not None
        return eid


def test_enterprise_account_reads_only_its_own(loaded: Database) -> None:
    own, other = _enterprise_id(loaded, USCC_A), _enterprise_id(loaded, USCC_B)
    account = accounts.create_user(loaded, username="ent-a", password="correct-horse-1", role="enterprise",
                                   enterprise_id=own)
    assert account.region_id == find_region_id(loaded, COUNTY_A)
    assert [e.id for e in enterprises.list_enterprises(loaded, account)] == [own]
    assert {p.enterprise_id for p in projects.list_projects(loaded, account)} == {own}
    assert enterprises.get_enterprise(loaded, account, own).uscc == USCC_A
    with pytest.raises(NotAllowed):
        enterprises.get_enterprise(loaded, account, other)
    with pytest.raises(NotAllowed):  # an id that does not exist answers the same
        enterprises.get_enterprise(loaded, account, 999_999)
    other_project = next(p.id for p in projects.list_projects(loaded, None) if p.enterprise_id == other)
    with pytest.raises(NotAllowed):
        projects.get_project(loaded, account, other_project)


def test_offices_read_their_region_and_write_only_there(loaded: Database, tmp_path: Path) -> None:
    office_b = accounts.create_user(loaded, username="office-b", password="correct-horse-1", role="office",
                                    region_id=find_region_id(loaded, COUNTY_B))
    assert [e.uscc for e in enterprises.list_enterprises(loaded, office_b)] == [USCC_B]
    with pytest.raises(NotAllowed):
        enterprises.update_enterprise(loaded, office_b, _enterprise_id(loaded, USCC_A), {"note": "x"}, version=None)
    with pytest.raises(ImportValidationError) as err:  # a row of the other county is refused with its row
        enterprises.import_enterprises(loaded, write_enterprises(tmp_path / "e.xlsx"), actor="office-b",
                                       account=office_b)
    assert {e.row for e in err.value.errors} == {2, 3}
    city = accounts.create_user(loaded, username="city", password="correct-horse-1", role="viewer",
                                region_id=find_region_id(loaded, "赣州市"))
    assert len(enterprises.list_enterprises(loaded, city)) == 3


def test_stale_edit_is_refused(loaded: Database) -> None:
    from tanfeng.services.errors import StaleEdit

    eid = _enterprise_id(loaded, USCC_A)
    version = enterprises.get_enterprise(loaded, None, eid).version
    enterprises.update_enterprise(loaded, None, eid, {"contact_name": "张三"}, version=version)
    with pytest.raises(StaleEdit):
        enterprises.update_enterprise(loaded, None, eid, {"contact_name": "李四"}, version=version)


def test_annual_report_section(loaded: Database) -> None:
    from tanfeng.reports.annual import build_annual_content
    from tanfeng.reports.layout import Para, Section, Table, build_outline

    report = build_annual_content(loaded, 2025, region=COUNTY_A)
    assert report.enterprises is not None and report.enterprises.counts["below_baseline"] == 1
    outline = build_outline(report)
    section = next(s for s in outline.sections if s.title == "重点用能单位与“两高”项目")
    overview = section.blocks[0]
    assert isinstance(overview, Section)
    first = overview.blocks[0]
    assert isinstance(first, Para)
    # county A only: its two enterprises and two projects (county B's are not in its report)
    assert "在库企业2家" in first.text and "“两高”项目2个" in first.text and "需限期改造或淘汰1个" in first.text
    table = next(b for b in overview.blocks if isinstance(b, Table) and b.sheet == "两高项目")
    assert {row[1] for row in table.rows} == {"2024-360724-30-01-000001", "2023-360724-32-03-000002"}
