"""Energy activities: fuel combustion CO₂, indirect emissions of net imported electricity and heat,
and the year's energy balance in tonnes of standard coal (both conversion methods)."""

from __future__ import annotations

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import ActivityRow, Problem
from tanfeng.accounting.factors import FactorSet, Resolved, grid_chain
from tanfeng.accounting.results import Context, EmissionLine, EnergyBalance, FactorUse
from tanfeng.accounting.vocab import FuelKind

C_TO_CO2 = 44.0 / 12.0
GJ_PER_TCE = 29.3076  # 7000 kcal/kgce, the definition of the standard-coal unit


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _row_ref(row: ActivityRow) -> str:
    return f"{row.sheet}!{row.row}"


def tce_of(ctx: Context, row: ActivityRow) -> tuple[float, str] | None:
    """Standard coal of one fuel row: its coefficient, or NCV ÷ 29.3076 GJ/tce when none is listed."""
    coef = ctx.find("tce_coef", row.item)
    if coef is not None:
        return row.amount * coef.factor.value, f"折标系数 {_fmt(coef.factor.value)} {coef.factor.unit}（{coef.factor.set_name}）"
    ncv = ctx.need("ncv", row.item, row)
    if ncv is None:
        return None
    return row.amount * ncv.value / GJ_PER_TCE, f"低位发热量 {_fmt(ncv.value)} {ncv.unit} ÷ 29.3076 GJ/tce"


CARBON_PARAMETERS: tuple[str, ...] = ("co2_ef", "carbon_content", "co2_ef_energy")
# what each carbon method needs besides itself: a kg CO₂/TJ factor already assumes its oxidation
NEEDS: dict[str, tuple[str, ...]] = {"co2_ef": (), "carbon_content": ("ncv", "oxidation"), "co2_ef_energy": ("ncv",)}
PARAMETER_ZH: dict[str, str] = {"ncv": "低位发热量", "carbon_content": "单位热值含碳量", "oxidation": "碳氧化率",
                                "co2_ef": "排放因子", "co2_ef_energy": "单位热值CO₂排放因子"}


def _chosen(ctx: Context, item: str) -> tuple[FactorSet, Resolved] | None:
    """The fuel's set: the first in precedence with a carbon parameter for it, and that parameter."""
    for fset in ctx.lib.sets:
        for param in CARBON_PARAMETERS:
            found = ctx.lib.resolve_in(fset, param, item)
            if found is not None:
                return fset, found
    return None


def _supplement(ctx: Context, chosen: FactorSet, param: str, item: str) -> Resolved | None:
    """A parameter for a line of ``chosen``: user files first (their own measurements), then the chosen set,
    then the fallback the user allowed; after a user's set, the shipped sets in precedence."""
    order = [s for s in ctx.lib.sets if s.user] + [chosen]
    if ctx.lib.fallback and (fb := ctx.lib.get(ctx.lib.fallback)) is not None:
        order.append(fb)
    if chosen.user:
        order += [s for s in ctx.lib.sets if not s.user]
    for fset in order:
        found = ctx.lib.resolve_in(fset, param, item)
        if found is not None:
            return found
    return None


def _missing(ctx: Context, row: ActivityRow, chosen: FactorSet, param: str) -> None:
    fuel = vocab.FUELS_BY_CODE[row.item]
    ctx.problems.append(Problem(
        row.sheet, row.row, None,
        f"{fuel.zh}（{row.item}）：因子集 {chosen.name} 缺少{PARAMETER_ZH[param]}（{param}），不混用其他因子集；"
        "请在自定义因子文件中提供，或用 --fallback 指定允许补充的因子集（如 --fallback ipcc2006）",
        f"{row.item}: factor set {chosen.name} has no {param}; sets are not mixed silently — supply it in a "
        "factor file or allow a named fallback (e.g. --fallback ipcc2006)"))


