"""The demo database of ``tanfeng demo``: the bundled reference plan plus illustrative data (示例数据).

Everything this module invents — base-year values, quotas, reported values, task progress — is
illustrative, labelled 示例数据 in its source/note fields, and the database carries a ``demo`` marker
in the change log so every page shows the 示例数据 banner.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tanfeng.config import sqlite_url
from tanfeng.db.migrate import upgrade
from tanfeng.db.models import ChangeLog
from tanfeng.db.session import Database
from tanfeng.formatting import round_half_up
from tanfeng.plans import example_plan_path, read
from tanfeng.projection.scenarios import example_scenarios_path, load
from tanfeng.services import accounts
from tanfeng.services.collection import submit_progress, submit_values
from tanfeng.services.demo_regions import add_demo_regions
from tanfeng.services.errors import StoreError
from tanfeng.services.overview import DEMO_ENTITY
from tanfeng.services.plan_admin import assign_units, set_baseline, set_quota
from tanfeng.services.plan_import import import_plan
from tanfeng.services.review import list_observations, review
from tanfeng.services.status import StatusRow, compute_status, indicator_series
from tanfeng.services.workspace import list_units
from tanfeng.tracking.entry import is_count_unit

MARK = "示例数据"
ACTOR = "示例数据生成器"
# Share of the required progress each indicator has made (cycled over indicators): ahead, on track, behind, far behind;
# in the open period some move (on track → slipping, behind → caught up), so the annual report has changes to show.
PROFILES = (1.15, 1.0, 0.7, 0.3)
OPEN_PROFILES = (1.15, 0.6, 1.05, 0.3)
RETURN_REASON = "示例：与统计年鉴口径不一致，请核对后重新填报"
# Task progress (cycled over tasks): the status for the year before the open period, then for the open period
# (None: not reported yet, so the annual report lists it as owed). Status changes show in the report.
PROGRESS = (("按计划推进", "已完成"), ("按计划推进", "进展滞后"), ("进展滞后", "按计划推进"), ("按计划推进", None))
PROGRESS_TEXT = {"已完成": "年度任务已完成", "进展滞后": "项目资金未落实，进度滞后", "按计划推进": "整改后恢复正常推进"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    unit: str | None


@dataclass
class DemoResult:
    path: Path | None
    url: str
    plan: str
    accounts: list[DemoAccount] = field(default_factory=list)
    values: int = 0
    open_period: str = ""


SIDE_FILES = ("-wal", "-shm", "-journal")


def _is_demo_file(path: Path) -> bool:
    """True only for a SQLite file that ``tanfeng demo`` built (its change log carries the demo marker)."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # read-only: a refused file stays untouched
        try:
            return conn.execute("SELECT 1 FROM change_log WHERE entity = ? LIMIT 1", (DEMO_ENTITY,)).fetchone() \
                is not None
        finally:
            conn.close()
    except (OSError, sqlite3.DatabaseError):
        return False


def _fresh(path: Path) -> Database:
    """An empty, migrated database at ``path``; what stands there is replaced only if it is a demo database."""
    sides = [Path(f"{path}{suffix}") for suffix in SIDE_FILES]
    if (path.exists() or path.is_symlink() or any(p.exists() for p in sides)) and not _is_demo_file(path):
        raise StoreError(f"{path} 不是 tanfeng demo 建立的示例数据库，未作任何改动；请用 --db 指定另一个文件",
                         f"{path} is not a demo database built by tanfeng demo; left untouched: choose another --db")
    for file in (path, *sides):
        file.unlink(missing_ok=True)
    db = Database(sqlite_url(path))
    upgrade(db)
    return db


def _assign_plan_wide(db: Database, rows: list[StatusRow], issuer: str | None) -> None:
    """Plan-wide targets name no unit: the demo gives them to the issuing office (as ``plan assign`` would)."""
    if not issuer:
        return
    for row in rows:
        if row.lead_unit is None and row.shape != "milestone":
            try:
                assign_units(db, plan=str(row.plan_id), target=row.target, lead=issuer, co=[], actor=ACTOR)
            except StoreError:
                return  # the issuer is not one of the plan's units


