"""Which stored indicator each target of a new plan version is recorded under.

Rules (the README's "Plan versions and indicators"): targets that name the same indicator share it;
an exact name, then an exact code (one candidate each way), carries an indicator over by itself;
anything only similar is a *proposal* the office confirms (``--map`` / ``--accept-proposals``, the
upload preview) — unconfirmed it becomes a new indicator. One indicator never takes two different
indicators of one version.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tanfeng.db.models import Indicator
from tanfeng.plans.model import Target as PlanTarget
from tanfeng.services.errors import StoreError

SIMILAR = 0.85  # difflib ratio from which a stored indicator is proposed (never applied without the office)
NEW = "new"  # a decision value: record the target under a new indicator

_NOISE = re.compile(r"[\s《》“”\"'、，,。.（）()]+")


def norm(text: str) -> str:
    return _NOISE.sub("", text)


@dataclass(frozen=True)
class Proposal:
    indicator_id: int
    name: str
    similarity: float


@dataclass(frozen=True)
class TargetMapping:
    """One indicator of the new version: its targets and the stored indicator they go to."""

    targets: tuple[str, ...]
    indicator: str
    code: str | None
    indicator_id: int | None  # None: a new indicator is created
    carried_from: str | None  # the stored indicator's name before this version
    how: str  # name | code | office | proposal (confirmed) | new
    proposal: Proposal | None = None  # a similar stored indicator, used only when confirmed


@dataclass
class _Group:
    targets: list[str]
    indicator: str
    code: str | None
    match: Indicator | None = None
    how: str = "new"
    proposal: Proposal | None = None


def parse_decisions(items: Sequence[str]) -> dict[str, int | str | None]:
    """``["T3=12", "T4=new"]`` (the CLI's ``--map``, the API's ``map``) → target code → indicator id or ``new``."""
    out: dict[str, int | str | None] = {}
    for item in items:
        target, sep, choice = item.partition("=")
        choice = choice.strip().lstrip("#")
        if not sep or not target.strip() or not (choice.isdigit() or choice == NEW):
            raise StoreError(f"{item}：应写作 目标编号=指标ID 或 目标编号=new",
                             f"{item}: write TARGET=INDICATOR_ID or TARGET=new")
        out[target.strip()] = int(choice) if choice.isdigit() else NEW
    return out


def _groups(targets: Sequence[PlanTarget]) -> list[_Group]:
    by_name: dict[str, _Group] = {}
    for item in targets:
        group = by_name.setdefault(norm(item.indicator), _Group([], item.indicator, item.code))
        group.targets.append(item.id)
        group.code = group.code or item.code
    return list(by_name.values())


def _exact_name(group: _Group, free: list[Indicator], preferred: set[int]) -> Indicator | None:
    name = norm(group.indicator)
    same = [ind for ind in free if name in (ind.key.split(":", 1)[1].split("#")[0], norm(ind.name))
            and (ind.code == group.code or not ind.code or not group.code)]
    return min(same, key=lambda ind: (ind.id not in preferred, ind.id), default=None)


def _decided(groups: list[_Group], decisions: Mapping[str, int | str | None],
             by_id: dict[int, Indicator]) -> set[int]:
    """Apply the office's decisions (target code → indicator id or ``new``); returns the ids they take."""
    of_target = {code: g for g in groups for code in g.targets}
    unknown = sorted(set(decisions) - set(of_target))
    if unknown:
        raise StoreError(f"方案中没有目标{'、'.join(unknown)}", f"the plan has no target {', '.join(unknown)}")
    taken: dict[int, _Group] = {}
    for code, choice in decisions.items():
        group = of_target[code]
        if choice in (None, NEW):
            group.how = "office-new"
            continue
        indicator = by_id.get(int(choice)) if str(choice).isdigit() else None
        if indicator is None:
            raise StoreError(f"目标{code}：本方案没有编号为{choice}的指标", f"target {code}: this plan has no indicator {choice}")
        if taken.get(indicator.id, group) is not group or (group.match is not None and group.match is not indicator):
            raise StoreError(f"目标{code}：两个不同的指标不能记在同一指标#{indicator.id}上",
                             f"target {code}: two different indicators cannot share indicator #{indicator.id}")
        taken[indicator.id] = group
        group.match, group.how = indicator, "office"
    return set(taken)


def _propose(open_groups: list[_Group], free: list[Indicator]) -> None:
    """Best one-to-one similar pairs, highest similarity first (not document order)."""
    pairs = sorted(((difflib.SequenceMatcher(None, ind.name, g.indicator).ratio(), i, ind)
                    for i, g in enumerate(open_groups) for ind in free), key=lambda p: (-p[0], p[1], p[2].id))
    used_groups: set[int] = set()
    used_inds: set[int] = set()
    for ratio, i, ind in pairs:
        if ratio < SIMILAR or i in used_groups or ind.id in used_inds:
            continue
        used_groups.add(i)
        used_inds.add(ind.id)
        open_groups[i].proposal = Proposal(ind.id, ind.name, round(ratio, 3))


def map_indicators(
    indicators: Sequence[Indicator], targets: Sequence[PlanTarget], *, previous: set[int] | None = None,
    decisions: Mapping[str, int | str | None] | None = None, accept_proposals: bool = False,
) -> list[TargetMapping]:
    """The mapping of a version's targets onto the plan's stored ``indicators`` (``previous``: last version's)."""
    preferred = previous or set()
    groups = _groups(targets)
    by_id = {ind.id: ind for ind in indicators}
    claimed = _decided(groups, decisions or {}, by_id)

    def free() -> list[Indicator]:
        return [ind for ind in indicators if ind.id not in claimed]

    for group in (g for g in groups if g.how == "new"):  # exact names, all before any code
        group.match = _exact_name(group, free(), preferred)
        if group.match is not None:
            group.how = "name"
            claimed.add(group.match.id)
    open_groups = [g for g in groups if g.how == "new"]
    for group in open_groups:
        same_code = [ind for ind in free() if group.code and ind.code == group.code]
        rivals = [g for g in open_groups if g.code == group.code and g.how == "new"]
        if len(same_code) == 1 and len(rivals) == 1:
            group.match, group.how = same_code[0], "code"
            claimed.add(same_code[0].id)
    open_groups = [g for g in open_groups if g.how == "new"]
    _propose(open_groups, free())
    for group in open_groups:
        if accept_proposals and group.proposal is not None:
            group.match, group.how = by_id[group.proposal.indicator_id], "proposal"
    return [TargetMapping(tuple(g.targets), g.indicator, g.code, g.match.id if g.match else None,
                          g.match.name if g.match else None, "new" if g.how == "office-new" else g.how,
                          g.proposal if g.match is None or g.how == "proposal" else None)
            for g in groups]
