"""What the plan office edits after import: quotas, baselines, responsible units; and listings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.db.models import ChangeLog, Indicator, IndicatorAssignment, PlanVersion, Target
from tanfeng.db.session import Database
from tanfeng.services.errors import StaleEdit, StoreError
from tanfeng.services.queries import PlanRef, current_versions, find_plan
from tanfeng.services.registry import get_region, require_unit
from tanfeng.services.tracked import units_match


@dataclass(frozen=True)
class PlanSummary:
    plan_id: int
    region: str
    title: str
    version: int
    status: str
    versions: int
    targets: int
    imported_at: str


@dataclass(frozen=True)
class IndicatorRef:
    indicator_id: int
    name: str
    target_code: str | None
    version: int | None = None  # the quota version after the change


def list_plans(db: Database, region: str | None = None) -> list[PlanSummary]:
    with db.transaction() as session:
        region_row = get_region(session, region) if region else None
        out = []
        for ref in current_versions(session, region_row):
            n_versions = session.scalar(select(func.count()).where(PlanVersion.plan_id == ref.plan.id)) or 0
            n_targets = session.scalar(select(func.count()).where(Target.version_id == ref.version.id)) or 0
            out.append(PlanSummary(ref.plan.id, ref.region.name, ref.plan.title, ref.version.number,
                                   ref.version.status, n_versions, n_targets, ref.version.imported_at.isoformat()))
        return out


def find_target(session: Session, ref: PlanRef, token: str) -> tuple[Indicator, Target | None]:
    """``T3`` (a target of the current version) or ``#12`` / ``12`` (an indicator id)."""
    token = token.strip()
    target = session.scalar(select(Target).where(Target.version_id == ref.version.id, Target.code == token))
    if target is not None:
        return session.get_one(Indicator, target.indicator_id), target
    digits = token.lstrip("#")
    if digits.isdigit():
        indicator = session.get(Indicator, int(digits))
        if indicator is not None and indicator.plan_id == ref.plan.id:
            return indicator, None
    raise StoreError(f"方案“{ref.plan.title}”没有目标或指标“{token}”", f"no target or indicator '{token}' in the plan")


def set_quota(
    db: Database, *, plan: str | None, target: str, value: float, unit: str | None, note: str | None, actor: str,
    region: str | None = None, version: int | None = None,
) -> IndicatorRef:
    """Enter the quota for a target the plan defers to a higher level (``assigned``).

    ``version`` is the quota version the form showed: if the quota changed since, ``StaleEdit``.
    """
    with db.write() as session:
        return set_quota_in(session, plan=plan, target=target, value=value, unit=unit, note=note, actor=actor,
                            region=region, version=version)


def set_quota_in(
    session: Session, *, plan: str | None, target: str, value: float, unit: str | None, note: str | None,
    actor: str, region: str | None = None, version: int | None = None,
) -> IndicatorRef:
    """``set_quota`` in the caller's write transaction (the target row is locked before it is read)."""
    ref = find_plan(session, plan, get_region(session, region) if region else None)
    indicator, row = find_target(session, ref, target)
    if row is None or not row.assigned:
        raise StoreError(f"目标“{target}”不是待下达指标，不能录入下达值",
                         f"target '{target}' is not deferred to a quota (assigned)")
    row = session.scalars(select(Target).where(Target.id == row.id).with_for_update()
                          .execution_options(populate_existing=True)).one()
    if version is not None and version != row.quota_version:
        raise StaleEdit(f"目标{row.code}的下达值已被他人修改，未保存（当前：{row.quota_value}{row.quota_unit or ''}，"
                        f"版本{row.quota_version}）。请刷新后重试",
                        f"the quota of {row.code} was changed meanwhile; not saved (now {row.quota_value}, version "
                        f"{row.quota_version}). Reload and retry",
                        [{"target": row.code, "value": row.quota_value, "unit": row.quota_unit,
                          "version": row.quota_version}])
    unit = unit or indicator.unit or "%"
    if not units_match(unit, indicator.unit):
        raise StoreError(f"单位“{unit}”与指标单位“{indicator.unit}”不一致",
                         f"unit '{unit}' does not match the indicator unit '{indicator.unit}'")
    old = row.quota_value
    row.quota_value, row.quota_unit, row.quota_note = value, unit, note
    row.quota_version += 1
    indicator.unit = indicator.unit or unit
    session.add(ChangeLog(actor=actor, entity="target", entity_id=row.id, action="quota",
                          detail={"target": row.code, "old": old, "new": value, "unit": unit, "note": note}))
    session.flush()
    return IndicatorRef(indicator.id, indicator.name, row.code, row.quota_version)


