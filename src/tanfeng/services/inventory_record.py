"""Record an inventory's indicators as observations of the plan's targets (``inventory compute --record``).

The accounting library gives the values keyed by canonical code (``plan_observations``); here each
value becomes an observation of the stored indicators with the same code, reported by the
indicator's lead unit (or the unit given, for the indicators it is responsible for), through the
collection service's checks and in its one transaction. Indicators that cannot be recorded (no
responsible unit, another base year) are listed with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from tanfeng.accounting.observations import Observation as InventoryValue
from tanfeng.db.session import Database
from tanfeng.services.collection import CollectionResult, store_values
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions, unit_names
from tanfeng.services.registry import find_unit, get_region
from tanfeng.services.tracked import load_tracked


@dataclass(frozen=True)
class RecordedValue:
    code: str
    indicator_id: int
    indicator: str
    period: str
    value: float
    unit: str
    reporter: str


@dataclass
class RecordResult:
    recorded: list[RecordedValue]
    collection: CollectionResult
    skipped: list[str] = field(default_factory=list)  # why a matching indicator was not recorded


def _source(value: InventoryValue) -> str:
    prov = value.provenance
    name = Path(str(prov.get("source_file", ""))).name
    sets = "、".join(prov.get("factor_sets", []))
    return f"温室气体清单 {name}（{value.label}；因子 {sets}；{prov.get('gwp', '')}；sha256 {str(prov.get('source_sha256', ''))[:12]}）"[:500]


def record_inventory(db: Database, values: dict[str, InventoryValue], *, actor: str, region: str | None = None,
                     reporter: str | None = None, draft: bool = False,
                     audit: Callable[[Session, RecordResult], None] | None = None) -> RecordResult:
    """Store ``values`` (from ``plan_observations``) as observations of the matching targets.

    ``audit`` is called with the session and the result before the transaction commits (the web's
    audit entry goes in with the values).
    """
    rows: list[dict[str, object]] = []
    recorded: list[RecordedValue] = []
    skipped: list[str] = []
    with db.write() as session:
        region_row = get_region(session, region) if region else None
        if region_row is None:
            regions = {ref.region.id: ref.region for ref in current_versions(session)}
            if len(regions) != 1:
                raise StoreError("请用 --region 指定地区", "give the region with --region")
            region_row = next(iter(regions.values()))
        names = unit_names(session)
        reporter_id: int | None = None
        if reporter:
            unit = find_unit(session, region_row, reporter)
            if unit is None:
                raise StoreError(f"未知单位“{reporter}”", f"unknown unit '{reporter}'")
            reporter_id = unit.id
        seen: set[int] = set()
        for item in load_tracked(session, region_row):
            ind = item.indicator
            value = values.get(ind.code or "")
            if value is None or ind.id in seen:
                continue
            seen.add(ind.id)
            if value.measure == "reduction_vs_baseline" and ind.baseline_year and value.baseline_year != ind.baseline_year:
                skipped.append(f"{ind.name}: 基准年{ind.baseline_year}与清单基准年{value.baseline_year}不同 / "
                               f"base year {ind.baseline_year} differs from the inventory's {value.baseline_year}")
                continue
            if not item.units:
                skipped.append(f"{ind.name}: 没有责任单位，请用 tanfeng plan assign 指定 / "
                               "no responsible unit: assign one with tanfeng plan assign")
                continue
            if reporter_id is not None and all(uid != reporter_id for uid, _ in item.units):
                skipped.append(f"{ind.name}: {reporter}不是责任单位 / {reporter} is not responsible for it")
                continue
            who = reporter if reporter and reporter_id is not None else names[item.lead_unit_id or item.units[0][0]]
            rows.append({"indicator_id": ind.id, "period": str(value.year), "value": round(value.value, 6),
                         "unit": value.unit, "source": _source(value), "reporter": who,
                         "note": json.dumps({k: v for k, v in value.provenance.items() if k != "method"},
                                            ensure_ascii=False)})
            recorded.append(RecordedValue(value.code, ind.id, ind.name, str(value.year), value.value, value.unit, who))
        if not rows:
            why = "；".join(skipped) if skipped else "方案中没有与清单指标对应的目标 / no plan target matches the inventory"
            raise StoreError(f"没有可记录的指标：{why}", "nothing to record (see the reasons above)")
        stored = store_values(session, rows, reporter=str(rows[0]["reporter"]), actor=actor, region=region_row.name,
                              draft=draft, source="inventory")
        result = RecordResult(recorded, stored, skipped)
        if audit is not None:
            audit(session, result)
        return result
