"""The demo's other regions: the reference county's city and one neighbouring county (示例数据).

Both plans are made from the reference plan with invented targets — the city a little stricter on
relative changes, the neighbour a little weaker and without one of the city's targets — so the
alignment page shows its flags and the roll-up has more than one county. The city assigns the
counties' deferred targets in one quota table. Which city and neighbour: the gazetteer's parent of
the reference plan's region and the first other county under it (any reference plan works).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from tanfeng.db.session import Database
from tanfeng.plans.model import Plan
from tanfeng.regions.gazetteer import Division, gazetteer
from tanfeng.services.plan_import import import_plan
from tanfeng.services.quotas import QuotaEntry, quota_table, save_quotas
from tanfeng.services.scope import region_ids_by_name

MARK = "示例数据"
ILLUSTRATIVE_QUOTA = 18.0  # an assumed quota in %, like the demo's reference-county quota
STRICTER, WEAKER = 1.05, 0.92


@dataclass(frozen=True)
class DemoRegions:
    city: str | None
    neighbour: str | None
    city_region_id: int | None


def _relatives(region: str, adcode: str | None) -> tuple[Division | None, Division | None]:
    g = gazetteer()
    own = g.by_code.get((adcode or "")[:6]) or next(iter(g.by_name.get(region, [])), None)
    if own is None or own.level != "county":
        return None, None
    city = g.parent(own)
    if city is None:
        return None, None
    siblings = sorted((d for d in g.by_code.values() if d.level == "county" and d.adcode != own.adcode
                       and g.parent(d) == city), key=lambda d: d.adcode)
    return city, (siblings[0] if siblings else None)


def _scaled(value: float, factor: float) -> float:
    return round(value * factor * 2) / 2  # to the half percent, as plans write them


def _variant(doc: dict[str, Any], region: Division, level: str, factor: float, drop_one: bool) -> Plan:
    body = copy.deepcopy(doc)
    meta = body["meta"]
    meta["region"] = {"name": region.name, "level": level, "adcode": region.adcode}
    meta["title"] = f"{region.name}碳达峰实施方案（{MARK}）"
    meta["doc_number"] = None
    targets = body["targets"]
    for t in targets:
        if t.get("change") in ("decrease", "increase") and t.get("value") is not None and (t.get("unit") or "%") == "%":
            t["value"] = _scaled(float(t["value"]), factor)
            t["sentence"] = f"{t['sentence']}（{MARK}：目标值为示例）"
    if drop_one:  # a target of the city the neighbour lacks (the alignment's "missing" flag)
        victim = next((t for t in reversed(targets) if t.get("code") and not t.get("assigned")), None)
        if victim is not None:
            targets.remove(victim)
            for task in body.get("tasks", []):
                task["target_ids"] = [i for i in task.get("target_ids", []) if i != victim["id"]]
    digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    body["source"] = {"path": f"{MARK}-{region.name}.txt", "sha256": digest, "format": "txt"}
    return Plan.model_validate(body)


def add_demo_regions(db: Database, reference: Plan, *, actor: str, today: date | None = None) -> DemoRegions:
    """Import the city's and a neighbour's illustrative plans; the city assigns the counties' quotas."""
    info = reference.meta.region
    if info is None or not info.name:
        return DemoRegions(None, None, None)
    city, neighbour = _relatives(info.name, info.adcode)
    if city is None:
        return DemoRegions(None, None, None)
    doc = reference.to_dict()
    import_plan(db, _variant(doc, city, "city", STRICTER, drop_one=False), actor=actor)
    if neighbour is not None:
        import_plan(db, _variant(doc, neighbour, "county", WEAKER, drop_one=True), actor=actor)
    city_id = region_ids_by_name(db)[city.name]
    table = quota_table(db, city_id)
    entries = [QuotaEntry(region, code, year, ILLUSTRATIVE_QUOTA) for region, cells in table.rows
               for (code, year) in cells]
    if entries:
        save_quotas(db, city_id, entries, doc=f"{MARK}：{city.name}下达指标（示例文号）", actor=actor, source=MARK)
    return DemoRegions(city.name, neighbour.name if neighbour else None, city_id)