def combustion_line(ctx: Context, row: ActivityRow) -> EmissionLine | None:
    """CO₂ of burning one fossil fuel row, every parameter from the fuel's one chosen set.

    A parameter the chosen set lacks stops the computation, unless a user file or the allowed
    fallback supplies it; such a line carries a warning naming the sets it mixes.
    """
    fuel = vocab.FUELS_BY_CODE[row.item]
    picked = _chosen(ctx, row.item)
    if picked is None:
        ctx.need("carbon_content", row.item, row)
        return None
    chosen, carbon = picked
    method = carbon.factor.parameter
    used: dict[str, FactorUse] = {}
    for param in NEEDS[method]:
        found = _supplement(ctx, chosen, param, row.item)
        if found is None:
            _missing(ctx, row, chosen, param)
            return None
        used[param] = FactorUse.of(found)
    k = FactorUse.of(carbon)
    sector = vocab.term(vocab.SECTORS, row.category)
    if method == "co2_ef":
        co2 = row.amount * k.value
        factors: tuple[FactorUse, ...] = (k,)
        arith = f"{_fmt(row.amount)} {fuel.base_unit} × {_fmt(k.value)} tCO₂/{fuel.base_unit} = {_fmt(co2)} tCO₂"
    elif method == "carbon_content":
        ncv, ox = used["ncv"], used["oxidation"]
        co2 = row.amount * ncv.value / 1000.0 * k.value * ox.value * C_TO_CO2
        factors = (ncv, k, ox)
        arith = (f"{_fmt(row.amount)} {fuel.base_unit} × {_fmt(ncv.value)} GJ/{fuel.base_unit} ÷ 1000 × "
                 f"{_fmt(k.value)} tC/TJ × {_fmt(ox.value)} × 44/12 = {_fmt(co2)} tCO₂")
    else:
        ncv = used["ncv"]
        co2 = row.amount * ncv.value / 1000.0 * k.value / 1000.0
        factors = (ncv, k)
        arith = (f"{_fmt(row.amount)} {fuel.base_unit} × {_fmt(ncv.value)} GJ/{fuel.base_unit} ÷ 1000 × "
                 f"{_fmt(k.value)} kgCO₂/TJ ÷ 1000 = {_fmt(co2)} tCO₂（单位热值排放因子已含氧化，不另乘碳氧化率）")
    activity = f"{sector.zh} {fuel.zh} {row.entered}"
    warnings = tuple(
        f"{row.year}年 {activity}：{PARAMETER_ZH[u.parameter]}取自{u.factor_set}，"
        f"与{chosen.name}的{PARAMETER_ZH[method]}混用 / {u.parameter} from {u.factor_set} mixed with "
        f"{chosen.name}" for u in used.values() if u.factor_set != chosen.name)
    return EmissionLine(
        row.year, "energy", f"combustion.{row.category}", f"化石燃料燃烧-{sector.zh}", sector.ipcc, "CO2", "direct",
        co2, co2, activity, (_row_ref(row),), factors, arith, warnings=warnings)


def non_co2_lines(ctx: Context, row: ActivityRow) -> list[EmissionLine]:
    """CH₄ and N₂O of burning one fuel row, only where a factor set supplies kg/TJ factors.

    Factors are looked up for ``<fuel>.<sector>`` first (e.g. ``diesel.transport`` for mobile
    sources), then ``<fuel>``. None are shipped (the reference gives none); nothing is guessed.
    """
    out: list[EmissionLine] = []
    fuel = vocab.FUELS_BY_CODE[row.item]
    sector = vocab.term(vocab.SECTORS, row.category)
    for gas, param in (("CH4", "ch4_ef_energy"), ("N2O", "n2o_ef_energy")):
        found = ctx.find(param, f"{row.item}.{row.category}") or ctx.find(param, row.item)
        if found is None:
            continue
        ncv = ctx.need("ncv", row.item, row)
        if ncv is None:
            continue
        ef = FactorUse.of(found)
        tonnes = row.amount * ncv.value / 1000.0 * ef.value / 1000.0
        out.append(EmissionLine(
            row.year, "energy", f"combustion.{row.category}", f"化石燃料燃烧-{sector.zh}", sector.ipcc, gas, "direct",
            tonnes, tonnes * ctx.gwp_fossil[gas], f"{sector.zh} {fuel.zh} {row.entered}", (_row_ref(row),), (ncv, ef),
            f"{_fmt(row.amount)} {fuel.base_unit} × {_fmt(ncv.value)} GJ/{fuel.base_unit} ÷ 1000 × {_fmt(ef.value)} "
            f"kg/TJ ÷ 1000 = {_fmt(tonnes)} t{gas}"))
    return out


def energy_balance(ctx: Context, year: int, rows: list[ActivityRow]) -> EnergyBalance:
    """Energy totals (等价值 and 当量值) and the electricity balance of ``year``."""
    bal = EnergyBalance()
    annual = ctx.inp.annual.get(year)
    bal.coal_rate = annual.coal_rate if annual else None
    share = annual.import_nonfossil_share if annual and annual.import_nonfossil_share is not None else None
    bal.import_nonfossil_share = share or 0.0
    if share is None:
        bal.trace.append(f"{year}年未填“调入电力中非化石能源比重”，按0计 / import non-fossil share not given, taken as 0")
    for row in rows:
        if row.section == "generation":
            bal.generation_kwh[row.category] = bal.generation_kwh.get(row.category, 0.0) + row.amount
            continue
        if row.section != "energy":
            continue
        kind = vocab.FUELS_BY_CODE[row.item].kind
        if kind is FuelKind.electricity:
            bal.electricity_use_kwh += row.amount
            continue
        got = tce_of(ctx, row)
        if got is None:
            continue
        tce = got[0]
        if kind is FuelKind.fossil:
            bal.fossil_tce += tce
            if row.use == "feedstock":
                bal.feedstock_tce += tce
        elif kind is FuelKind.biomass:
            bal.biomass_tce += tce
        else:
            bal.heat_tce += tce
    _electricity(ctx, bal, year)
    return bal


