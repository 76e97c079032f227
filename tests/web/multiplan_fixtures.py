"""Two counties of one city and the city's plan (示例数据, built in code), with accounts per region."""

from __future__ import annotations

from dataclasses import dataclass

from builders import PlanBuilder
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.plan_import import import_plan
from tanfeng.services.status import compute_status
from tanfeng.services.workspace import list_units

PASSWORD = "correct-horse-battery"
COUNTY_A, COUNTY_B, CITY = "上犹县", "崇义县", "赣州市"


def county_plan(region: str, energy_drop: float = 13) -> PlanBuilder:
    builder = PlanBuilder(region=region, title=f"{region}碳达峰实施方案（示例数据）")
    builder.target("T1")["value"] = energy_drop
    builder.target("T1")["sentence"] = f"到2025年，单位地区生产总值能源消耗较2020年下降{energy_drop}%"
    return builder


def city_plan() -> PlanBuilder:
    builder = PlanBuilder(region=CITY, title=f"{CITY}碳达峰实施方案（示例数据）")
    builder.targets = [t for t in builder.targets if t["id"] in ("T1", "T3", "T5")] + [
        {"id": "T6", "indicator": "非化石能源消费比重", "code": "non_fossil_share", "change": "level", "value": 24,
         "unit": "%", "year": 2025, "sentence": "非化石能源消费比重达到24%"}]
    builder.target("T1")["value"] = 13.5
    builder.target("T1")["sentence"] = "到2025年，单位地区生产总值能源消耗较2020年下降13.5%"
    builder.tasks[0]["target_ids"] = ["T3"]
    builder.tasks[1]["target_ids"] = []
    return builder


@dataclass(frozen=True)
class Regions:
    db: Database
    plan: dict[str, int]  # region → plan id
    unit: dict[tuple[str, str], int]  # (region, unit name) → unit id
    indicator: dict[tuple[str, str], int]  # (region, code) → indicator id


def populate_regions(db: Database) -> Regions:
    """Plans of 上犹县 (−12 % energy intensity, weaker than the city's −13.5 %), 崇义县 (−14 %) and 赣州市.

    Accounts: office (every region), city (赣州市 office), countya / countyb (county offices),
    unita / unitb (县发改委 of each county), viewer.
    """
    plans = {}
    for region, builder in ((COUNTY_A, county_plan(COUNTY_A, 12)), (COUNTY_B, county_plan(COUNTY_B, 14)),
                            (CITY, city_plan())):
        plans[region] = import_plan(db, builder.plan(), actor="test").plan_id
    units = {(region, name): uid for uid, name, region in list_units(db)}
    regions = {r.name: r.id for r in _regions(db)}
    for username, role, unit, region in (
            ("office", "office", None, None), ("city", "office", None, CITY), ("countya", "office", None, COUNTY_A),
            ("countyb", "office", None, COUNTY_B), ("unita", "unit", (COUNTY_A, "县发改委"), None),
            ("unitb", "unit", (COUNTY_B, "县发改委"), None), ("viewer", "viewer", None, None),
            ("viewera", "viewer", None, COUNTY_A)):
        accounts.create_user(db, username=username, password=PASSWORD, role=role,
                             unit_id=units[unit] if unit else None,
                             region_id=regions[region] if region else None)
    indicators = {(row.region, row.code or row.target): row.indicator_id for row in compute_status(db)}
    return Regions(db, plans, units, indicators)


def _regions(db: Database) -> list:  # type: ignore[type-arg]
    from tanfeng.services.regions import region_tree

    return region_tree(db)
