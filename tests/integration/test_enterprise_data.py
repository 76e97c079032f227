"""Enterprise energy data on SQLite and PostgreSQL: upload (bulk and row by row), scope, flags, monitoring,
用能空间 and 一企一策 — two counties, each enterprise account kept to its own data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from enterprise_data_fixtures import EnterpriseFixture, account, populate_enterprises
from tanfeng.db.enterprise_models import Enterprise, EnterpriseEnergy, MeasureProgress
from tanfeng.db.session import Database
from tanfeng.services import enterprise_data as data
from tanfeng.services import enterprise_energy as energy
from tanfeng.services.errors import ImportValidationError, NotAllowed, StaleEdit
from web.multiplan_fixtures import COUNTY_A, COUNTY_B


@pytest.fixture
def ef(db: Database) -> EnterpriseFixture:
    return populate_enterprises(db)


def _uscc(ef: EnterpriseFixture, county: str) -> str:
    with ef.db.transaction() as s:
        return s.get(Enterprise, ef.enterprise[county]).uscc  # type: ignore[union-attr]


def _csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "energy.csv"
    path.write_text("统一社会信用代码,期间,类别,品种,数量,单位\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _year_lines(uscc: str, year: int = 2024, skip: int | None = None, spike: int | None = None) -> list[str]:
    out = []
    for m in range(1, 13):
        if m == skip:
            continue
        coal = 2000 + 10 * (m % 3)
        out.append(f"{uscc},{year}-{m:02d},能源,烟煤,{coal * (10 if m == spike else 1)},吨")
        out.append(f"{uscc},{year}-{m:02d},能源,电力,{300 + m},万千瓦时")
        out.append(f"{uscc},{year}-{m:02d},产品,玻璃纤维,{800 + m},吨")
    return out


@pytest.mark.parametrize("bulk", [True, False])
def test_upload_stores_then_updates_only_what_changed(ef: EnterpriseFixture, tmp_path: Path, bulk: bool) -> None:
    office = account(ef.db, "countya")
    a = _uscc(ef, COUNTY_A)
    records = energy.validate(energy.read_rows(str(_csv(tmp_path, _year_lines(a)))), "energy.csv")
    first = energy.store_records(ef.db, office, records, source="upload", bulk=bulk)
    assert (first.created, first.updated, first.unchanged) == (36, 0, 0)
    again = energy.store_records(ef.db, office, records, source="upload", bulk=bulk)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 36)
    changed = [r if r.period != "2024-03" or r.item != "bituminous" else
               energy.Record(r.uscc, r.period, r.kind, r.item, 2500.0, r.unit, r.row) for r in records]
    third = energy.store_records(ef.db, office, changed, source="upload", bulk=bulk)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 35)
    with ef.db.transaction() as s:
        row = s.scalar(select(EnterpriseEnergy).where(EnterpriseEnergy.period == "2024-03",
                                                      EnterpriseEnergy.fuel == "bituminous"))
        assert row is not None and (row.quantity, row.version) == (2500.0, 2)


def test_a_bad_row_stores_nothing_and_names_the_row(ef: EnterpriseFixture, tmp_path: Path) -> None:
    a = _uscc(ef, COUNTY_A)
    lines = _year_lines(a)
    lines[4] = f"{a},2024-13,能源,烟煤,1,吨"
    lines[7] = f"{a},2024-03,能源,月光,1,吨"
    with pytest.raises(ImportValidationError) as err:
        energy.validate(energy.read_rows(str(_csv(tmp_path, lines))), "energy.csv")
    assert [e.row for e in err.value.errors] == [6, 9]
    assert "月光" in str(err.value.errors[1])
    with ef.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(EnterpriseEnergy)) == 0


def test_an_unknown_enterprise_refuses_the_file(ef: EnterpriseFixture, tmp_path: Path) -> None:
    records = energy.validate(energy.read_rows(str(_csv(tmp_path, ["91360724MA35G7XY00,2024-01,能源,柴油,1,吨"]))), "x")
    with pytest.raises(ImportValidationError, match="91360724MA35G7XY00"):
        energy.store_records(ef.db, account(ef.db, "office"), records, source="upload")


def test_enterprise_accounts_keep_to_their_own_data(ef: EnterpriseFixture, tmp_path: Path) -> None:
    a, b = _uscc(ef, COUNTY_A), _uscc(ef, COUNTY_B)
    enta, entb = account(ef.db, "enta"), account(ef.db, "entb")
    own = energy.validate(energy.read_rows(str(_csv(tmp_path, _year_lines(a)))), "a.csv")
    energy.store_records(ef.db, enta, own, source="upload")
    others = energy.validate(energy.read_rows(str(_csv(tmp_path, _year_lines(b)))), "b.csv")
    with pytest.raises(NotAllowed):
        energy.store_records(ef.db, enta, others, source="upload")
    with pytest.raises(NotAllowed):
        energy.enterprise_flags(ef.db, entb, ef.enterprise[COUNTY_A])
    with pytest.raises(NotAllowed):
        data.enterprise_co2(ef.db, entb, ef.enterprise[COUNTY_A])
    with pytest.raises(NotAllowed):  # the other county's office neither
        energy.enterprise_flags(ef.db, account(ef.db, "countyb"), ef.enterprise[COUNTY_A])
    with pytest.raises(NotAllowed):
        energy.submit_month(ef.db, enta, ef.enterprise[COUNTY_B], "2024-01", {"diesel": (1.0, "吨")})
    assert energy.enterprise_flags(ef.db, account(ef.db, "city"), ef.enterprise[COUNTY_A]) == []


def test_missing_month_and_tenfold_outlier_are_flagged_from_the_store(ef: EnterpriseFixture, tmp_path: Path) -> None:
    a = _uscc(ef, COUNTY_A)
    records = energy.validate(energy.read_rows(str(_csv(tmp_path, _year_lines(a, skip=5, spike=8)))), "e.csv")
    energy.store_records(ef.db, account(ef.db, "enta"), records, source="upload")
    flags = energy.enterprise_flags(ef.db, account(ef.db, "countya"), ef.enterprise[COUNTY_A], last="2024-12")
    assert [(f.rule, f.period, f.fuel) for f in flags] == [("completeness", "2024", ""),
                                                           ("mom_outlier", "2024-08", "bituminous")]
    assert flags[1].numbers["ratio"] == pytest.approx(20_200 / 2010)
    everyone = energy.region_flags(ef.db, account(ef.db, "office"), last="2024-12")
    assert {k: len(v) for k, v in everyone.items()} == {ef.enterprise[COUNTY_A]: 2}


def test_month_form_refuses_a_stale_edit(ef: EnterpriseFixture) -> None:
    enta, eid = account(ef.db, "enta"), ef.enterprise[COUNTY_A]
    energy.submit_month(ef.db, enta, eid, "2024-01", {"electricity": (300.0, "万千瓦时")}, {"玻璃纤维": (800.0, "吨")})
    energy.submit_month(ef.db, account(ef.db, "countya"), eid, "2024-01", {"electricity": (310.0, "万千瓦时")},
                        versions={"electricity": 1})
    with pytest.raises(StaleEdit):
        energy.submit_month(ef.db, enta, eid, "2024-01", {"electricity": (305.0, "万千瓦时")}, versions={"electricity": 1})


def test_co2_of_an_enterprise_uses_the_engine(ef: EnterpriseFixture) -> None:
    enta, eid = account(ef.db, "enta"), ef.enterprise[COUNTY_A]
    for m in range(1, 13):
        energy.submit_month(ef.db, enta, eid, f"2024-{m:02d}", {"bituminous": (100.0, "吨"), "electricity": (10.0, "万千瓦时")})
    view = data.enterprise_co2(ef.db, enta, eid)
    assert view.error == "" and sorted(view.years) == [2024]
    yr = view.years[2024]
    assert yr.direct_co2_t > 0 and yr.indirect_co2_t > 0
    assert all(f.source for ln in yr.lines for f in ln.factors)


def test_project_fifteen_percent_over_its_approval_is_flagged(ef: EnterpriseFixture) -> None:
    enta, eid = account(ef.db, "enta"), ef.enterprise[COUNTY_A]
    # approved 10,000 tce (当量值); electricity at 0.1229 kgce/kWh → 11,500 tce = 93,572,009.76 kWh a year
    from tanfeng.accounting.factors import library

    coef = library().resolve("tce_coef", "electricity")
    assert coef is not None
    kwh_year = 11_500.0 / coef.factor.value
    for m in range(1, 13):
        energy.submit_month(ef.db, enta, eid, f"2024-{m:02d}", {"electricity": (kwh_year / 12, "千瓦时")})
    rows = data.monitoring(ef.db, account(ef.db, "countya"), 2024)
    assert len(rows) == 1 and rows[0].check.flagged and rows[0].check.project_id == ef.project
    assert rows[0].check.over_share == pytest.approx(0.15)
    assert data.monitoring(ef.db, account(ef.db, "countya"), 2024, threshold=0.2)[0].check.flagged is False
    assert data.monitoring(ef.db, account(ef.db, "countyb"), 2024) == []


def test_region_headroom_from_stored_figures(ef: EnterpriseFixture) -> None:
    office, rid = account(ef.db, "countya"), ef.region_id[COUNTY_A]
    gdp = {2020: 120.0, 2021: 127.2, 2022: 134.832, 2023: 142.92192, 2024: 151.4972352, 2025: 160.587069312}
    for year, value in gdp.items():
        data.set_region_year(ef.db, office, rid, year, gdp=value, energy_tce=600_000.0 if year == 2020 else
                             (640_000.0 if year == 2023 else None), feedstock_tce=20_000.0 if year == 2020 else None,
                             new_renewable_tce=None, source="示例数据")
    view = data.region_headroom(ef.db, office, rid)
    assert view.error == "", view.error
    last = view.years[-1]
    # 上犹县's plan here: −12 % by 2025 (multiplan fixture). I0 = 580,000 / 1,200,000; 2025 allowed = 0.88 I0 × GDP
    assert last.year == 2025
    assert last.allowed_tce == pytest.approx(580_000 / 1_200_000 * 0.88 * 160.587069312 * 1e4)
    # the operating project started 2022, before the 2023 actual: already counted, not added again
    assert last.approved_tce == 0.0 and last.counted_tce == pytest.approx(640_000 - 20_000)
    with pytest.raises(NotAllowed):
        data.region_headroom(ef.db, account(ef.db, "enta"), rid)
    with pytest.raises(NotAllowed):
        data.set_region_year(ef.db, account(ef.db, "countyb"), rid, 2024, gdp=1.0, energy_tce=None, feedstock_tce=None,
                             new_renewable_tce=None, source=None)


def test_measures_and_progress(ef: EnterpriseFixture) -> None:
    enta, eid = account(ef.db, "enta"), ef.enterprise[COUNTY_A]
    mid = data.add_measure(ef.db, enta, eid, title="窑炉余热回收（示例）", expected_tce=1200.0, expected_co2_t=3100.0,
                           deadline=date(2025, 12, 31), responsible="张工")
    data.report_progress(ef.db, enta, mid, period="2024", achieved_tce=400.0, achieved_co2_t=1000.0, note="一期投用")
    data.report_progress(ef.db, account(ef.db, "countya"), mid, period="2025-06", achieved_tce=300.0,
                         achieved_co2_t=800.0, note=None)
    views = data.list_measures(ef.db, account(ef.db, "countya"))
    assert [(v.title, v.achieved_tce, v.reports, v.status) for v in views] == [
        ("窑炉余热回收（示例）", 700.0, 2, "in_progress")]
    totals = data.measure_totals(views, date(2025, 7, 1), target_tce=2400.0)
    assert totals.share_of_target() == pytest.approx(0.5)
    assert data.list_measures(ef.db, account(ef.db, "entb")) == []
    with pytest.raises(NotAllowed):
        data.report_progress(ef.db, account(ef.db, "entb"), mid, period="2024", achieved_tce=1.0, achieved_co2_t=1.0,
                             note=None)
    with pytest.raises(StaleEdit):
        data.update_measure(ef.db, enta, mid, version=1, status="done", deadline=None, responsible=None)
    with ef.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(MeasureProgress)) == 2
