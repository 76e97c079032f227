"""A demonstration database for the annual report (示例数据): the reference plan with invented values.

Everything goes through the store's services (plan import, quota, baselines, collection, review), so
the report is tested and benchmarked on data stored the way real data is. Values are illustrative and
every value and progress text says 示例数据.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from tanfeng.db.session import Database
from tanfeng.plans import example_plan_path, read
from tanfeng.services.collection import import_collection, submit_values
from tanfeng.services.demo import scenario_base_values
from tanfeng.services.plan_admin import assign_units, set_baseline, set_quota
from tanfeng.services.plan_import import import_plan
from tanfeng.services.progress import task_progress
from tanfeng.services.review import list_observations, review
from tanfeng.services.status import compute_status

DEMO_SOURCE = "示例数据"
ACTOR = "示例数据录入"
# indicator code or target code → {year: value}: 2023 on track, 2024 some targets slipping
DEMO_VALUES: dict[str, dict[int, float]] = {
    "energy_intensity": {2023: 8.1, 2024: 9.5},
    "carbon_intensity": {2023: 10.0, 2024: 12.5},
    "renewable_capacity": {2023: 38.0, 2024: 31.0},
    "forest_coverage": {2023: 81.0, 2024: 80.9},
    "forest_stock": {2023: 1040.0, 2024: 1045.0},
}
# the forest base values are the example scenario's, so the report's demo and the scenario agree
DEMO_BASELINES = {"renewable_capacity": 20.0, **scenario_base_values()}
DEMO_QUOTA = ("carbon_intensity", 18.0, "%")
# headline indicators outside any task get a lead unit from the office (as `tanfeng plan assign` does)
DEMO_LEADS = {"energy_intensity": ("县发改委", ["县统计局"]), "carbon_intensity": ("县发改委", ["县生态环境局"])}
# (task code, period, status, text): the first tasks of the first actions
DEMO_PROGRESS = [
    ("A1.1", "2023", "按计划推进", "（示例数据）光伏项目开工建设。"),
    ("A1.1", "2024", "已完成", "（示例数据）新增光伏装机并网。"),
    ("A1.2", "2024", "按计划推进", "（示例数据）推进燃煤锅炉改造。"),
    ("A2.1", "2023", "按计划推进", "（示例数据）开展工业节能诊断。"),
    ("A2.1", "2024", "进展滞后", "（示例数据）节能改造项目资金未落实。"),
    ("A3.1", "2024", "按计划推进", "（示例数据）编制绿色建筑专项规划。"),
]


def _write_progress_csv(db: Database, path: Path, plan_id: int) -> None:
    leads = {t.task: t.lead_unit for t in task_progress(db)}
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["填报单位", "方案ID", "任务编号", "填报期间", "进展状态", "进展说明"])
        for task, period, status, text in DEMO_PROGRESS:
            if leads.get(task):
                out.writerow([leads[task], plan_id, task, period, status, text])


def build_demo_database(db: Database, plan_path: str | Path | None = None, *, accept: bool = True) -> int:
    """Import the reference plan (or ``plan_path``) and store demonstration values; returns the plan id."""
    result = import_plan(db, read(plan_path or example_plan_path()), actor=ACTOR)
    rows = {r.code: r for r in compute_status(db) if r.code and r.plan_id == result.plan_id}
    code, quota, unit = DEMO_QUOTA
    if code in rows:
        set_quota(db, plan=str(result.plan_id), target=rows[code].target, value=quota, unit=unit,
                  note=DEMO_SOURCE, actor=ACTOR)
    for code, (lead, co) in DEMO_LEADS.items():
        if code in rows and rows[code].lead_unit is None:
            assign_units(db, plan=str(result.plan_id), target=rows[code].target, lead=lead, co=co, actor=ACTOR)
    rows = {r.code: r for r in compute_status(db) if r.code and r.plan_id == result.plan_id}
    for code, value in DEMO_BASELINES.items():
        if code in rows:
            set_baseline(db, plan=str(result.plan_id), target=rows[code].target, year=2020, value=value, actor=ACTOR)
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for code, values in DEMO_VALUES.items():
        row = rows.get(code)
        if row is None or row.lead_unit is None:
            continue
        for year, value in values.items():
            by_unit.setdefault(row.lead_unit, []).append(
                {"indicator_id": row.indicator_id, "period": str(year), "value": value, "unit": row.unit,
                 "source": DEMO_SOURCE})
    for unit, entries in by_unit.items():
        submit_values(db, entries, reporter=unit, actor=ACTOR, region=result.region, source=DEMO_SOURCE)
    if accept:
        ids = [o.id for o in list_observations(db, status="submitted") if o.period == "2023"]
        if ids:
            review(db, ids, action="accept", actor=ACTOR)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例数据-任务进展.csv"
        _write_progress_csv(db, path, result.plan_id)
        import_collection(db, path, actor=ACTOR, region=result.region)
    return result.plan_id
