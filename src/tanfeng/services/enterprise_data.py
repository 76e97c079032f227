"""Enterprise data read for the office: CO₂, 动态监控, the region's 用能空间, and 一企一策 measures.

The numbers come from the pure modules of ``tanfeng.enterprises``; here they are loaded within the
account's scope (services/enterprise_scope.py) and written through ``Database.write()`` with audit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.accounting import InventoryInputError
from tanfeng.db.enterprise_models import (
    EnergyReview,
    Enterprise,
    EnterpriseMeasure,
    MeasureProgress,
    Project,
    RegionEnergyYear,
)
from tanfeng.db.models import Region
from tanfeng.db.session import Database
from tanfeng.enterprises import measures as measure_rules
from tanfeng.enterprises.co2 import EnterpriseCarbon, enterprise_carbon, standard_coal
from tanfeng.enterprises.headroom import HeadroomError, HeadroomInput, ProjectLoad, YearRoom, headroom
from tanfeng.enterprises.monitoring import DEFAULT_THRESHOLD, ApprovedProject, Check, check_projects
from tanfeng.services.accounts import Account
from tanfeng.services.enterprise_energy import energy_rows, yearly_use
from tanfeng.services.enterprise_scope import check_read, readable_enterprise, scope_in
from tanfeng.services.errors import NotAllowed, StaleEdit, StoreError
from tanfeng.services.plan_targets import stored_targets
from tanfeng.services.regions import ancestors
from tanfeng.services.validation import clean_text, finite_number, year_in_range

Audit = Callable[[Session, int], None]


# ---- CO₂ ----

@dataclass
class CarbonView:
    years: dict[int, EnterpriseCarbon] = field(default_factory=dict)
    error: str = ""  # a missing factor: the engine's message (no number is shown then)
    left_out: list[str] = field(default_factory=list)


def province_of(session: Session, region_id: int) -> str:
    """The province (for the grid factor) of a region: itself or the first ancestor at province level."""
    region = session.get(Region, region_id)
    if region is None:
        return ""
    for r in (region, *ancestors(session, region)):
        if r.level == "province" or r.level == "省":
            return r.name
    return ""


def enterprise_co2(db: Database, account: Account, enterprise_id: int, *, fallback: str | None = None) -> CarbonView:
    """CO₂ and tce per year of one enterprise, by the accounting engine's factors."""
    with db.transaction() as session:
        enterprise = readable_enterprise(session, account, enterprise_id)
        use, left_out = yearly_use(energy_rows(session, enterprise_id))
        province = province_of(session, enterprise.region_id)
    view = CarbonView(left_out=left_out)
    try:
        view.years = enterprise_carbon(use, province=_grid_name(province), label=enterprise.name, fallback=fallback)
    except InventoryInputError as err:
        view.error = str(err)
    return view


def _grid_name(province: str) -> str:
    # the factor files name provinces without their suffix (江西, not 江西省)
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if province.endswith(suffix):
            return province[: -len(suffix)]
    return province


# ---- 动态监控 ----

@dataclass(frozen=True)
class MonitoringRow:
    enterprise_id: int
    enterprise: str
    check: Check
    document_no: str | None


def monitoring(db: Database, account: Account, year: int, *, threshold: float = DEFAULT_THRESHOLD,
               region_ids: list[int] | None = None) -> list[MonitoringRow]:
    """Every operating, approved project the account reads, its enterprise's actual use of ``year`` against
    the approved figure (当量值; 等价值 only where no 当量值 was approved and a coal rate is known)."""
    year_in_range(year, "年份 / year")
    out: list[MonitoringRow] = []
    with db.transaction() as session:
        base: Any = (  # Select of three entities; restrict() is typed for one
            select(Project, EnergyReview, Enterprise).join(EnergyReview, EnergyReview.project_id == Project.id)
            .join(Enterprise, Enterprise.id == Project.enterprise_id))
        query = scope_in(session, account).restrict(base, Project.enterprise_id, Project.region_id)
        if region_ids is not None:
            query = query.where(Project.region_id.in_(region_ids))
        by_enterprise: dict[int, list[tuple[Project, EnergyReview, Enterprise]]] = defaultdict(list)
        for project, review, enterprise in session.execute(query.order_by(Project.enterprise_id, Project.id)):
            by_enterprise[enterprise.id].append((project, review, enterprise))
        for eid, items in by_enterprise.items():
            use, _ = yearly_use(energy_rows(session, eid))
            if year not in use:
                continue
            coal = standard_coal(use[year])
            approved = [ApprovedProject(p.id, p.name, p.status, r.approved_calorific_tce, r.approved_equivalent_tce)
                        for p, r, _ in items]
            docs = {p.id: r.document_no for p, r, _ in items}
            for c in check_projects(approved, year, coal.calorific_tce, coal.equivalent_tce, threshold):
                out.append(MonitoringRow(eid, items[0][2].name, c, docs.get(c.project_id)))
    return out


