"""Vertical alignment (上下对标): a county's targets next to its city's and province's, per indicator code and year.

Flags: a county target weaker than its parent's in the same direction and year (−12 % vs −13.5 %);
a parent target with no county counterpart; a target assigned from above with no quota entered yet.
Only relative changes (下降/提高 …%) are compared for strength: levels (森林覆盖率 81 %) differ by
nature between regions and are shown side by side without a judgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import Indicator, Region, Target
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import PlanRef, current_versions
from tanfeng.services.regions import ancestors

FLAG_LABELS = {
    "weaker": ("弱于上级目标", "weaker than the parent's target"),
    "missing": ("上级有、本级无对应目标", "parent target without a counterpart"),
    "no_quota": ("待下达指标尚未录入", "assigned target without a quota"),
}


@dataclass(frozen=True)
class TargetFact:
    plan_id: int
    indicator_id: int
    code: str
    indicator: str
    year: int | None
    change: str | None
    value: float | None
    unit: str | None
    assigned: bool
    quota_value: float | None
    quota_doc: str | None


@dataclass
class AlignmentRow:
    code: str
    indicator: str
    year: int | None
    own: TargetFact | None
    parents: dict[str, TargetFact | None] = field(default_factory=dict)  # region name → its target
    flags: list[str] = field(default_factory=list)


@dataclass
class Alignment:
    plan_id: int
    plan: str
    region: str
    parents: list[str]  # nearest first, those with a plan
    rows: list[AlignmentRow]

    def flagged(self, flag: str) -> list[AlignmentRow]:
        return [r for r in self.rows if flag in r.flags]


def _facts(session: Session, ref: PlanRef) -> list[TargetFact]:
    rows = session.execute(
        select(Target, Indicator).join(Indicator, Indicator.id == Target.indicator_id)
        .where(Target.version_id == ref.version.id).order_by(Target.position))
    return [TargetFact(ref.plan.id, ind.id, ind.code, ind.name, t.year, t.change, t.value, t.unit or ind.unit,
                       t.assigned, t.quota_value, t.quota_doc) for t, ind in rows if ind.code]


def _goal(fact: TargetFact) -> float | None:
    return fact.quota_value if fact.assigned and fact.value is None else fact.value


def is_weaker(own: TargetFact, parent: TargetFact) -> bool:
    """Same direction, same year, a relative change in the same unit, and a smaller change than the parent's."""
    if own.change != parent.change or own.change not in ("decrease", "increase") or own.year != parent.year:
        return False
    a, b = _goal(own), _goal(parent)
    if a is None or b is None or (own.unit or "%") != (parent.unit or "%"):
        return False
    return a < b  # both are sizes of a change ("下降12%" is 12): a smaller one is weaker


def _main_plan(refs: list[PlanRef]) -> PlanRef | None:
    return min(refs, key=lambda r: ("碳达峰" not in r.plan.title, r.plan.id), default=None)


def alignment(db: Database, plan_id: int) -> Alignment:
    """The plan's targets against the main plan of each ancestor region that has one."""
    with db.transaction() as session:
        ref = next(iter(current_versions(session, plan_ids=[plan_id])), None)
        if ref is None:
            raise StoreError(f"没有编号为{plan_id}的方案", f"no plan {plan_id}")
        own = _facts(session, ref)
        parent_facts: dict[str, list[TargetFact]] = {}
        for region in ancestors(session, session.get_one(Region, ref.region.id)):
            main = _main_plan(current_versions(session, region))
            if main is not None:
                parent_facts[region.name] = _facts(session, main)
        plan_title, region_name = ref.plan.title, ref.region.name
    keys: dict[tuple[str, int | None], str] = {}
    for fact in own + [f for facts in parent_facts.values() for f in facts]:
        keys.setdefault((fact.code, fact.year), fact.indicator)
    own_codes = {f.code for f in own}
    rows = []
    for (code, year), name in sorted(keys.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        mine = next((f for f in own if (f.code, f.year) == (code, year)), None)
        row = AlignmentRow(code, name, year, mine)
        for parent_name, facts in parent_facts.items():
            row.parents[parent_name] = next((f for f in facts if (f.code, f.year) == (code, year)), None)
        nearest = next((p for p in row.parents.values() if p is not None), None)
        if mine is not None and nearest is not None and is_weaker(mine, nearest):
            row.flags.append("weaker")
        if mine is None and nearest is not None and code not in own_codes:
            row.flags.append("missing")
        if mine is not None and mine.assigned and mine.quota_value is None:
            row.flags.append("no_quota")
        rows.append(row)
    return Alignment(plan_id, plan_title, region_name, list(parent_facts), rows)
