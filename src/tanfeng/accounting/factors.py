"""Factor library: emission factors and coefficients as data files with provenance.

A *factor set* is a CSV table plus a YAML sidecar (document, publisher, edition). Every row
carries its value, unit, table, a verified flag and the evidence behind it. A *library* is an
ordered stack of sets: the first set that has a factor wins, so a user's own file (a
province's factors, a plant's measured NCV) placed on top overrides the shipped defaults.
Values are converted on load to the canonical unit of their parameter (see ``CANONICAL``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import pint
import yaml

from tanfeng.accounting.vocab import FUELS_BY_CODE
from tanfeng.errors import TanfengError
from tanfeng.units import registry, to_pint

# Canonical unit per parameter; "{base}" is the fuel's base unit (t, 10^4 m³, kWh, GJ).
CANONICAL: dict[str, str] = {
    "tce_coef": "tce / ({base})",
    "ncv": "GJ / ({base})",
    "co2_ef": "t / ({base})",
    "carbon_content": "t / TJ",
    "co2_ef_energy": "kg / TJ",
    "ch4_ef_energy": "kg / TJ",
    "n2o_ef_energy": "kg / TJ",
    "oxidation": "",
    "grid_ef": "kg / kWh",
    "heat_ef": "t / GJ",
    "co2_per_cao": "t / t",
    "clinker_cao_fraction": "",
    "ckd_correction": "",
    "process_co2_ef": "t / t",
    "cullet_ratio": "",
    "rice_ch4_ef": "kg / hectare",
    "enteric_ch4_ef": "kg / head",
    "manure_ch4_ef": "kg / head",
    "manure_n2o_ef": "kg / head",
    "fertiliser_n2o_ef": "",
    "svd": "t / m ** 3",
    "bef": "",
    "root_shoot": "",
    "carbon_fraction": "",
    "mcf": "",
    "doc": "",
    "docf": "",
    "methane_fraction": "",
    "landfill_oxidation": "",
    "msw_carbon_fraction": "",
    "msw_fossil_fraction": "",
    "incineration_oxidation": "",
    "bo": "kg / kg",
    "wastewater_mcf": "",
    "protein_n_fraction": "kg / kg",
    "non_consumed_factor": "",
    "co_discharge_factor": "",
    "effluent_n2o_ef": "",
}

# Default precedence of the shipped sets (first wins); user files and sets named with --factors go on top.
BUILTIN_SETS: tuple[str, ...] = (
    "cn_enterprise_2015", "cn_provincial_2025", "gbt2589_2020", "mee_nbs_grid", "cn_provincial_2011", "ipcc2006",
)
# The evidence behind a row: the official document text was read (only then verified=true), a named public
# third-party copy matches the value, or none of either.
EVIDENCE_KINDS: tuple[str, ...] = ("official", "copy", "none")
EVIDENCE_ZH: dict[str, str] = {"official": "官方文件原文", "copy": "公开第三方转录", "none": "无可核对依据"}
WILDCARD = "*"
_COLUMNS = ("parameter", "item", "value")


class FactorFileError(TanfengError):
    """A factor file is unreadable or a row is invalid."""

    def __init__(self, path: str, row: int | None, column: str | None, reason_zh: str, reason_en: str) -> None:
        where = f"{path}" + (f" 第{row}行" if row else "") + (f" 列“{column}”" if column else "")
        where_en = f"{path}" + (f" row {row}" if row else "") + (f" column '{column}'" if column else "")
        super().__init__(f"{where}: {reason_zh} / {where_en}: {reason_en}")


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor with its provenance. ``value`` is in the canonical unit of ``parameter``."""

    parameter: str
    item: str
    value: float
    unit: str  # canonical unit (pint expression, "" = dimensionless)
    set_name: str
    source: str  # document
    table: str
    edition: str
    verified: bool
    evidence: str = "none"  # one of EVIDENCE_KINDS
    evidence_ref: str = ""  # the document or the named copy the evidence is
    region: str = ""
    year: int | None = None
    note: str = ""
    original: str = ""  # value and unit as written in the file

    def cite(self) -> str:
        """Short citation: document, table, edition and verification state."""
        mark = "已核验" if self.verified else "未核验"
        return f"{self.source} {self.table}（{self.edition}版，{mark}）"


