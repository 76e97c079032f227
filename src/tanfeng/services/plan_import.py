"""Store a parsed plan: a new version per distinct file; indicators and collected data carry over."""

from __future__ import annotations

import difflib
import re
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.db.models import (
    Action,
    ChangeLog,
    Indicator,
    PlanRecord,
    PlanVersion,
    Region,
    Responsibility,
    Target,
    Task,
    Unit,
)
from tanfeng.db.session import Database
from tanfeng.errors import PlanReadError
from tanfeng.plans.model import Plan
from tanfeng.plans.model import Region as PlanRegion
from tanfeng.plans.model import Target as PlanTarget
from tanfeng.services.errors import StoreError
from tanfeng.services.indicator_mapping import TargetMapping, map_indicators
from tanfeng.services.library import choose_current
from tanfeng.services.registry import ensure_region, lock_region, resolve_unit
from tanfeng.tracking.trajectory import classify

_DRAFT_MARKS = re.compile(r"[（(]?(征求意见稿|送审稿|草案|试行|修订稿|讨论稿)[）)]?")
_NOISE = re.compile(r"[\s《》“”\"'、，,。.（）()]+")


@dataclass(frozen=True)
class PlanImportResult:
    plan_id: int
    region: str
    title: str
    version: int
    status: str
    created: bool  # False: this exact file was imported before; nothing changed
    tasks: int
    targets: int
    targets_carried: int  # targets whose indicator (and collected values) existed before
    targets_new: int
    indicators_dropped: int  # indicators of the previous version the new one no longer has
    current: bool = True  # the new version became the plan's current one
    mapping: tuple[TargetMapping, ...] = ()  # where each indicator of this version is recorded, and proposals


@dataclass(frozen=True)
class MappingChoices:
    """The office's decisions on the version mapping: target code → stored indicator id or ``"new"``."""

    decisions: Mapping[str, int | str | None] = field(default_factory=dict)
    accept_proposals: bool = False  # take every similar indicator proposed


def load_plan_file(path: str | Path) -> Plan:
    """A plan from a contract JSON file or any file the plan reader understands."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        try:
            return Plan.from_json(p.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise PlanReadError(str(p), "文件不存在", "file not found") from err
        except (ValidationError, ValueError) as err:
            first = str(err).splitlines()[0]
            raise PlanReadError(str(p), f"不是有效的方案JSON（{first}）", f"not a valid plan JSON ({first})") from err
    from tanfeng.plans import read

    return read(p)


def plan_key(title: str) -> str:
    """Identity of a plan across versions: its title without draft marks, spaces and punctuation."""
    return _NOISE.sub("", _DRAFT_MARKS.sub("", title))


def _norm(text: str) -> str:
    return _NOISE.sub("", text)


def import_plan(
    db: Database, plan: Plan, *, actor: str, region: str | None = None, title: str | None = None,
    plan_id: int | None = None, choices: MappingChoices | None = None, dry_run: bool = False,
    audit: Callable[[Session, PlanImportResult], None] | None = None,
) -> PlanImportResult:
    """Store ``plan`` as a new version of its plan (one transaction); the same file twice is a no-op.

    The plan is found by region and title (without 征求意见稿 etc.); ``plan_id`` names it instead,
    for a revision whose title changed. ``choices`` confirms or changes the indicator mapping
    (see ``services.indicator_mapping``); ``dry_run`` computes everything and stores nothing.
    ``audit`` is called with the session and the result before the transaction commits (the web's
    audit entry goes in with the plan).
    """
    region_info = PlanRegion(name=region) if region else plan.meta.region
    title = title or plan.meta.title
    with db.write() as session:
        if plan_id is not None:
            record = session.get(PlanRecord, plan_id)
            if record is None:
                raise StoreError(f"没有编号为{plan_id}的方案", f"no plan {plan_id}")
            region_row = lock_region(session, session.get_one(Region, record.region_id))
            title = title or record.title
        else:
            if region_info is None or not region_info.name:
                raise StoreError("方案没有地区，请用 --region 指定", "the plan names no region; give --region")
            if not title:
                raise StoreError("方案没有标题，请用 --title 指定", "the plan has no title; give --title")
            region_row = lock_region(session, ensure_region(session, region_info))
            record = _ensure_plan(session, region_row, title)
        # two imports of one plan at once: the second waits here, then numbers its version after the first;
        # the plan's indicators are locked next, in id order like every other writer (no deadlock)
        session.execute(select(PlanRecord.id).where(PlanRecord.id == record.id).with_for_update())
        session.execute(select(Indicator.id).where(Indicator.plan_id == record.id).order_by(Indicator.id)
                        .with_for_update())
        existing = session.scalar(
            select(PlanVersion).where(PlanVersion.plan_id == record.id, PlanVersion.sha256 == plan.source.sha256)
        )
        if existing is not None:
            n_targets = session.scalar(select(func.count()).where(Target.version_id == existing.id)) or 0
            n_tasks = session.scalar(select(func.count()).where(Task.version_id == existing.id)) or 0
            result = PlanImportResult(record.id, region_row.name, record.title, existing.number, existing.status,
                                      False, n_tasks, n_targets, 0, 0, 0)
        else:
            result = _store_version(session, region_row, record, plan, title, actor, choices or MappingChoices())
            current = choose_current(session, record)  # a draft imported after the final stays non-current
            result = replace(result, current=current is not None and current.number == result.version)
        if dry_run:
            session.rollback()
        elif audit is not None:
            audit(session, result)
        return result


def stored_indicators(db: Database, plan_id: int) -> list[tuple[int, str]]:
    """(id, name) of every indicator a plan has stored, for choosing where a new version's target goes."""
    with db.transaction() as session:
        rows = session.execute(select(Indicator.id, Indicator.name).where(Indicator.plan_id == plan_id)
                               .order_by(Indicator.id))
        return [(id_, name) for id_, name in rows]