def _illustrate_baselines_and_quotas(db: Database, rows: list[StatusRow]) -> None:
    """Base-year values for level indicators and one quota, so trajectories exist (illustrative)."""
    known = scenario_base_values()
    done: set[int] = set()
    for row in rows:
        if row.indicator_id in done or row.shape != "linear" or row.baseline_value is not None:
            continue
        goal = row.target_value
        if goal is None:
            continue
        done.add(row.indicator_id)
        # the example scenario's base year where it has the indicator, so the demo and the scenario agree
        base = known.get(row.code or "") or round(goal * (0.8 if row.direction == "up" else 1.3), 2)
        set_baseline(db, plan=str(row.plan_id), target=row.target, year=row.baseline_year or 2020, value=base,
                     actor=ACTOR)
    quota = next((r for r in rows if r.assigned and r.code == "carbon_intensity"), None)
    if quota is not None:
        set_quota(db, plan=str(quota.plan_id), target=quota.target, value=18.0, unit="%", actor=ACTOR,
                  note=f"{MARK}：假设的上级下达指标 / assumed quota")


def scenario_base_values() -> dict[str, float]:
    """Base-year values of the bundled example scenario (示例数据) by indicator code, in the plan's units."""
    forest = load(example_scenarios_path()).base.forest
    out: dict[str, float] = {}
    if forest is not None:
        out["forest_stock"] = round(forest.stock_m3 / 1e4, 2)  # 万立方米
        if forest.coverage is not None:
            out["forest_coverage"] = forest.coverage.value
    return out


def _value(db: Database, indicator_id: int, year: int, profile: float) -> float | None:
    series = indicator_series(db, indicator_id)
    expected = dict(series.expected)
    if year not in expected or series.baseline_value is None:
        return None
    base = series.baseline_value
    value = base + (expected[year] - base) * profile
    # counts (个, 座) are whole numbers: the entry checks refuse 6.77个
    return float(round_half_up(value, 0)) if is_count_unit(series.unit) else round(value, 2)


def _report_values(db: Database, rows: list[StatusRow], units: dict[str, int], first_unit: str,
                   open_year: int, region: str | None = None) -> int:
    """Accepted values up to the year before the open period; the open period submitted except for ``first_unit``."""
    count, seen = 0, set()
    tracked = [r for r in rows if r.indicator_id not in seen and not seen.add(r.indicator_id)]  # type: ignore[func-returns-value]
    for i, row in enumerate(r for r in tracked if r.target_value is not None and r.lead_unit in units):
        start = (row.baseline_year or 2020) + 1
        last = open_year - 1 if row.lead_unit == first_unit else open_year
        values = [{"indicator_id": row.indicator_id, "period": str(y), "value": v, "source": MARK, "note": MARK}
                  for y in range(start, last + 1)
                  if (v := _value(db, row.indicator_id, y, (OPEN_PROFILES if y == open_year else PROFILES)[i % 4]))
                  is not None]
        if values:
            submit_values(db, values, reporter=str(row.lead_unit), actor=f"{row.lead_unit}（{MARK}）",
                          source=MARK, region=region or row.region)
            count += len(values)
    closed = [o.id for o in list_observations(db, status="submitted") if int(o.period[:4]) < open_year]
    if closed:
        review(db, closed, action="accept", actor=f"领导小组办公室（{MARK}）")
        review(db, closed[-1:], action="return", actor=f"领导小组办公室（{MARK}）", reason=RETURN_REASON)
    return count


def _report_progress(db: Database, open_year: int) -> None:
    """Each task's progress for the year before the open period and, for most, the open period (cycled)."""
    from tanfeng.services.workspace import plan_trees

    for tree in plan_trees(db):
        tasks = [t for a in tree.actions for t in a.tasks]
        for i, task in enumerate(tasks):
            lead = next((u.unit for u in task.units if u.role == "lead"), None)
            if lead is None:
                continue
            earlier, now = PROGRESS[i % len(PROGRESS)]
            reports = [{"plan_id": tree.plan_id, "task": task.code, "period": str(open_year - 1), "status": earlier,
                        "text": f"{MARK}：年度工作按计划开展"}]
            if now is not None:
                reports.append({"plan_id": tree.plan_id, "task": task.code, "period": str(open_year), "status": now,
                                "text": f"{MARK}：{PROGRESS_TEXT[now]}"})
            submit_progress(db, reports, reporter=lead, actor=f"{lead}（{MARK}）", source=MARK)


