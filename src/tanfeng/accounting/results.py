"""Result types of an inventory: traceable emission lines, energy balance, per-year totals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tanfeng.accounting.activity import ActivityRow, InventoryInput, Problem
from tanfeng.accounting.factors import EVIDENCE_KINDS, FactorLibrary, Resolved, gwp

SECTOR_ZH: dict[str, str] = {
    "energy": "能源活动", "ippu": "工业生产过程", "agriculture": "农业",
    "lulucf": "土地利用变化和林业", "waste": "废弃物处理",
}

# The inventory's headline rows, one label per number, in the order every output prints them (web page, CLI
# table and JSON, workbook, annual report). "调入电力" covers net imported electricity and purchased heat.
SUMMARY_ROWS: tuple[tuple[str, str, str], ...] = (
    ("energy_co2_direct", "能源活动（不含调入电力）", "Energy (excl. imported electricity)"),
    ("energy_non_co2_co2e", "能源活动非二氧化碳（CH₄、N₂O）", "Energy, CH₄ and N₂O"),
    ("ippu_co2e", "工业生产过程", "Industrial processes"),
    ("agriculture_co2e", "农业", "Agriculture"),
    ("lulucf_co2e", "土地利用变化和林业（汇为负）", "Land use and forestry (sink negative)"),
    ("waste_co2e", "废弃物处理", "Waste"),
    ("energy_co2_indirect", "调入电力间接排放", "Imported electricity (indirect)"),
    ("energy_co2_with_indirect", "能源活动（含调入电力）", "Energy (incl. imported electricity)"),
    ("gross_excl_lulucf_co2e", "总排放（不含林业碳汇、不含调入电力）", "Gross (excl. forestry, excl. imported electricity)"),
    ("gross_with_indirect_co2e", "总排放（不含林业碳汇、含调入电力）", "Gross (excl. forestry, incl. imported electricity)"),
    ("net_with_lulucf_co2e", "净排放（含林业碳汇、不含调入电力）", "Net (incl. forestry, excl. imported electricity)"),
    ("net_with_lulucf_and_indirect_co2e", "净排放（含林业碳汇、含调入电力）",
     "Net (incl. forestry, incl. imported electricity)"),
)
SUMMARY_SECTOR_KEYS: tuple[str, ...] = tuple(k for k, _, _ in SUMMARY_ROWS[:6])


@dataclass(frozen=True, slots=True)
class FactorUse:
    """A factor as used in one line: value, unit and where it comes from."""

    parameter: str
    item: str
    value: float
    unit: str
    factor_set: str
    source: str
    table: str
    edition: str
    verified: bool
    evidence: str
    evidence_ref: str = ""
    region: str = ""
    year: int | None = None
    note: str = ""

    @classmethod
    def of(cls, found: Resolved) -> FactorUse:
        f = found.factor
        return cls(f.parameter, f.item, f.value, f.unit, f.set_name, f.source, f.table, f.edition, f.verified,
                   f.evidence, f.evidence_ref, f.region, f.year, found.note)


@dataclass(frozen=True, slots=True)
class EmissionLine:
    """One traceable line: activity × factors = emission of one gas."""

    year: int
    sector: str  # energy | ippu | agriculture | lulucf | waste
    category: str  # machine code, e.g. combustion.industry, electricity.net_import, rice
    category_zh: str
    ipcc: str
    gas: str  # CO2 | CH4 | N2O
    scope: str  # direct | indirect
    emission_t: float  # tonnes of the gas
    co2e_t: float
    activity: str  # what was measured, as entered
    source_rows: tuple[str, ...]  # "能源消费!5"
    factors: tuple[FactorUse, ...]
    arithmetic: str
    gwp: str = ""  # GWP metric of co2e_t (set by the engine)
    warnings: tuple[str, ...] = ()  # e.g. a combustion line whose parameters come from more than one set

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["factors"] = [asdict(f) for f in self.factors]
        out["source_rows"] = list(self.source_rows)
        out["warnings"] = list(self.warnings)
        return out


@dataclass(slots=True)
class EnergyBalance:
    """Energy totals of one year in tce, and the electricity balance in kWh."""

    fossil_tce: float = 0.0  # all fossil fuel incl. feedstock
    feedstock_tce: float = 0.0
    biomass_tce: float = 0.0
    heat_tce: float = 0.0
    electricity_use_kwh: float = 0.0
    generation_kwh: dict[str, float] = field(default_factory=dict)
    nonfossil_generation_kwh: float = 0.0
    net_import_kwh: float = 0.0
    coal_rate: float | None = None  # kgce/kWh
    import_nonfossil_share: float = 0.0
    total_eq_tce: float = 0.0  # coal-consumption (等价值) method
    total_cal_tce: float = 0.0  # calorific (当量值) method
    nonfossil_eq_tce: float = 0.0
    nonfossil_cal_tce: float = 0.0
    renewable_electricity_kwh: float = 0.0  # consumed renewable electricity (non-fossil less nuclear)
    electricity_cal_tce_per_kwh: float = 0.0  # calorific (当量) coefficient used
    trace: list[str] = field(default_factory=list)


@dataclass(slots=True)
class YearResult:
    year: int
    lines: list[EmissionLine] = field(default_factory=list)
    balance: EnergyBalance = field(default_factory=EnergyBalance)

    def total(self, *, sector: str | None = None, scope: str | None = None, gas: str | None = None,
              co2e: bool = True) -> float:
        return sum((ln.co2e_t if co2e else ln.emission_t) for ln in self.lines
                   if (sector is None or ln.sector == sector) and (scope is None or ln.scope == scope)
                   and (gas is None or ln.gas == gas))

    def totals(self) -> dict[str, float]:
        """Headline totals in t CO₂e (energy CO₂ in t CO₂)."""
        direct = {s: self.total(sector=s, scope="direct") for s in SECTOR_ZH}
        indirect = self.total(scope="indirect")
        gross = sum(v for s, v in direct.items() if s != "lulucf")
        return {
            "energy_co2_direct": self.total(sector="energy", scope="direct", gas="CO2"),
            "energy_co2_indirect": indirect,
            "energy_co2_with_indirect": self.total(sector="energy", scope="direct", gas="CO2") + indirect,
            **{f"{s}_co2e": v for s, v in direct.items()},
            "energy_non_co2_co2e": direct["energy"] - self.total(sector="energy", scope="direct", gas="CO2"),
            "gross_excl_lulucf_co2e": gross,
            "gross_with_indirect_co2e": gross + indirect,
            "net_with_lulucf_co2e": gross + direct["lulucf"],
            "net_with_lulucf_and_indirect_co2e": gross + direct["lulucf"] + indirect,
        }


@dataclass(slots=True)
class InventoryResult:
    input: InventoryInput
    gwp_metric: str
    factor_sets: list[str]
    years: dict[int, YearResult]
    notes: list[str] = field(default_factory=list)
    fallback: str | None = None

    @property
    def warnings(self) -> list[str]:
        """Every line's warnings (mixed factor sets), in year and line order."""
        return [w for y in sorted(self.years) for ln in self.years[y].lines for w in ln.warnings]

    def evidence_counts(self) -> dict[str, int]:
        """How many distinct factors used are backed by each kind of evidence (official / copy / none)."""
        used = {(f.factor_set, f.parameter, f.item, f.region, f.year): f.evidence
                for yr in self.years.values() for ln in yr.lines for f in ln.factors}
        return {kind: sum(1 for e in used.values() if e == kind) for kind in EVIDENCE_KINDS}

    @property
    def label(self) -> str:
        return "示例数据" if self.input.is_example else self.input.label

    def year(self, year: int) -> YearResult:
        return self.years[year]

    def summary(self) -> list[tuple[str, str, str, list[float]]]:
        """(key, Chinese label, English label, t CO₂(e) per year) of ``SUMMARY_ROWS``; the CH₄/N₂O row of
        energy only when there is one."""
        years = sorted(self.years)
        totals = {y: self.years[y].totals() for y in years}
        return [(key, zh, en, [totals[y][key] for y in years]) for key, zh, en in SUMMARY_ROWS
                if key != "energy_non_co2_co2e" or any(abs(totals[y][key]) > 1e-9 for y in years)]


