"""The content of the annual evaluation report, shared by the docx, html and xlsx renderers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tanfeng.errors import TanfengError
from tanfeng.reports.enterprises import EnterpriseSummary
from tanfeng.reports.extras import InventorySummary, ProjectionSummary
from tanfeng.services.evaluation import ActionFacts, MissingReport, PlanFacts
from tanfeng.tracking.warnings import LEVEL_LABELS, Level


class ReportError(TanfengError):
    """A report that cannot be made (bad year, format or input file)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


@dataclass(frozen=True)
class TargetLine:
    """One target as judged at the end of the report year (and the year before)."""

    code: str
    indicator_id: int
    indicator: str
    indicator_code: str | None
    headline: bool
    shape: str
    unit: str | None
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    stretch_value: float | None
    latest_period: str | None
    latest_value: float | None
    expected_value: float | None
    gap: float | None
    level: str
    level_label: str
    previous_level: str
    lead_unit: str | None
    task: str | None
    note: str | None
    sentence: str
    change: str | None = None  # the plan's verb (decrease / increase / level): how the target reads


@dataclass(frozen=True)
class Change:
    """Something that moved since the year before: a warning level or a task's progress status."""

    kind: str  # level | task
    item: str
    before: str
    after: str


@dataclass(frozen=True)
class Series:
    """Chart data of one headline target, limited to the report year."""

    code: str
    indicator: str
    unit: str | None
    expected: list[tuple[float, float]]
    values: list[tuple[float, float]]
    milestones: list[tuple[float, float]]
    stretches: list[tuple[float, float]] = field(default_factory=list)  # 力争 values by target year
    reading: str = "level"  # how the values read: decrease (a cumulative reduction), increase or level
    baseline_year: int | None = None


@dataclass
class AnnualReport:
    """Everything the leading group reads about one plan in one year (shared by every renderer)."""

    year: int
    facts: PlanFacts
    targets: list[TargetLine]
    changes: list[Change]
    series: list[Series]
    generated_at: datetime
    inventory: InventorySummary | None = None
    projection: ProjectionSummary | None = None
    notes: list[str] = field(default_factory=list)
    enterprises: EnterpriseSummary | None = None  # 重点用能单位与“两高”项目 (reports.enterprises)

    @property
    def title(self) -> str:
        return self.title_in("zh")

    def title_in(self, lang: str) -> str:
        """The report's title in ``lang`` (the plan's own title as written)."""
        if lang == "en":
            return f"{self.facts.title}: assessment of the implementation in {self.year}"
        return f"{self.facts.title}{self.year}年度实施情况评估报告"

    def filename(self, fmt: str, lang: str = "zh") -> str:
        """A file name for downloads: the title plus the format's suffix."""
        return f"{self.title_in(lang).replace(':', '')}.{fmt}"

    @property
    def demo(self) -> bool:
        """True when any part of the content is demonstration data (示例数据)."""
        return self.facts.demo or bool(self.inventory and self.inventory.demo) or bool(
            self.projection and self.projection.demo) or bool(self.enterprises and self.enterprises.demo)

    @property
    def headline(self) -> list[TargetLine]:
        return [t for t in self.targets if t.headline]

    @property
    def actions(self) -> list[ActionFacts]:
        return self.facts.actions

    @property
    def missing(self) -> list[MissingReport]:
        return self.facts.missing

    @property
    def peak_targets(self) -> list[TargetLine]:
        return [t for t in self.targets if t.shape == "milestone" or t.indicator_code == "carbon_peak"]

    def level_counts(self) -> list[tuple[str, str, int]]:
        """(level, label, number of targets) for green, yellow, red and not assessable."""
        counts = Counter(t.level for t in self.targets if t.shape != "milestone")
        return [(lv.value, LEVEL_LABELS[lv], counts.get(lv.value, 0)) for lv in Level]