# Invented enterprises and projects per region (示例数据): (name, industry, products, flags, projects); each
# project (name, status, product, capacity 万吨/年, design unit energy use, its unit, annual energy tce) is
# placed against the benchmark table: one at 标杆, one between 标杆 and 基准, one 拟建 line worse than 基准.
DEMO_ENTERPRISES = (
    ("示例水泥有限公司", "C3011", "水泥熟料", ("是", "是", "是"),
     (("熟料生产线技改项目", "投产", "水泥熟料", 150, 108, "kgce/t", 165000),
      ("新型干法熟料生产线项目", "拟建", "水泥熟料", 200, 0.119, "tce/t", 238000))),
    ("示例铝业有限公司", "C3216", "电解铝", ("是", "否", "否"),
     (("电解铝产能置换项目", "在建", "电解铝", 20, 12980, "kWh/t", 780000),)),
    ("示例焦化有限公司", "C2521", "焦炭", ("是", "是", "否"),
     (("捣固焦炉项目", "投产", "捣固焦炉（焦炭）", 100, 126, "kgce/t", 126000),)),
)


def add_demo_enterprises(db: Database, region_names: list[str]) -> int | None:
    """Invented enterprises and 两高 projects (示例数据) in each region, imported through the templates;
    returns the first enterprise's id (for the demo's enterprise account)."""
    import tempfile

    from tanfeng.enterprises.credit import uscc_with_check
    from tanfeng.services import enterprise_sheets, enterprises, projects
    from tanfeng.services.regions import region_by_name

    if not region_names:
        return None
    e_rows: list[dict[str, object]] = []
    p_rows: list[dict[str, object]] = []
    with db.transaction() as session:
        adcodes = {name: (region_by_name(session, name).adcode or "000000")[:6] for name in region_names}
    for r_index, region in enumerate(region_names):
        for e_index, (name, industry, products, flags, plist) in enumerate(DEMO_ENTERPRISES):
            uscc = uscc_with_check(f"91{adcodes[region]}MA{r_index:02d}{e_index:05d}")
            e_rows.append({"region": region, "name": f"{region}{name}（{MARK}）", "uscc": uscc, "industry_code": industry,
                           "products": products, "key_energy_user": flags[0], "key_emitter": flags[1],
                           "carbon_market": flags[2], "note": MARK})
            for p_index, (pname, status, product, capacity, energy, unit, tce) in enumerate(plist):
                p_rows.append({"region": region, "code": f"{MARK}-{adcodes[region]}-{e_index}{p_index}",
                               "name": f"{pname}（{MARK}）", "uscc": uscc, "industry_code": industry, "status": status,
                               "product": product, "design_capacity": capacity, "capacity_unit": "万吨/年",
                               "design_unit_energy": energy, "unit_energy_unit": unit, "energy_equivalent_tce": tce,
                               "energy_calorific_tce": round(tce * 0.93), "start_year": 2024, "operation_year": 2026,
                               "review_office": f"{region}发展改革委（{MARK}）" if status != "拟建" else None,
                               "review_document_no": f"{MARK}〔2024〕{e_index + 1}号" if status != "拟建" else None,
                               "approved_equivalent_tce": tce if status != "拟建" else None})
    with tempfile.TemporaryDirectory() as tmp:
        e_path, p_path = Path(tmp) / "enterprises.xlsx", Path(tmp) / "projects.xlsx"
        enterprise_sheets.enterprise_template(e_path, e_rows)
        enterprise_sheets.project_template(p_path, p_rows)
        first = enterprises.import_enterprises(db, e_path, actor=ACTOR, name=f"{MARK}-企业名录.xlsx")
        projects.import_projects(db, p_path, actor=ACTOR, name=f"{MARK}-项目清单.xlsx")
    return first.ids[0] if first.ids else None