def _ensure_plan(session: Session, region: Region, title: str) -> PlanRecord:
    key = plan_key(title)
    record = session.scalar(select(PlanRecord).where(PlanRecord.region_id == region.id, PlanRecord.key == key))
    if record is None:
        record = PlanRecord(region_id=region.id, key=key, title=_DRAFT_MARKS.sub("", title).strip())
        session.add(record)
        session.flush()
    return record


def _store_version(
    session: Session, region: Region, record: PlanRecord, plan: Plan, title: str, actor: str,
    choices: MappingChoices,
) -> PlanImportResult:
    previous = session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == record.id).order_by(PlanVersion.number.desc()).limit(1)
    )
    version = PlanVersion(
        plan_id=record.id, number=(previous.number + 1) if previous else 1, status=plan.meta.status, title=title,
        sha256=plan.source.sha256, source_path=plan.source.path, source_format=plan.source.format,
        doc_number=plan.meta.doc_number, issued_date=plan.meta.date, peak_year=plan.meta.peak_year,
        document=plan.to_dict(), imported_by=actor,
    )
    session.add(version)
    session.flush()
    for i, action in enumerate(plan.actions):
        session.add(Action(version_id=version.id, code=action.id, name=action.name, position=i))
    tasks = _store_tasks(session, region, version, previous, plan)
    carried, new, dropped, mapping = _store_targets(session, record, version, previous, plan, tasks, choices)
    decided = {m.targets[0]: m.indicator_id or "new" for m in mapping if m.how in ("office", "proposal")}
    session.add(ChangeLog(actor=actor, entity="plan_version", entity_id=version.id, action="import",
                          detail={"plan": record.title, "version": version.number, "status": version.status,
                                  "sha256": version.sha256, "source": plan.source.path, "mapping": decided}))
    session.flush()
    return PlanImportResult(record.id, region.name, record.title, version.number, version.status, True,
                            len(tasks), len(plan.targets), carried, new, dropped, mapping=tuple(mapping))


def _store_tasks(
    session: Session, region: Region, version: PlanVersion, previous: PlanVersion | None, plan: Plan
) -> dict[str, Task]:
    old_tasks = list(session.scalars(select(Task).where(Task.version_id == previous.id))) if previous else []
    claimed: set[str] = set()
    tasks: dict[str, Task] = {}
    resolved: dict[str, Unit] = {}  # a plan names the same units dozens of times
    for i, item in enumerate(plan.tasks):
        lineage = _match_task(old_tasks, item.id, item.title, claimed) or str(uuid.uuid4())
        claimed.add(lineage)
        task = Task(version_id=version.id, code=item.id, action_code=item.action, title=item.title,
                    text=item.text, lineage=lineage, position=i)
        session.add(task)
        session.flush()
        tasks.setdefault(item.id, task)
        names = ([item.lead] if item.lead else []) + [u for u in item.units if u != item.lead]
        seen: set[int] = set()
        for pos, written in enumerate(names):
            unit = resolved.get(written) or resolve_unit(session, region, written)
            resolved[written] = unit
            if unit.id in seen:
                continue
            seen.add(unit.id)
            role = "lead" if pos == 0 else "co"
            session.add(Responsibility(task_id=task.id, unit_id=unit.id, role=role, position=pos, written_as=written))
    session.flush()
    return tasks


