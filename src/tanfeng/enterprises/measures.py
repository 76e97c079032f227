"""一企一策: an enterprise's reduction measures, their progress, and the sums against the plan's targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "cancelled")
STATUS_ZH: dict[str, str] = {"planned": "计划", "in_progress": "实施中", "done": "已完成", "cancelled": "已取消"}
STATUS_EN: dict[str, str] = {"planned": "planned", "in_progress": "in progress", "done": "done",
                             "cancelled": "cancelled"}


@dataclass(frozen=True, slots=True)
class MeasureState:
    measure_id: int
    enterprise_id: int
    expected_tce: float
    expected_co2_t: float
    achieved_tce: float  # sum of the progress reports
    achieved_co2_t: float
    deadline: date | None
    status: str

    def overdue(self, today: date) -> bool:
        return self.deadline is not None and self.deadline < today and self.status not in ("done", "cancelled")


@dataclass(frozen=True, slots=True)
class Totals:
    measures: int
    expected_tce: float
    expected_co2_t: float
    achieved_tce: float
    achieved_co2_t: float
    overdue: int
    target_tce: float | None  # the saving the plan asks of these enterprises, when given
    target_co2_t: float | None

    def share_of_target(self, achieved: bool = False, co2: bool = False) -> float | None:
        """Expected (or achieved) savings as a share of the target, None without a target."""
        target = self.target_co2_t if co2 else self.target_tce
        if not target:
            return None
        value = (self.achieved_co2_t if co2 else self.achieved_tce) if achieved else (
            self.expected_co2_t if co2 else self.expected_tce)
        return value / target


def totals(states: Iterable[MeasureState], today: date, *, target_tce: float | None = None,
           target_co2_t: float | None = None) -> Totals:
    """Sums over measures; cancelled measures count for neither expected nor achieved savings."""
    live = [s for s in states if s.status != "cancelled"]
    return Totals(len(live), sum(s.expected_tce for s in live), sum(s.expected_co2_t for s in live),
                  sum(s.achieved_tce for s in live), sum(s.achieved_co2_t for s in live),
                  sum(1 for s in live if s.overdue(today)), target_tce, target_co2_t)