def _lead_counts(rows: list[StatusRow]) -> list[str]:
    counts: dict[str, int] = {}
    for row in rows:
        if row.lead_unit and row.target_value is not None and row.shape != "milestone":
            counts[row.lead_unit] = counts.get(row.lead_unit, 0) + 1
    return sorted(counts, key=lambda u: (-counts[u], u))


def populate_demo(db: Database, *, today: date | None = None, plan_path: Path | None = None,
                  other_regions: bool = True) -> DemoResult:
    """Fill an empty, migrated database with the reference plan, illustrative data and demo accounts.

    ``other_regions=False`` leaves out the demo's further regions and plans (the reference plan alone).
    """
    today = today or date.today()
    open_year = today.year - 1
    with db.write() as session:
        session.add(ChangeLog(actor=ACTOR, entity=DEMO_ENTITY, action="build",
                              detail={"note": "本数据库中的填报值、基期值、下达指标均为示例数据 / illustrative demo data"}))
    plan = read(plan_path or example_plan_path())
    imported = import_plan(db, plan, actor=ACTOR)
    _assign_plan_wide(db, compute_status(db, today=today), plan.meta.issuer)
    _illustrate_baselines_and_quotas(db, compute_status(db, today=today))
    rows = compute_status(db, today=today)
    units = {name: uid for uid, name, _ in list_units(db)}
    leads = [u for u in _lead_counts(rows) if u in units] or list(units)
    result = DemoResult(None, db.url, imported.title, open_period=str(open_year))
    result.values = _report_values(db, rows, units, leads[0], open_year)
    _report_progress(db, open_year)
    regions = add_demo_regions(db, plan, actor=ACTOR, today=today) if other_regions else None
    if regions is not None and regions.neighbour:  # the neighbour reports too, so the roll-up has lights to compare
        own = [r for r in compute_status(db, today=today, region=regions.neighbour) if not r.assigned]
        _illustrate_baselines_and_quotas(db, own)
        neighbour_rows = compute_status(db, today=today, region=regions.neighbour)
        neighbour_units = {name: uid for uid, name, region in list_units(db) if region == regions.neighbour}
        result.values += _report_values(db, neighbour_rows, neighbour_units, "", open_year, regions.neighbour)
    plan_accounts = [("admin", "admin", None), ("office", "office", None), ("unit-a", "unit", leads[0]),
                     ("unit-b", "unit", leads[1] if len(leads) > 1 else leads[0]), ("viewer", "viewer", None)]
    for username, role, unit in plan_accounts:
        password = secrets.token_urlsafe(9)
        display = {"admin": "系统管理员", "office": "办公室（示例）", "viewer": "领导（只读）"}.get(username, unit)
        accounts.create_user(db, username=username, password=password, role=role, display_name=display,
                             unit_id=units[unit] if unit else None)
        result.accounts.append(DemoAccount(username, password, role, unit))
    enterprise_id = add_demo_enterprises(db, [r for r in (imported.region, regions.neighbour if regions else None) if r])
    if enterprise_id is not None:  # an enterprise account: sees its own enterprise and projects only
        password = secrets.token_urlsafe(9)
        accounts.create_user(db, username="enterprise", password=password, role="enterprise",
                             display_name=f"企业（{MARK}）", enterprise_id=enterprise_id)
        result.accounts.append(DemoAccount("enterprise", password, "enterprise", None))
        from tanfeng.services.enterprise_demo import add_demo_energy  # energy data, 用能空间, 一企一策 (ent-data)

        add_demo_energy(db, enterprise_id, imported.region, last_year=open_year)
    if regions is not None and regions.city_region_id is not None:  # the city's office: reads its counties, assigns their quotas
        password = secrets.token_urlsafe(9)
        accounts.create_user(db, username="city", password=password, role="office",
                             display_name=f"{regions.city}办公室（示例）", region_id=regions.city_region_id)
        result.accounts.append(DemoAccount("city", password, "office", regions.city))
    return result


def build_demo(path: Path, *, today: date | None = None, plan_path: Path | None = None) -> DemoResult:
    """A fresh demo SQLite database at ``path`` (replaced if it exists); account passwords are random."""
    db = _fresh(path)
    try:
        result = populate_demo(db, today=today, plan_path=plan_path)
        result.path = path
        return result
    finally:
        db.dispose()