@dataclass(slots=True)
class FactorSet:
    name: str
    title: str
    document: str
    edition: str
    user: bool = False  # a user's own file (overrides parameter by parameter)
    factors: list[Factor] = field(default_factory=list)
    _index: dict[tuple[str, str], list[Factor]] = field(default_factory=dict, repr=False)

    def add(self, factor: Factor) -> None:
        self.factors.append(factor)
        self._index.setdefault((factor.parameter, factor.item), []).append(factor)

    def candidates(self, parameter: str, item: str) -> list[Factor]:
        return self._index.get((parameter, item)) or self._index.get((parameter, WILDCARD)) or []


@dataclass(frozen=True, slots=True)
class Resolved:
    """A factor found for a query, with a note when it was not an exact match (e.g. year fallback)."""

    factor: Factor
    note: str = ""


def canonical_unit(parameter: str, item: str) -> str:
    """The canonical pint unit of ``parameter`` for ``item`` (fuel-dependent for some)."""
    template = CANONICAL[parameter]
    if "{base}" not in template:
        return template
    fuel = FUELS_BY_CODE.get(item)
    return template.format(base=fuel.base_unit if fuel else "t")


@lru_cache(maxsize=4096)
def conversion(from_unit: str, to_unit: str) -> float:
    """Multiplier taking a value in ``from_unit`` to ``to_unit``; raises on incompatible units."""
    ureg = registry()
    src: pint.Quantity = ureg.Quantity(to_pint(from_unit) or "1")
    dst: pint.Quantity = ureg.Quantity(to_pint(to_unit) or "1")
    return float(src.to(dst.units).magnitude / dst.magnitude)


class FactorLibrary:
    """An ordered stack of factor sets plus a GWP table."""

    def __init__(self, sets: Sequence[FactorSet], fallback: str | None = None) -> None:
        self.sets = list(sets)
        self.fallback = fallback  # a set the user allows to fill parameters the chosen set lacks

    def get(self, name: str) -> FactorSet | None:
        return next((s for s in self.sets if s.name == name), None)

    def resolve_in(self, fset: FactorSet, parameter: str, item: str, regions: Sequence[str] = (),
                   year: int | None = None) -> Resolved | None:
        """The factor for (parameter, item) in one set only."""
        return _pick(fset.candidates(parameter, item), regions, year)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sets]

    def resolve(self, parameter: str, item: str, regions: Sequence[str] = (),
                year: int | None = None) -> Resolved | None:
        """The first factor for (parameter, item) in stack order, preferring the given regions in order.

        Rows without a region match any region. Year-specific rows match the year exactly, else the
        latest earlier year (with a note saying so).
        """
        for fset in self.sets:
            found = _pick(fset.candidates(parameter, item), regions, year)
            if found is not None:
                return found
        return None

    def resolve_current(self, parameter: str, item: str, regions: Sequence[str], year: int) -> Resolved | None:
        """Like ``resolve`` but the year comes first: the narrowest region with a factor *of that year*,
        then the latest earlier year (narrowest region first). A wider region or an earlier year is noted."""
        for fset in self.sets:
            cands = fset.candidates(parameter, item)
            for region in regions:
                exact = [f for f in cands if f.region == region and f.year == year]
                if exact:
                    note = "" if region == regions[0] else (
                        f"{regions[0]}无{year}年因子，采用{region}{year}年因子 / no {year} factor for {regions[0]}, "
                        f"{region} {year} used")
                    return Resolved(exact[0], note)
            found = _pick(cands, regions, year)
            if found is not None:
                return found
        return None

    def all_factors(self) -> Iterable[Factor]:
        for fset in self.sets:
            yield from fset.factors