class Context:
    """Factor look-ups for one computation; missing factors are collected, not raised at once."""

    def __init__(self, inp: InventoryInput, lib: FactorLibrary, gwp_metric: str) -> None:
        self.inp = inp
        self.lib = lib
        self.gwp_metric = gwp_metric
        self.gwp = {g: gwp(gwp_metric, g).value for g in ("CO2", "CH4", "N2O")}
        # AR6 gives CH₄ of fossil origin a higher GWP than biogenic CH₄; other metrics have one value
        self.gwp_fossil = {**self.gwp, "CH4": gwp(gwp_metric, "CH4", fossil=True).value}
        self.problems: list[Problem] = []
        self.rank = {name: i for i, name in enumerate(lib.names)}

    def find(self, parameter: str, item: str, regions: tuple[str, ...] = (),
             year: int | None = None) -> Resolved | None:
        return self.lib.resolve(parameter, item, regions, year)

    def need_current(self, parameter: str, item: str, row: ActivityRow | None, regions: tuple[str, ...],
                     year: int) -> FactorUse | None:
        """A year-specific factor, same year in a wider region before an earlier year (grid factors)."""
        return self.need(parameter, item, row, regions, year, current=True)

    def need(self, parameter: str, item: str, row: ActivityRow | None, regions: tuple[str, ...] = (),
             year: int | None = None, current: bool = False) -> FactorUse | None:
        found = (self.lib.resolve_current(parameter, item, regions, year) if current and year is not None
                 else self.lib.resolve(parameter, item, regions, year))
        if found is None:
            where = "、".join(r for r in regions if r)
            self.problems.append(Problem(
                row.sheet if row else "因子", row.row if row else None, None,
                f"缺少因子 {parameter}/{item}" + (f"（{where}）" if where else "") + "，请在自定义因子文件中提供",
                f"missing factor {parameter}/{item}" + (f" ({where})" if where else "") + "; supply it in a factor file"))
            return None
        return FactorUse.of(found)

    def regions(self) -> tuple[str, ...]:
        return tuple(r for r in (self.inp.province, self.inp.agri_zone, self.inp.region) if r)
