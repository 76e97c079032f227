"""用能空间: the energy room a region has left under its plan's energy-intensity target, year by year.

For each year y from the base year to the target year:

- the intensity allowed follows a constant yearly decline from the base year's to the target's,
  I(y) = I₀ × (1 − r)^((y − y₀)/(T − y₀)), with r the plan's reduction (13 % → 0.13);
- I₀ is the base year's counted energy (actual less raw-material use) per 万元 of its GDP;
- the energy allowed is I(y) × GDP(y) at the projected GDP;
- the energy counted is the region's existing use (the last actual figure carried forward) less the
  deductions of 发改环资〔2022〕803号 (raw-material use, and renewable electricity added since the base
  year, are not counted) plus every approved and planned project that starts operating after the
  last actual year (earlier ones are already in the actual figure);
- the room is allowed − counted; negative means the projects take more than the target leaves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

FEEDSTOCK_ZH = "原料用能不纳入能耗总量和强度考核（发改环资〔2022〕803号）"
NEW_RENEWABLE_ZH = "新增可再生能源电力消费量不纳入能源消费总量和强度考核（发改环资〔2022〕803号）"
COUNTED_STATUSES = ("proposed", "construction", "operating", "retrofit")  # exited projects take no room


@dataclass(frozen=True, slots=True)
class ProjectLoad:
    name: str
    status: str
    energy_tce: float  # the approved (节能审查) figure, else the project's own estimate
    co2_t: float
    operation_year: int | None
    approved: bool  # has a 节能审查 record


@dataclass(frozen=True, slots=True)
class HeadroomInput:
    base_year: int
    base_gdp: float  # 亿元, constant prices
    target_year: int
    reduction: float  # energy-intensity reduction by the target year as a share (0.13)
    gdp: Mapping[int, float]  # projected GDP (亿元, same prices) per year
    actual_energy_tce: Mapping[int, float]  # the region's actual use per year where known (before deductions)
    feedstock_tce: Mapping[int, float] = field(default_factory=dict)
    new_renewable_tce: Mapping[int, float] = field(default_factory=dict)  # added since the base year, in tce
    projects: Sequence[ProjectLoad] = ()


@dataclass(frozen=True, slots=True)
class YearRoom:
    year: int
    gdp: float
    intensity_allowed: float  # tce / 万元
    allowed_tce: float
    existing_tce: float
    feedstock_tce: float
    new_renewable_tce: float
    approved_tce: float  # projects with a 节能审查 record operating by this year
    planned_tce: float  # projects without one yet
    projects_co2_t: float
    actual: bool  # existing_tce is this year's actual figure, not carried forward

    @property
    def counted_tce(self) -> float:
        return self.existing_tce - self.feedstock_tce - self.new_renewable_tce + self.approved_tce + self.planned_tce

    @property
    def room_tce(self) -> float:
        return self.allowed_tce - self.counted_tce

    def to_dict(self) -> dict[str, float | int | bool]:
        return {"year": self.year, "gdp": self.gdp, "intensity_allowed": self.intensity_allowed,
                "allowed_tce": self.allowed_tce, "existing_tce": self.existing_tce,
                "feedstock_tce": self.feedstock_tce, "new_renewable_tce": self.new_renewable_tce,
                "approved_tce": self.approved_tce, "planned_tce": self.planned_tce,
                "projects_co2_t": self.projects_co2_t, "counted_tce": self.counted_tce, "room_tce": self.room_tce,
                "actual": self.actual}


class HeadroomError(ValueError):
    """The inputs do not allow the computation (a missing GDP, no target year after the base)."""


def headroom(inp: HeadroomInput) -> list[YearRoom]:
    """The room of every year from the base year to the target year."""
    if inp.target_year <= inp.base_year:
        raise HeadroomError(f"目标年{inp.target_year}不晚于基准年{inp.base_year} / target year not after base year")
    if inp.base_gdp <= 0:
        raise HeadroomError("基准年地区生产总值须大于零 / base-year GDP must be positive")
    if not 0 <= inp.reduction < 1:
        raise HeadroomError(f"下降率{inp.reduction}不在0–1之间 / reduction share outside 0–1")
    if inp.base_year not in inp.actual_energy_tce:
        raise HeadroomError(f"缺少基准年{inp.base_year}的实际能耗 / no actual energy use for the base year")
    base_intensity = base_counted(inp) / (inp.base_gdp * 1e4)
    span = inp.target_year - inp.base_year
    actual_years = sorted(y for y in inp.actual_energy_tce if inp.base_year <= y <= inp.target_year)
    last_actual = actual_years[-1]
    out: list[YearRoom] = []
    for year in range(inp.base_year, inp.target_year + 1):
        gdp = inp.base_gdp if year == inp.base_year else inp.gdp.get(year)
        if gdp is None:
            raise HeadroomError(f"缺少{year}年预测地区生产总值 / no projected GDP for {year}")
        intensity = base_intensity * (1.0 - inp.reduction) ** ((year - inp.base_year) / span)
        known = [y for y in actual_years if y <= year]
        existing = inp.actual_energy_tce[known[-1]]
        carried = _carry(inp.feedstock_tce, year)
        renew = _carry(inp.new_renewable_tce, year)
        adds = [p for p in inp.projects if p.status in COUNTED_STATUSES and p.operation_year is not None
                and last_actual < p.operation_year <= year]
        out.append(YearRoom(
            year, gdp, intensity, intensity * gdp * 1e4, existing, carried, renew,
            sum(p.energy_tce for p in adds if p.approved), sum(p.energy_tce for p in adds if not p.approved),
            sum(p.co2_t for p in adds), year in inp.actual_energy_tce))
    return out


def base_counted(inp: HeadroomInput) -> float:
    """The base year's counted energy: its actual use less its raw-material use."""
    return inp.actual_energy_tce[inp.base_year] - inp.feedstock_tce.get(inp.base_year, 0.0)


def _carry(series: Mapping[int, float], year: int) -> float:
    """The latest figure at or before ``year`` (0 before the first)."""
    known = [y for y in series if y <= year]
    return series[max(known)] if known else 0.0


def gdp_path(base_year: int, base_gdp: float, growth: float, last_year: int,
             known: Mapping[int, float] | None = None) -> dict[int, float]:
    """GDP per year: the known figures, then growing at ``growth`` (0.06 = 6 %) from the latest known."""
    out: dict[int, float] = {base_year: base_gdp, **(known or {})}
    for year in range(base_year + 1, last_year + 1):
        if year not in out:
            out[year] = out[year - 1] * (1.0 + growth)
    return dict(sorted(out.items()))