def _pick(cands: list[Factor], regions: Sequence[str], year: int | None) -> Resolved | None:
    if not cands:
        return None
    for region in (*regions, ""):
        pool = [f for f in cands if f.region == region]
        if not pool:
            continue
        undated = [f for f in pool if f.year is None]
        if undated:
            return Resolved(undated[0])
        if year is None:
            continue
        exact = [f for f in pool if f.year == year]
        if exact:
            return Resolved(exact[0])
        earlier = sorted((f for f in pool if f.year is not None and f.year < year), key=lambda f: f.year or 0)
        if earlier:
            f = earlier[-1]
            return Resolved(f, f"{year}年无因子，采用{f.year}年 / no {year} factor, {f.year} used")
    return None


def _builtin_text(name: str, suffix: str) -> str:
    return resources.files("tanfeng").joinpath(f"data/factors/{name}.{suffix}").read_text(encoding="utf-8")


def load_builtin(name: str) -> FactorSet:
    """Load one of the shipped sets (see ``BUILTIN_SETS``)."""
    if name not in BUILTIN_SETS:
        raise FactorFileError(name, None, None, f"未知因子集（可选：{'、'.join(BUILTIN_SETS)}）",
                              f"unknown factor set (choose from {', '.join(BUILTIN_SETS)})")
    meta = yaml.safe_load(_builtin_text(name, "yaml")) or {}
    return parse_set(_builtin_text(name, "csv"), f"{name}.csv", meta)


def load_file(path: str | Path) -> FactorSet:
    """Load a user factor file (CSV, optional YAML sidecar next to it with the same stem)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise FactorFileError(str(p), None, None, "无法读取因子文件", f"cannot read factor file ({err})") from err
    sidecar = p.with_suffix(".yaml")
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
    meta = meta or {}
    meta.setdefault("name", p.stem)
    meta.setdefault("document", f"用户因子文件 {p.name}")
    meta.setdefault("edition", "user")
    fset = parse_set(text, str(p), meta)
    fset.user = True
    return fset


def parse_set(text: str, label: str, meta: dict[str, object]) -> FactorSet:
    """Parse a factor CSV; every invalid row raises ``FactorFileError`` naming row and column."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FactorFileError(label, 1, missing[0], "缺少必需列", "required column missing")
    fset = FactorSet(str(meta.get("name", label)), str(meta.get("title_zh", "")),
                     str(meta.get("document", label)), str(meta.get("edition", "")))
    for rowno, row in enumerate(reader, start=2):
        fset.add(_parse_row(row, rowno, label, fset))
    return fset


def _parse_row(row: dict[str, str], rowno: int, label: str, fset: FactorSet) -> Factor:
    param = (row.get("parameter") or "").strip()
    item = (row.get("item") or "").strip()
    if param not in CANONICAL:
        raise FactorFileError(label, rowno, "parameter", f"未知参数“{param}”", f"unknown parameter '{param}'")
    if not item:
        raise FactorFileError(label, rowno, "item", "项目为空", "item is empty")
    try:
        value = float(row["value"])
    except (TypeError, ValueError) as err:
        raise FactorFileError(label, rowno, "value", f"数值无效“{row.get('value')}”",
                              f"invalid number '{row.get('value')}'") from err
    unit = (row.get("unit") or "").strip()
    target = canonical_unit(param, item)
    try:
        factor = conversion(unit, target)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as err:
        raise FactorFileError(label, rowno, "unit", f"单位“{unit}”无法换算为“{target or '无量纲'}”",
                              f"unit '{unit}' does not convert to '{target or 'dimensionless'}'") from err
    year_text = (row.get("year") or "").strip()
    try:
        year = int(year_text) if year_text else None
    except ValueError as err:
        raise FactorFileError(label, rowno, "year", f"年份无效“{year_text}”", f"invalid year '{year_text}'") from err
    verified = (row.get("verified") or "").strip().lower() in {"true", "1", "yes", "是"}
    evidence = (row.get("evidence") or "").strip() or ("official" if verified else "none")
    if evidence not in EVIDENCE_KINDS:
        raise FactorFileError(label, rowno, "evidence", f"依据类型“{evidence}”无效（可选 {'/'.join(EVIDENCE_KINDS)}）",
                              f"invalid evidence kind '{evidence}' (choose {'/'.join(EVIDENCE_KINDS)})")
    if verified and evidence != "official":
        raise FactorFileError(label, rowno, "verified", "仅当依据为官方文件原文（official）时才能标为已核验",
                              "verified=true needs evidence=official (the document text itself)")
    return Factor(
        parameter=param, item=item, value=value * factor, unit=target, set_name=fset.name,
        source=(row.get("source") or "").strip() or fset.document, table=(row.get("table") or "").strip(),
        edition=fset.edition, verified=verified, evidence=evidence, evidence_ref=(row.get("evidence_ref") or "").strip(),
        region=(row.get("region") or "").strip(), year=year, note=(row.get("note") or "").strip(),
        original=f"{row['value']} {unit}".strip(),
    )


