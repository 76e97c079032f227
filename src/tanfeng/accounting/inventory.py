"""Compute a greenhouse-gas inventory from validated activity data.

>>> from tanfeng.accounting import read_inventory, compute          # doctest: +SKIP
>>> result = compute(read_inventory("活动水平-2024.xlsx"))           # doctest: +SKIP
>>> result.year(2024).totals()["gross_excl_lulucf_co2e"]            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import ActivityRow, InventoryInput, InventoryInputError, Problem
from tanfeng.accounting.energy import combustion_line, energy_balance, indirect_lines, non_co2_lines
from tanfeng.accounting.factors import EVIDENCE_KINDS, EVIDENCE_ZH, FactorLibrary, gwp, library
from tanfeng.accounting.results import Context, EmissionLine, InventoryResult, YearResult
from tanfeng.accounting.sectors import agriculture_lines, forest_lines, process_lines, waste_lines

DEFAULT_GWP = "AR5"


def compute(inp: InventoryInput, factors: FactorLibrary | Sequence[str | Path] | None = None,
            gwp_metric: str = DEFAULT_GWP, fallback: str | None = None) -> InventoryResult:
    """Compute every year of ``inp``.

    Parameters
    ----------
    inp : validated activity data (``read_inventory`` or ``validate``).
    factors : a ``FactorLibrary``, or built-in set names / user CSV paths to put on top of the defaults.
    gwp_metric : SAR, AR4, AR5 (default, as China's latest national reporting) or AR6.
    fallback : a built-in set allowed to fill combustion parameters a fuel's chosen set lacks (each
        such line then carries a warning); without it a missing parameter is an error.

    Raises ``InventoryInputError`` listing every missing factor; no partial result is returned.
    """
    lib = factors if isinstance(factors, FactorLibrary) else library(factors or (), fallback)
    gwp(gwp_metric, "CH4")  # fail early on an unknown metric
    ctx = Context(inp, lib, gwp_metric.upper())
    years: dict[int, YearResult] = {}
    for year in inp.years:
        rows = [r for r in inp.rows if r.year == year]
        result = YearResult(year)
        result.balance = energy_balance(ctx, year, rows)
        for row in rows:
            result.lines.extend(_row_lines(ctx, row))
        result.lines.extend(indirect_lines(ctx, year, result.balance, rows))
        result.lines = [replace(ln, gwp=ctx.gwp_metric) for ln in result.lines]
        years[year] = result
    if ctx.problems:
        raise InventoryInputError(inp.source, _dedupe(ctx.problems))
    out = InventoryResult(inp, ctx.gwp_metric, lib.names, years, fallback=lib.fallback)
    out.notes = _notes(inp, years) + _provenance_notes(out)
    return out


def _row_lines(ctx: Context, row: ActivityRow) -> list[EmissionLine]:
    if row.section == "energy":
        fuel = vocab.FUELS_BY_CODE[row.item]
        if fuel.kind is not vocab.FuelKind.fossil or row.use == "feedstock":
            return []  # electricity/heat are indirect; biomass CO₂ is biogenic; feedstock is not burnt
        line = combustion_line(ctx, row)
        return ([line] if line else []) + non_co2_lines(ctx, row)
    if row.section == "process":
        return process_lines(ctx, row)
    if row.section == "agriculture":
        return agriculture_lines(ctx, row)
    if row.section == "forest":
        return forest_lines(ctx, row)
    if row.section == "waste":
        return waste_lines(ctx, row)
    return []  # generation rows enter the electricity balance only


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for p in problems:
        key = str(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _notes(inp: InventoryInput, years: dict[int, YearResult]) -> list[str]:
    notes = []
    if inp.is_example:
        notes.append("示例数据：本清单由示例活动水平计算，不代表任何地区的实际排放 / illustrative data, not real figures")
    notes.append("生物质燃烧CO₂为生物成因，不计入排放总量 / biogenic CO₂ excluded")
    if not any(ln.sector == "energy" and ln.gas != "CO2" for yr in years.values() for ln in yr.lines):
        notes.append("燃料燃烧的CH₄、N₂O未计算（因子库未提供，可用自定义因子文件补充）/ combustion CH₄ and N₂O "
                     "not computed (no factors shipped; supply them in a factor file)")
    if inp.grid_factor_year:
        notes.append(f"电网排放因子各年统一采用{inp.grid_factor_year}年值（{inp.grid_region}） / grid factor of "
                     f"{inp.grid_factor_year} used for every year")
    for yr in years.values():
        fallbacks = {f.note for ln in yr.lines for f in ln.factors if f.note}
        notes.extend(f"{yr.year}: {n}" for n in sorted(fallbacks))
        notes.extend(f"{yr.year}: {t}" for t in yr.balance.trace if "未填" in t)
    return notes


def _provenance_notes(result: InventoryResult) -> list[str]:
    """Mixed-set warnings first, then how the factors used are backed (verified, evidence kinds)."""
    notes = [f"警告 / warning: {w}" for w in result.warnings]
    counts = result.evidence_counts()
    used = sum(counts.values())
    verified = len({(f.factor_set, f.parameter, f.item, f.region, f.year) for yr in result.years.values()
                    for ln in yr.lines for f in ln.factors if f.verified})
    kinds = "、".join(f"{EVIDENCE_ZH[k]}{counts[k]}个" for k in EVIDENCE_KINDS)
    notes.append(f"所用{used}个因子的依据：{kinds}；已核验（对照官方原文）{verified}个 / evidence of the {used} "
                 f"factors used: " + ", ".join(f"{k} {counts[k]}" for k in EVIDENCE_KINDS) + f"; verified {verified}")
    if verified < used:
        notes.append(f"{used - verified}个因子未对照官方原文核验，结果不得作为官方数据 / {used - verified} factors "
                     "are not verified against the official text; the result is not an official figure")
    return notes
