"""Demo figures for the enterprise-data pages (示例数据): an enterprise's monthly energy use, the region's
yearly figures for the 用能空间 (from the bundled example inventory), a 一企一策 measure with progress."""

from __future__ import annotations

from datetime import date

from tanfeng.db.session import Database
from tanfeng.enterprises.headroom import gdp_path
from tanfeng.services import enterprise_data as data
from tanfeng.services import enterprise_energy as energy
from tanfeng.services.regions import find_region_id

MARK = "示例数据"
ACTOR = "demo"


def add_demo_energy(db: Database, enterprise_id: int, region: str, *, last_year: int) -> None:
    """Two years of monthly figures (one month missing, so the completeness check shows), the region's
    GDP and energy (示例数据, the example inventory's balance) and one measure."""
    admin = energy.cli_account(ACTOR)
    for year in (last_year - 1, last_year):
        for month in range(1, 13):
            if (year, month) == (last_year, 6):
                continue  # 示例: a month not reported
            season = 1.0 + 0.08 * ((month % 4) - 1.5)
            energy.submit_month(db, admin, enterprise_id, f"{year}-{month:02d}",
                                {"bituminous": (round(1800 * season, 1), "吨"),
                                 "natural_gas": (round(25 * season, 2), "万立方米"),
                                 "electricity": (round(420 * season, 1), "万千瓦时")},
                                {"示例产品": (round(9000 * season), "吨")}, source="cli")
    from tanfeng.accounting import compute, example_inventory_path, read_inventory

    inventory = compute(read_inventory(example_inventory_path()), fallback="ipcc2006")
    inp = inventory.input
    known: dict[int, float] = {}
    for y in inventory.years:
        value = inp.annual[y].gdp if y in inp.annual else None
        if value:
            known[y] = value
    base = min(known)
    growth = (known[max(known)] / known[base]) ** (1 / max(max(known) - base, 1)) - 1
    gdp = gdp_path(base, known[base], growth, max(base + 5, max(known)), known)
    rid = find_region_id(db, region)
    for year, value in gdp.items():
        bal = inventory.years[year].balance if year in inventory.years else None
        data.set_region_year(db, admin, rid, year, gdp=round(value, 2),
                             energy_tce=round(bal.total_eq_tce) if bal else None,
                             feedstock_tce=round(bal.feedstock_tce) if bal else None, new_renewable_tce=None,
                             source=f"{MARK}（示例清单）")
    mid = data.add_measure(db, admin, enterprise_id, title=f"窑炉余热回收发电（{MARK}）", expected_tce=1200.0,
                           expected_co2_t=3100.0, deadline=date(last_year + 1, 12, 31), responsible="设备部（示例）")
    data.report_progress(db, admin, mid, period=str(last_year), achieved_tce=450.0, achieved_co2_t=1150.0,
                         note=f"一期投运（{MARK}）")