def library(stack: Sequence[str | Path] = (), fallback: str | None = None) -> FactorLibrary:
    """A library: the given sets or files on top (first wins), then every built-in set.

    Each entry of ``stack`` is a built-in set name or a path to a user CSV file. ``fallback`` names a
    built-in set allowed to fill a combustion parameter the fuel's chosen set lacks (each such line
    is then reported as mixing sets); without it a missing parameter stops the computation.
    """
    if fallback is not None and fallback not in BUILTIN_SETS:
        raise FactorFileError(fallback, None, None, f"未知的后备因子集（可选：{'、'.join(BUILTIN_SETS)}）",
                              f"unknown fallback set (choose from {', '.join(BUILTIN_SETS)})")
    sets: list[FactorSet] = []
    for entry in stack:
        name = str(entry)
        sets.append(load_builtin(name) if name in BUILTIN_SETS else load_file(entry))
    chosen = {s.name for s in sets}
    sets.extend(_cached_builtin(n) for n in BUILTIN_SETS if n not in chosen)
    return FactorLibrary(sets, fallback)


@cache
def _cached_builtin(name: str) -> FactorSet:
    return load_builtin(name)


@dataclass(frozen=True, slots=True)
class Gwp:
    metric: str
    gas: str
    value: float
    verified: bool
    evidence: str
    source: str
    evidence_ref: str = ""


GWP_METRICS: tuple[str, ...] = ("SAR", "AR4", "AR5", "AR6")


@lru_cache(maxsize=1)
def gwp_table() -> dict[tuple[str, str], Gwp]:
    """All GWP-100 values keyed by (metric, gas)."""
    out: dict[tuple[str, str], Gwp] = {}
    for row in csv.DictReader(io.StringIO(_builtin_text("gwp", "csv"))):
        g = Gwp(row["metric"], row["gas"], float(row["value"]), row["verified"].lower() == "true",
                row["evidence"], row["source"], row.get("evidence_ref", ""))
        out[(g.metric, g.gas)] = g
    return out


def gwp(metric: str, gas: str, fossil: bool = False) -> Gwp:
    """The GWP-100 of ``gas`` under ``metric`` (SAR, AR4, AR5, AR6).

    Where the metric splits CH₄ by origin (AR6), ``fossil`` picks ``CH4_fossil`` (fuel combustion,
    fugitive) over ``CH4`` (non-fossil: rice, livestock, waste).
    """
    table = gwp_table()
    if fossil and (metric.upper(), f"{gas}_fossil") in table:
        return table[(metric.upper(), f"{gas}_fossil")]
    try:
        return table[(metric.upper(), gas)]
    except KeyError as err:
        raise FactorFileError("gwp.csv", None, None, f"无GWP值：{metric} {gas}（可选 {'/'.join(GWP_METRICS)}）",
                              f"no GWP for {metric} {gas} (choose {'/'.join(GWP_METRICS)})") from err


@lru_cache(maxsize=1)
def _grid_of_province() -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(_builtin_text("grid_regions", "csv")))
    return {r["province"]: r["grid"] for r in rows}


def grid_chain(region: str) -> tuple[str, ...]:
    """Regions to look a grid factor up in, narrowest first: a province, its regional grid, the nation."""
    chain = [region] if region else []
    grid = _grid_of_province().get(region)
    if grid:
        chain.append(grid)
    if "全国" not in chain:
        chain.append("全国")
    return tuple(chain)
