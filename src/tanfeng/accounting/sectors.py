"""Non-energy sectors: industrial processes, agriculture, forestry (sink) and waste.

Each function turns one validated activity row into emission lines, with every factor used and
the arithmetic written out. Missing factors are collected on the context (nothing is guessed).
"""

from __future__ import annotations

from collections.abc import Callable

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import ActivityRow
from tanfeng.accounting.results import Context, EmissionLine, FactorUse

C_TO_CO2 = 44.0 / 12.0
N2O_N_TO_N2O = 44.0 / 28.0
C_TO_CH4 = 16.0 / 12.0


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _line(ctx: Context, row: ActivityRow, sector: str, term: vocab.Term, gas: str, amount_t: float,
          factors: tuple[FactorUse, ...], arith: str, zh: str | None = None) -> EmissionLine:
    co2e = amount_t * ctx.gwp[gas]
    code = term.code if not row.item or row.item == term.code else f"{term.code}.{row.item}"
    return EmissionLine(row.year, sector, code, zh or term.zh, term.ipcc, gas, "direct", amount_t, co2e,
                        f"{zh or term.zh} {row.entered}", (f"{row.sheet}!{row.row}",), factors, arith)


def _all(*uses: FactorUse | None) -> tuple[FactorUse, ...] | None:
    return None if any(u is None for u in uses) else tuple(u for u in uses if u is not None)


def process_lines(ctx: Context, row: ActivityRow) -> list[EmissionLine]:
    cat = row.category
    term = next((t for t in vocab.PROCESSES if t.code == cat), vocab.Term(cat, cat, cat, "2"))
    if cat == "cement_clinker":
        fs = _all(ctx.need("clinker_cao_fraction", cat, row), ctx.need("co2_per_cao", cat, row),
                  ctx.need("ckd_correction", cat, row))
        if fs is None:
            return []
        co2 = row.amount * fs[0].value * fs[1].value * fs[2].value
        arith = (f"{_fmt(row.amount)} t × CaO {_fmt(fs[0].value)} × {_fmt(fs[1].value)} tCO₂/tCaO × CKD "
                 f"{_fmt(fs[2].value)} = {_fmt(co2)} tCO₂")
    elif cat == "glass":
        fs = _all(ctx.need("process_co2_ef", cat, row), ctx.need("cullet_ratio", cat, row))
        if fs is None:
            return []
        co2 = row.amount * fs[0].value * (1 - fs[1].value)
        arith = f"{_fmt(row.amount)} t × {_fmt(fs[0].value)} tCO₂/t × (1 − 碎玻璃比例 {_fmt(fs[1].value)}) = {_fmt(co2)} tCO₂"
    else:
        ef = ctx.need("process_co2_ef", cat, row)
        if ef is None:
            return []
        fs = (ef,)
        co2 = row.amount * ef.value
        arith = f"{_fmt(row.amount)} t × {_fmt(ef.value)} tCO₂/t = {_fmt(co2)} tCO₂"
    return [_line(ctx, row, "ippu", term, "CO2", co2, fs, arith)]


_AGRI_PARAM = {"rice": ("rice_ch4_ef", "CH4"), "enteric": ("enteric_ch4_ef", "CH4"),
               "manure_ch4": ("manure_ch4_ef", "CH4"), "manure_n2o": ("manure_n2o_ef", "N2O")}


def agriculture_lines(ctx: Context, row: ActivityRow) -> list[EmissionLine]:
    term = vocab.term(vocab.AGRICULTURE, row.category)
    sub = vocab.zh_name(vocab.AGRI_SUBTYPES, row.item)
    zh = f"{term.zh}-{sub}"
    if row.category == "fertiliser":
        ef = ctx.need("fertiliser_n2o_ef", row.item, row, ctx.regions())
        if ef is None:
            return []
        n2o = row.amount * ef.value * N2O_N_TO_N2O
        arith = f"{_fmt(row.amount)} tN × {_fmt(ef.value)} kgN₂O-N/kgN × 44/28 = {_fmt(n2o)} tN₂O"
        return [_line(ctx, row, "agriculture", term, "N2O", n2o, (ef,), arith, zh)]
    param, gas = _AGRI_PARAM[row.category]
    ef = ctx.need(param, row.item, row, ctx.regions())
    if ef is None:
        return []
    per = "ha" if row.category == "rice" else "头"
    amount = row.amount * ef.value / 1000.0
    arith = f"{_fmt(row.amount)} {per} × {_fmt(ef.value)} kg/{per} ÷ 1000 = {_fmt(amount)} t{gas}"
    return [_line(ctx, row, "agriculture", term, gas, amount, (ef,), arith, zh)]