def _electricity(ctx: Context, bal: EnergyBalance, year: int) -> None:
    """Electricity terms: net import = use − local generation; non-fossil part pro rata when exporting."""
    generation = sum(bal.generation_kwh.values())
    bal.nonfossil_generation_kwh = sum(v for k, v in bal.generation_kwh.items() if k != "thermal")
    bal.net_import_kwh = bal.electricity_use_kwh - generation
    cal = ctx.find("tce_coef", "electricity")
    cal_coef = cal.factor.value if cal else 0.0
    if cal is None:
        ctx.need("tce_coef", "electricity", None)
    bal.electricity_cal_tce_per_kwh = cal_coef
    rate = (bal.coal_rate or 0.0) / 1000.0  # kgce/kWh → tce/kWh
    primary_kwh = bal.nonfossil_generation_kwh + bal.net_import_kwh
    local_used = min(bal.electricity_use_kwh, generation)
    nf_local = local_used * (bal.nonfossil_generation_kwh / generation) if generation else 0.0
    nf_kwh = nf_local + max(bal.net_import_kwh, 0.0) * bal.import_nonfossil_share
    # renewable = non-fossil less nuclear; imported non-fossil electricity is counted as renewable (the
    # workbook gives one share for it)
    renewable_gen = bal.nonfossil_generation_kwh - bal.generation_kwh.get("nuclear", 0.0)
    bal.renewable_electricity_kwh = (local_used * (renewable_gen / generation) if generation else 0.0) + max(
        bal.net_import_kwh, 0.0) * bal.import_nonfossil_share
    bal.total_eq_tce = bal.fossil_tce + bal.biomass_tce + bal.heat_tce + primary_kwh * rate
    bal.total_cal_tce = bal.fossil_tce + bal.biomass_tce + bal.heat_tce + primary_kwh * cal_coef
    bal.nonfossil_eq_tce = bal.biomass_tce + nf_kwh * rate
    bal.nonfossil_cal_tce = bal.biomass_tce + nf_kwh * cal_coef
    bal.trace.extend([
        f"净调入电量 = 全社会用电量 {_fmt(bal.electricity_use_kwh)} kWh − 本地发电 {_fmt(generation)} kWh "
        f"= {_fmt(bal.net_import_kwh)} kWh",
        f"能源消费总量（等价值）= 化石 {_fmt(bal.fossil_tce)} + 生物质 {_fmt(bal.biomass_tce)} + 热力 "
        f"{_fmt(bal.heat_tce)} + (本地非化石发电 {_fmt(bal.nonfossil_generation_kwh)} + 净调入 "
        f"{_fmt(bal.net_import_kwh)}) kWh × {_fmt(rate)} tce/kWh = {_fmt(bal.total_eq_tce)} tce",
        f"能源消费总量（当量值）= … × {_fmt(cal_coef)} tce/kWh = {_fmt(bal.total_cal_tce)} tce",
        f"非化石能源（等价值）= 生物质 {_fmt(bal.biomass_tce)} + 非化石电量 {_fmt(nf_kwh)} kWh × {_fmt(rate)} "
        f"= {_fmt(bal.nonfossil_eq_tce)} tce",
    ])


def indirect_lines(ctx: Context, year: int, bal: EnergyBalance, rows: list[ActivityRow]) -> list[EmissionLine]:
    """Indirect CO₂ of net imported electricity (negative for a net exporter) and purchased heat."""
    lines: list[EmissionLine] = []
    inp = ctx.inp
    factor_year = inp.grid_factor_year or year
    elec_rows = tuple(_row_ref(r) for r in rows if r.section in {"energy", "generation"} and (
        r.section == "generation" or r.item == "electricity"))
    if elec_rows:
        anchor = next(r for r in rows if r.section in {"energy", "generation"})
        grid = ctx.need_current("grid_ef", "electricity", anchor, grid_chain(inp.grid_region), factor_year)
        if grid is not None:
            co2 = bal.net_import_kwh * grid.value / 1000.0
            lines.append(EmissionLine(
                year, "energy", "electricity.net_import", "电力调入调出间接排放", "", "CO2", "indirect", co2, co2,
                f"净调入电量 {_fmt(bal.net_import_kwh / 1e4)} 万千瓦时", elec_rows, (grid,),
                f"{_fmt(bal.net_import_kwh)} kWh × {_fmt(grid.value)} kgCO₂/kWh ÷ 1000 = {_fmt(co2)} tCO₂"))
    for row in rows:
        if row.section == "energy" and row.item == "heat":
            heat = ctx.need("heat_ef", "heat", row)
            if heat is None:
                continue
            co2 = row.amount * heat.value
            lines.append(EmissionLine(
                year, "energy", "heat.purchased", "外购热力间接排放", "", "CO2", "indirect", co2, co2,
                f"热力 {row.entered}", (_row_ref(row),), (heat,),
                f"{_fmt(row.amount)} GJ × {_fmt(heat.value)} tCO₂/GJ = {_fmt(co2)} tCO₂"))
    return lines
