"""动态监控: an approved project's actual energy use against its 节能审查 figure once it operates.

监督检查节能审查意见落实情况: a project in operation whose actual yearly energy use exceeds the approved
figure by more than ``threshold`` (a share, default 10 %) is flagged. The comparison uses one
conversion method on both sides (当量值 against 当量值, 等价值 against 等价值).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.10
OPERATING = ("operating", "retrofit")  # 投产（存量）and 改造: the approval's figure applies


@dataclass(frozen=True, slots=True)
class Check:
    project_id: int
    name: str
    year: int
    approved_tce: float
    actual_tce: float
    method: str  # "calorific" (当量值) | "equivalent" (等价值)
    threshold: float
    shared: bool = False  # the actual figure is the enterprise's total, shared by several projects

    @property
    def over_share(self) -> float:
        """How far above the approved figure (0.15 = 15 % over; negative = under)."""
        return self.actual_tce / self.approved_tce - 1.0 if self.approved_tce else float("inf")

    @property
    def flagged(self) -> bool:
        return self.over_share > self.threshold + 1e-12

    def to_dict(self) -> dict[str, object]:
        return {"project_id": self.project_id, "name": self.name, "year": self.year,
                "approved_tce": self.approved_tce, "actual_tce": self.actual_tce, "method": self.method,
                "threshold": self.threshold, "over_share": self.over_share, "flagged": self.flagged,
                "shared": self.shared}


@dataclass(frozen=True, slots=True)
class ApprovedProject:
    project_id: int
    name: str
    status: str
    approved_calorific_tce: float | None
    approved_equivalent_tce: float | None


def check_projects(projects: list[ApprovedProject], year: int, actual_calorific_tce: float | None,
                   actual_equivalent_tce: float | None, threshold: float = DEFAULT_THRESHOLD) -> list[Check]:
    """Checks of one enterprise's operating, approved projects against the enterprise's actual energy.

    With one such project the enterprise's energy is the project's; with several, their approved
    figures are added and compared with the enterprise total (each check then says ``shared``).
    """
    if threshold < 0:
        raise ValueError("threshold must be ≥ 0")
    running = [p for p in projects if p.status in OPERATING]
    out: list[Check] = []
    for method, actual, attr in (("calorific", actual_calorific_tce, "approved_calorific_tce"),
                                 ("equivalent", actual_equivalent_tce, "approved_equivalent_tce")):
        usable = [p for p in running if getattr(p, attr)]
        if actual is None or not usable or len(usable) != len(running):
            continue
        approved_total = sum(getattr(p, attr) for p in usable)
        shared = len(usable) > 1
        for p in usable:
            out.append(Check(p.project_id, p.name, year, approved_total if shared else getattr(p, attr), actual,
                             method, threshold, shared))
        return out  # the first method both sides have
    return out