# ---- 用能空间 ----

@dataclass
class RegionHeadroom:
    region: str
    years: list[YearRoom] = field(default_factory=list)
    target: str = ""  # the plan's sentence
    error: str = ""
    inputs: list[RegionEnergyYear] = field(default_factory=list)

    def chart(self) -> dict[str, list[float | int]]:
        return {"year": [y.year for y in self.years], "allowed": [y.allowed_tce for y in self.years],
                "counted": [y.counted_tce for y in self.years], "room": [y.room_tce for y in self.years],
                "approved": [y.approved_tce for y in self.years], "planned": [y.planned_tce for y in self.years]}


def _region(session: Session, account: Account, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        raise StoreError(f"没有编号为{region_id}的地区", f"no region {region_id}")
    scope = scope_in(session, account)
    if scope.enterprise_id is not None or (scope.read_regions is not None and region_id not in scope.read_regions):
        raise NotAllowed("无权查看该地区的用能空间", "not allowed to read this region's energy headroom")
    return region


def region_headroom(db: Database, account: Account, region_id: int, *, plan: str | None = None) -> RegionHeadroom:
    """The 用能空间 of a region from its plan's energy-intensity target, its stored yearly figures and the
    approved/planned projects of its enterprises (the region and the regions below it)."""
    with db.transaction() as session:
        region = _region(session, account, region_id)
        inputs = list(session.scalars(select(RegionEnergyYear).where(RegionEnergyYear.region_id == region_id)
                                      .order_by(RegionEnergyYear.year)))
        from tanfeng.services.regions import descendant_ids

        below = descendant_ids(session, region_id)
        rows = session.execute(select(Project, EnergyReview).outerjoin(EnergyReview, EnergyReview.project_id == Project.id)
                               .where(Project.region_id.in_(sorted(below)))).all()
        name = region.name
    out = RegionHeadroom(name, inputs=inputs)
    try:
        targets = [t for t in stored_targets(db, region=name, plan=plan)
                   if t.code == "energy_intensity" and t.value is not None and t.year and not t.assigned]
    except StoreError:
        out.error = f"{name}尚无方案，无法计算用能空间 / no plan stored for {name}: no headroom to compute"
        return out
    if not targets:
        out.error = "该地区方案没有能耗强度下降目标 / the region's plan has no energy-intensity target"
        return out
    target = max(targets, key=lambda t: t.year or 0)
    out.target = target.sentence or target.indicator
    base = target.baseline_year or 2020
    gdp = {r.year: r.gdp for r in inputs if r.gdp is not None}
    if not gdp.get(base):
        out.error = (f"尚未录入基准年{base}年的地区生产总值和能耗 / the base year's ({base}) GDP and energy use are "
                     "not entered yet")
        return out
    projects = [ProjectLoad(p.name, p.status, _project_energy(p, r), p.co2_t or 0.0, p.operation_year,
                            r is not None) for p, r in rows]
    try:
        out.years = headroom(HeadroomInput(
            base_year=base, base_gdp=gdp.get(base, 0.0), target_year=target.year or base + 5,
            reduction=(target.value or 0.0) / 100.0, gdp=gdp,
            actual_energy_tce={r.year: r.energy_tce for r in inputs if r.energy_tce is not None},
            feedstock_tce={r.year: r.feedstock_tce for r in inputs if r.feedstock_tce is not None},
            new_renewable_tce={r.year: r.new_renewable_tce for r in inputs if r.new_renewable_tce is not None},
            projects=projects))
    except HeadroomError as err:
        out.error = str(err)
    return out


def _project_energy(project: Project, review: EnergyReview | None) -> float:
    """The approved 等价值 where there is a review (the intensity target counts 等价值), else the project's own."""
    if review is not None and review.approved_equivalent_tce is not None:
        return review.approved_equivalent_tce
    return project.energy_equivalent_tce or project.energy_calorific_tce or 0.0


def set_region_year(db: Database, account: Account, region_id: int, year: int, *, gdp: float | None,
                    energy_tce: float | None, feedstock_tce: float | None, new_renewable_tce: float | None,
                    source: str | None, version: int | None = None, audit: Audit | None = None) -> RegionEnergyYear:
    """Enter or change a region's figures of one year (the office of that region or above)."""
    year_in_range(year, "年份 / year", (1980, 2100))
    for value, what in ((gdp, "地区生产总值 / GDP"), (energy_tce, "能耗 / energy"), (feedstock_tce, "原料用能 / feedstock"),
                        (new_renewable_tce, "新增可再生能源 / new renewables")):
        if value is not None and (finite_number(value, what) < 0):
            raise StoreError(f"{what.split(' / ')[0]}不能为负", f"{what.split(' / ')[1]} cannot be negative")
    with db.write() as session:
        _region(session, account, region_id)
        scope = scope_in(session, account)
        if scope.write_regions is not None and region_id not in scope.write_regions:
            raise NotAllowed("无权修改该地区的数据", "not allowed to change this region's figures")
        row = session.scalar(select(RegionEnergyYear).where(RegionEnergyYear.region_id == region_id,
                                                            RegionEnergyYear.year == year))
        if row is None:
            row = RegionEnergyYear(region_id=region_id, year=year)
            session.add(row)
        elif version is not None and row.version != version:
            raise StaleEdit(f"{year}年数据已被他人修改", f"the {year} figures changed meanwhile",
                            [{"year": year, "version": row.version}])
        else:
            row.version += 1
        row.gdp, row.energy_tce, row.feedstock_tce, row.new_renewable_tce = gdp, energy_tce, feedstock_tce, \
            new_renewable_tce
        row.source = clean_text(source, "来源 / source", max_length=200, multiline=False) if source else None
        session.flush()
        if audit is not None:
            audit(session, row.id)
    return row


# ---- 一企一策 ----

@dataclass(frozen=True)
class MeasureView:
    id: int
    enterprise_id: int
    enterprise: str
    title: str
    expected_tce: float
    expected_co2_t: float
    achieved_tce: float
    achieved_co2_t: float
    deadline: date | None
    responsible: str | None
    status: str
    version: int
    reports: int


def add_measure(db: Database, account: Account, enterprise_id: int, *, title: str, expected_tce: float,
                expected_co2_t: float, deadline: date | None, responsible: str | None, status: str = "planned",
                audit: Audit | None = None) -> int:
    """A new measure of an enterprise (its own account or the office)."""
    _check_measure(status, expected_tce, expected_co2_t)
    with db.write() as session:
        readable_enterprise(session, account, enterprise_id, write=True)
        m = EnterpriseMeasure(enterprise_id=enterprise_id, title=clean_text(title, "措施 / measure", max_length=300,
                                                                           multiline=False),
                              expected_saving_tce=expected_tce, expected_saving_co2_t=expected_co2_t, deadline=deadline,
                              responsible=clean_text(responsible, "责任人 / responsible", max_length=100,
                                                     multiline=False) if responsible else None, status=status)
        if not m.title:
            raise StoreError("措施名称为空", "the measure has no title")
        session.add(m)
        session.flush()
        if audit is not None:
            audit(session, m.id)
        return m.id


def _check_measure(status: str, *savings: float) -> None:
    if status not in measure_rules.STATUSES:
        raise StoreError(f"未知状态“{status}”", f"unknown status '{status}'")
    for value in savings:
        if finite_number(value, "节能量 / saving") < 0:
            raise StoreError("预期节能量不能为负", "an expected saving cannot be negative")


def update_measure(db: Database, account: Account, measure_id: int, *, version: int, status: str,
                   deadline: date | None, responsible: str | None, audit: Audit | None = None) -> None:
    """Change a measure's status, deadline or owner, from the version the editor saw (else 409)."""
    _check_measure(status)
    with db.write() as session:
        m = _measure(session, account, measure_id, write=True)
        if m.version != version:
            raise StaleEdit("该措施已被他人修改，请刷新后重试", "the measure changed meanwhile; reload and retry",
                            [{"id": m.id, "version": m.version, "status": m.status}])
        m.status, m.deadline = status, deadline
        m.responsible = clean_text(responsible, "责任人 / responsible", max_length=100, multiline=False) \
            if responsible else None
        m.version += 1
        session.flush()
        if audit is not None:
            audit(session, m.id)


def _measure(session: Session, account: Account, measure_id: int, *, write: bool = False) -> EnterpriseMeasure:
    m = session.get(EnterpriseMeasure, measure_id)
    scope = scope_in(session, account)
    if m is None:
        if scope.enterprise_id is not None:
            raise NotAllowed("无权查看该措施", "not allowed to read this measure")
        raise StoreError(f"没有编号为{measure_id}的措施", f"no measure {measure_id}")
    readable_enterprise(session, account, m.enterprise_id, write=write)
    return m


def report_progress(db: Database, account: Account, measure_id: int, *, period: str, achieved_tce: float,
                    achieved_co2_t: float, note: str | None, audit: Audit | None = None) -> int:
    """Append a progress report (savings achieved in ``period``) by the enterprise or the office."""
    for value in (achieved_tce, achieved_co2_t):
        if finite_number(value, "节能量 / saving") < 0:
            raise StoreError("节能量不能为负", "a saving cannot be negative")
    from tanfeng.enterprises.quality import period_kind

    if period_kind(period) not in ("month", "year"):
        raise StoreError(f"期间“{period}”应为YYYY或YYYY-MM", f"period '{period}' must be YYYY or YYYY-MM")
    with db.write() as session:
        m = _measure(session, account, measure_id, write=True)
        p = MeasureProgress(measure_id=m.id, period=period, achieved_tce=achieved_tce, achieved_co2_t=achieved_co2_t,
                            note=clean_text(note, "说明 / note") if note else None, user_id=account.id or None,
                            actor=account.username)
        session.add(p)
        if m.status == "planned":
            m.status = "in_progress"
            m.version += 1
        session.flush()
        if audit is not None:
            audit(session, p.id)
        return p.id


def list_measures(db: Database, account: Account, *, enterprise_id: int | None = None) -> list[MeasureView]:
    """Measures the account reads (one enterprise's, or all), with the achieved sums of their reports."""
    with db.transaction() as session:
        if enterprise_id is not None:
            readable_enterprise(session, account, enterprise_id)
        achieved = (select(MeasureProgress.measure_id, func.sum(MeasureProgress.achieved_tce).label("tce"),
                           func.sum(MeasureProgress.achieved_co2_t).label("co2"), func.count().label("n"))
                    .group_by(MeasureProgress.measure_id).subquery())
        query = scope_in(session, account).restrict(
            select(EnterpriseMeasure, Enterprise.name, achieved.c.tce, achieved.c.co2, achieved.c.n)
            .join(Enterprise, Enterprise.id == EnterpriseMeasure.enterprise_id)
            .outerjoin(achieved, achieved.c.measure_id == EnterpriseMeasure.id))
        if enterprise_id is not None:
            query = query.where(EnterpriseMeasure.enterprise_id == enterprise_id)
        return [MeasureView(m.id, m.enterprise_id, name, m.title, m.expected_saving_tce, m.expected_saving_co2_t,
                            tce or 0.0, co2 or 0.0, m.deadline, m.responsible, m.status, m.version, n or 0)
                for m, name, tce, co2, n in session.execute(query.order_by(Enterprise.name, EnterpriseMeasure.id))]


def measure_totals(views: list[MeasureView], today: date, *, target_tce: float | None = None,
                   target_co2_t: float | None = None) -> measure_rules.Totals:
    return measure_rules.totals([measure_rules.MeasureState(
        v.id, v.enterprise_id, v.expected_tce, v.expected_co2_t, v.achieved_tce, v.achieved_co2_t, v.deadline,
        v.status) for v in views], today, target_tce=target_tce, target_co2_t=target_co2_t)


def progress_reports(db: Database, account: Account, measure_id: int) -> list[MeasureProgress]:
    with db.transaction() as session:
        _measure(session, account, measure_id)
        return list(session.scalars(select(MeasureProgress).where(MeasureProgress.measure_id == measure_id)
                                    .order_by(MeasureProgress.id)))


def enterprise_in_scope(db: Database, account: Account, enterprise_id: int) -> Enterprise:
    with db.transaction() as session:
        e = readable_enterprise(session, account, enterprise_id)
        check_read(scope_in(session, account), account, e.id, e.region_id)
        return e