def forest_lines(ctx: Context, row: ActivityRow) -> list[EmissionLine]:
    """Forest carbon stock change: (V × GR − H) × SVD × BEF × (1 + R) × CF × 44/12, reported as −CO₂ (a sink)."""
    term = vocab.term(vocab.FOREST_TYPES, row.category)
    fs = _all(ctx.need("svd", row.category, row), ctx.need("bef", row.category, row),
              ctx.need("root_shoot", row.category, row), ctx.need("carbon_fraction", row.category, row))
    if fs is None:
        return []
    svd, bef, r, cf = (f.value for f in fs)
    growth = row.amount * (row.growth_rate or 0.0)
    harvest = row.harvest or 0.0
    carbon = (growth - harvest) * svd * bef * (1 + r) * cf
    co2 = -carbon * C_TO_CO2
    arith = (f"−({_fmt(row.amount)} m³ × 生长率 {_fmt(row.growth_rate or 0.0)} − 消耗 {_fmt(harvest)} m³) × "
             f"{_fmt(svd)} t/m³ × {_fmt(bef)} × (1 + {_fmt(r)}) × {_fmt(cf)} × 44/12 = {_fmt(co2)} tCO₂")
    return [_line(ctx, row, "lulucf", term, "CO2", co2, fs, arith, f"森林碳储量变化-{term.zh}")]


def _landfill(ctx: Context, row: ActivityRow, term: vocab.Term) -> list[EmissionLine]:
    fs = _all(ctx.need("mcf", row.item, row), ctx.need("doc", "landfill", row, ctx.regions()),
              ctx.need("docf", "landfill", row), ctx.need("methane_fraction", "landfill", row),
              ctx.need("landfill_oxidation", row.item, row))
    if fs is None:
        return []
    mcf, doc, docf, f, ox = (x.value for x in fs)
    ch4 = row.amount * mcf * doc * docf * f * C_TO_CH4 * (1 - ox)
    arith = (f"{_fmt(row.amount)} t × MCF {_fmt(mcf)} × DOC {_fmt(doc)} × DOCf {_fmt(docf)} × F {_fmt(f)} × 16/12 × "
             f"(1 − OX {_fmt(ox)}) = {_fmt(ch4)} tCH₄")
    return [_line(ctx, row, "waste", term, "CH4", ch4, fs, arith)]


def _incineration(ctx: Context, row: ActivityRow, term: vocab.Term) -> list[EmissionLine]:
    fs = _all(ctx.need("msw_carbon_fraction", "incineration", row),
              ctx.need("msw_fossil_fraction", "incineration", row),
              ctx.need("incineration_oxidation", "incineration", row))
    if fs is None:
        return []
    cf, fcf, of = (x.value for x in fs)
    co2 = row.amount * cf * fcf * of * C_TO_CO2
    arith = f"{_fmt(row.amount)} t × CF {_fmt(cf)} × FCF {_fmt(fcf)} × OF {_fmt(of)} × 44/12 = {_fmt(co2)} tCO₂"
    return [_line(ctx, row, "waste", term, "CO2", co2, fs, arith)]


def _wastewater_ch4(ctx: Context, row: ActivityRow, term: vocab.Term) -> list[EmissionLine]:
    fs = _all(ctx.need("bo", row.item, row), ctx.need("wastewater_mcf", row.item, row, ctx.regions()))
    if fs is None:
        return []
    ch4 = row.amount * fs[0].value * fs[1].value
    arith = f"{_fmt(row.amount)} t × Bo {_fmt(fs[0].value)} × MCF {_fmt(fs[1].value)} = {_fmt(ch4)} tCH₄"
    return [_line(ctx, row, "waste", term, "CH4", ch4, fs, arith)]


def _wastewater_n2o(ctx: Context, row: ActivityRow, term: vocab.Term) -> list[EmissionLine]:
    fs = _all(ctx.need("protein_n_fraction", row.item, row), ctx.need("non_consumed_factor", row.item, row),
              ctx.need("co_discharge_factor", row.item, row), ctx.need("effluent_n2o_ef", row.item, row))
    if fs is None:
        return []
    fnpr, fnon, find, ef = (x.value for x in fs)
    n2o = row.amount * fnpr * fnon * find * ef * N2O_N_TO_N2O
    arith = (f"{_fmt(row.amount)} t蛋白质 × {_fmt(fnpr)} × {_fmt(fnon)} × {_fmt(find)} × EF {_fmt(ef)} × 44/28 "
             f"= {_fmt(n2o)} tN₂O")
    return [_line(ctx, row, "waste", term, "N2O", n2o, fs, arith)]


_WASTE: dict[str, Callable[[Context, ActivityRow, vocab.Term], list[EmissionLine]]] = {
    "landfill": _landfill, "incineration": _incineration,
    "wastewater_ch4": _wastewater_ch4, "wastewater_n2o": _wastewater_n2o,
}


def waste_lines(ctx: Context, row: ActivityRow) -> list[EmissionLine]:
    return _WASTE[row.category](ctx, row, vocab.term(vocab.WASTE, row.category))
