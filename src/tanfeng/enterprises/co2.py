"""An enterprise's CO₂ and standard coal from its energy data, by the accounting engine itself.

The enterprise's yearly use of each fuel becomes inventory activity rows (工业和建筑业), and
``tanfeng.accounting.compute`` does the rest: the same factor sets, precedence, no silent mixing of
sets, and every factor's provenance on the emission lines. Direct CO₂ is fuel combustion; indirect
CO₂ is purchased electricity (the province's grid factor) and purchased heat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import ActivityRow, AnnualData, InventoryInput
from tanfeng.accounting.factors import FactorLibrary
from tanfeng.accounting.inventory import DEFAULT_GWP, compute
from tanfeng.accounting.results import EmissionLine

SHEET = "企业能源"


@dataclass(slots=True)
class EnterpriseCarbon:
    year: int
    direct_co2_t: float
    indirect_co2_t: float
    calorific_tce: float  # 当量值 (electricity at its calorific coefficient)
    equivalent_tce: float | None  # 等价值, only when a coal rate of power supply is given
    lines: list[EmissionLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total_co2_t(self) -> float:
        return self.direct_co2_t + self.indirect_co2_t


def enterprise_carbon(use: Mapping[int, Mapping[str, float]], *, province: str = "", label: str = "",
                      factors: FactorLibrary | Sequence[str | Path] | None = None, fallback: str | None = None,
                      coal_rate_kgce_per_kwh: float | None = None, gwp_metric: str = DEFAULT_GWP
                      ) -> dict[int, EnterpriseCarbon]:
    """CO₂ and tce per year from ``use`` = year → fuel code → amount in the fuel's base unit.

    Raises ``InventoryInputError`` (listing every missing factor) like the inventory does.
    """
    inp = InventoryInput(source=label or SHEET, region=label, province=province, grid_region=province or "全国",
                         label=label)
    n = 0
    for year in sorted(use):
        inp.annual[year] = AnnualData(coal_rate=coal_rate_kgce_per_kwh)
        for fuel, amount in sorted(use[year].items()):
            spec = vocab.FUELS_BY_CODE[fuel]
            n += 1
            inp.rows.append(ActivityRow(SHEET, n, "energy", "industry", fuel, year, amount, spec.base_unit,
                                        f"{amount:.6g} {spec.base_unit}"))
    if not inp.rows:
        return {}
    result = compute(inp, factors, gwp_metric, fallback)
    out: dict[int, EnterpriseCarbon] = {}
    for year, yr in result.years.items():
        out[year] = EnterpriseCarbon(
            year, yr.total(sector="energy", scope="direct", gas="CO2"), yr.total(scope="indirect"),
            yr.balance.total_cal_tce, yr.balance.total_eq_tce if coal_rate_kgce_per_kwh else None,
            list(yr.lines), list(result.notes))
    return out


@dataclass(frozen=True, slots=True)
class StandardCoal:
    calorific_tce: float  # 当量值
    equivalent_tce: float | None  # 等价值 (electricity at the coal rate of power supply), when one is given
    missing: tuple[str, ...] = ()  # fuels without a coefficient or NCV (left out)


def standard_coal(use: Mapping[str, float], lib: FactorLibrary | None = None,
                  coal_rate_kgce_per_kwh: float | None = None) -> StandardCoal:
    """Standard coal of one period's use (fuel → base-unit amount) by the engine's rule: the fuel's
    折标系数, else NCV ÷ 29.3076 GJ/tce (``tanfeng.accounting.energy.tce_of``); no CO₂ factor needed."""
    from tanfeng.accounting.energy import GJ_PER_TCE
    from tanfeng.accounting.factors import library

    lib = lib or library()
    calorific, electricity_kwh, missing = 0.0, 0.0, []
    for fuel, amount in sorted(use.items()):
        if fuel == "electricity":
            electricity_kwh += amount
        coef = lib.resolve("tce_coef", fuel)
        if coef is not None:
            calorific += amount * coef.factor.value
            continue
        ncv = lib.resolve("ncv", fuel)
        if ncv is None:
            missing.append(fuel)
            continue
        calorific += amount * ncv.factor.value / GJ_PER_TCE
    equivalent = None
    if coal_rate_kgce_per_kwh is not None:
        elec = lib.resolve("tce_coef", "electricity")
        cal = electricity_kwh * (elec.factor.value if elec else 0.0)
        equivalent = calorific - cal + electricity_kwh * coal_rate_kgce_per_kwh / 1000.0
    return StandardCoal(calorific, equivalent, tuple(missing))