def _match_task(old_tasks: list[Task], code: str, title: str, claimed: set[str]) -> str | None:
    """Lineage of the same task in the previous version: same title, else same number and a similar title."""
    free = [t for t in old_tasks if t.lineage not in claimed]
    for task in free:
        if _norm(task.title) == _norm(title):
            return task.lineage
    for task in free:
        if task.code == code and difflib.SequenceMatcher(None, task.title, title).ratio() >= 0.6:
            return task.lineage
    best = max(free, key=lambda t: difflib.SequenceMatcher(None, t.title, title).ratio(), default=None)
    if best is not None and difflib.SequenceMatcher(None, best.title, title).ratio() >= 0.8:
        return best.lineage
    return None


def _default_baseline(plan: Plan) -> int | None:
    years = Counter(t.baseline_year for t in plan.targets if t.baseline_year)
    if years:
        return years.most_common(1)[0][0]
    target_years = [t.year for t in plan.targets if t.year]
    return min(target_years) - 5 if target_years else None


def _store_targets(
    session: Session, record: PlanRecord, version: PlanVersion, previous: PlanVersion | None,
    plan: Plan, tasks: dict[str, Task], choices: MappingChoices,
) -> tuple[int, int, int, list[TargetMapping]]:
    indicators = list(session.scalars(select(Indicator).where(Indicator.plan_id == record.id)))
    old_targets = list(session.scalars(select(Target).where(Target.version_id == previous.id))) if previous else []
    old_indicator_ids = {t.indicator_id for t in old_targets}
    mapping = map_indicators(indicators, plan.targets, previous=old_indicator_ids, decisions=choices.decisions,
                             accept_proposals=choices.accept_proposals)
    by_id = {ind.id: ind for ind in indicators}
    of_target: dict[str, Indicator] = {}
    default_baseline = _default_baseline(plan)
    for entry in mapping:
        first = next(t for t in plan.targets if t.id == entry.targets[0])
        indicator = by_id[entry.indicator_id] if entry.indicator_id else _new_indicator(session, record, first,
                                                                                        indicators)
        _update_indicator(indicator, first, default_baseline)
        of_target.update(dict.fromkeys(entry.targets, indicator))
    carried = new = 0
    for i, item in enumerate(plan.targets):
        indicator = of_target[item.id]
        carried += 1 if indicator.id in old_indicator_ids else 0
        new += 0 if indicator.id in old_indicator_ids else 1
        task = tasks.get(item.task_id) if item.task_id else None
        target = Target(
            version_id=version.id, indicator_id=indicator.id, task_id=task.id if task else None, code=item.id,
            indicator_text=item.indicator, change=item.change, value=item.value, unit=item.unit,
            stretch_value=item.stretch_value, bound=item.bound, commitment=item.commitment, year=item.year,
            baseline_year=item.baseline_year, assigned=item.assigned, sentence=item.sentence, position=i,
        )
        _carry_quota(target, old_targets)
        session.add(target)
    session.flush()
    used = {ind.id for ind in of_target.values()}
    return carried, new, len(old_indicator_ids - used), mapping


def _new_indicator(session: Session, record: PlanRecord, item: PlanTarget, indicators: list[Indicator]) -> Indicator:
    key = f"{item.code or ''}:{_norm(item.indicator)}"
    taken = {ind.key for ind in indicators}
    suffix = 2
    while key in taken:
        key = f"{item.code or ''}:{_norm(item.indicator)}#{suffix}"
        suffix += 1
    indicator = Indicator(plan_id=record.id, key=key, name=item.indicator, code=item.code, shape="linear",
                          direction="up", frequency="year")
    session.add(indicator)
    session.flush()
    indicators.append(indicator)
    return indicator


def _update_indicator(indicator: Indicator, item: PlanTarget, default_baseline: int | None) -> None:
    """The newest version defines what an indicator measures (name, unit, shape, base year)."""
    shape, direction = classify(item.code, item.change, item.unit, item.bound, item.baseline_year)
    indicator.name = item.indicator
    indicator.code = item.code or indicator.code
    indicator.unit = item.unit or indicator.unit or ("%" if shape.value == "compound" else None)
    indicator.shape = shape.value
    indicator.direction = direction.value
    indicator.baseline_year = item.baseline_year or indicator.baseline_year or default_baseline


def _carry_quota(target: Target, old_targets: list[Target]) -> None:
    for old in old_targets:
        if old.indicator_id == target.indicator_id and old.year == target.year and old.quota_value is not None:
            target.quota_value, target.quota_unit, target.quota_note = old.quota_value, old.quota_unit, old.quota_note
            target.quota_doc = old.quota_doc
            return
