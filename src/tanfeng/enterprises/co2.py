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