def set_baseline(
    db: Database, *, plan: str | None, target: str, year: int, value: float, actor: str, region: str | None = None,
) -> IndicatorRef:
    """Record the base-year value of a level indicator (base-year observations also serve)."""
    with db.write() as session:
        return set_baseline_in(session, plan=plan, target=target, year=year, value=value, actor=actor, region=region)


def set_baseline_in(session: Session, *, plan: str | None, target: str, year: int, value: float, actor: str, region: str | None = None) -> IndicatorRef:
    """``set_baseline`` in the caller's write transaction."""
    ref = find_plan(session, plan, get_region(session, region) if region else None)
    indicator, row = find_target(session, ref, target)
    old = (indicator.baseline_year, indicator.baseline_value)
    indicator.baseline_year, indicator.baseline_value = year, value
    session.add(ChangeLog(actor=actor, entity="indicator", entity_id=indicator.id, action="baseline",
                          detail={"old": list(old), "new": [year, value]}))
    return IndicatorRef(indicator.id, indicator.name, row.code if row else None)


def assign_units(
    db: Database, *, plan: str | None, target: str, lead: str, co: list[str], actor: str, region: str | None = None,
) -> IndicatorRef:
    """Name the lead and co-units of an indicator (replaces those taken from the target's task)."""
    with db.write() as session:
        return assign_units_in(session, plan=plan, target=target, lead=lead, co=co, actor=actor, region=region)


def assign_units_in(session: Session, *, plan: str | None, target: str, lead: str, co: list[str], actor: str, region: str | None = None) -> IndicatorRef:
    """``assign_units`` in the caller's write transaction."""
    ref = find_plan(session, plan, get_region(session, region) if region else None)
    indicator, row = find_target(session, ref, target)
    units = [require_unit(session, ref.region, name) for name in [lead, *co]]
    old = session.scalars(
        select(IndicatorAssignment).where(IndicatorAssignment.indicator_id == indicator.id,
                                          IndicatorAssignment.active.is_(True))
    ).all()
    for assignment in old:
        assignment.active = False  # kept as history
    seen: set[int] = set()
    for pos, unit in enumerate(units):
        if unit.id in seen:
            continue
        seen.add(unit.id)
        session.add(IndicatorAssignment(indicator_id=indicator.id, unit_id=unit.id,
                                        role="lead" if pos == 0 else "co", position=pos, created_by=actor))
    session.add(ChangeLog(actor=actor, entity="indicator", entity_id=indicator.id, action="assign",
                          detail={"lead": units[0].name, "co": [u.name for u in units[1:]]}))
    return IndicatorRef(indicator.id, indicator.name, row.code if row else None)


FREQUENCIES = ("year", "quarter", "month")


def set_frequency(
    db: Database, *, plan: str | None, target: str, frequency: str, actor: str, region: str | None = None,
) -> IndicatorRef:
    """How often an indicator is reported: ``year`` (default), ``quarter`` or ``month``."""
    if frequency not in FREQUENCIES:
        raise StoreError(f"填报频率只能是 {'/'.join(FREQUENCIES)}", f"frequency must be one of {FREQUENCIES}")
    with db.write() as session:
        return set_frequency_in(session, plan=plan, target=target, frequency=frequency, actor=actor, region=region)


def set_frequency_in(session: Session, *, plan: str | None, target: str, frequency: str, actor: str, region: str | None = None) -> IndicatorRef:
    """``set_frequency`` in the caller's write transaction."""
    if frequency not in FREQUENCIES:
        raise StoreError(f"填报频率只能是 {'/'.join(FREQUENCIES)}", f"frequency must be one of {FREQUENCIES}")
    ref = find_plan(session, plan, get_region(session, region) if region else None)
    indicator, row = find_target(session, ref, target)
    old = indicator.frequency
    indicator.frequency = frequency
    session.add(ChangeLog(actor=actor, entity="indicator", entity_id=indicator.id, action="frequency",
                          detail={"old": old, "new": frequency}))
    return IndicatorRef(indicator.id, indicator.name, row.code if row else None)


@dataclass(frozen=True)
class VersionInfo:
    number: int
    status: str
    title: str | None
    sha256: str
    source_path: str | None
    issued_date: str | None
    imported_at: str
    imported_by: str
    targets: int


def list_versions(db: Database, *, plan: str | None, region: str | None = None) -> list[VersionInfo]:
    """Every stored version of a plan, oldest first."""
    with db.transaction() as session:
        ref = find_plan(session, plan, get_region(session, region) if region else None)
        versions = session.scalars(select(PlanVersion).where(PlanVersion.plan_id == ref.plan.id)
                                   .order_by(PlanVersion.number))
        return [VersionInfo(v.number, v.status, v.title, v.sha256, v.source_path, v.issued_date,
                            v.imported_at.isoformat(timespec="seconds"), v.imported_by,
                            session.scalar(select(func.count()).where(Target.version_id == v.id)) or 0)
                for v in versions]
