"""Each formula against a worked example computed by hand (arithmetic written out in the test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tanfeng.accounting import IndicatorOptions, InventoryInput, InventoryInputError, compute, indicators
from tanfeng.accounting.indicators import ElectricityMethod

Make = Callable[..., InventoryInput]


def _one(make: Make, body: str, **kw: object) -> tuple[float, object]:
    result = compute(make(body), **kw)  # type: ignore[arg-type]
    lines = result.year(2020).lines
    assert len(lines) == 1, lines
    return lines[0].emission_t, lines[0]


def test_diesel_combustion_carbon_content_method(make_input: Make) -> None:
    # 1000 t diesel: 1000 t × 42.652 GJ/t = 42.652 TJ; × 20.2 tC/TJ = 861.5704 tC;
    # × oxidation 0.98 = 844.339 tC; × 44/12 = 3095.91 tCO2
    co2, line = _one(make_input, "能源消费,交通运输,柴油,2020,1000,吨,燃料,,,")
    assert co2 == pytest.approx(42.652 * 20.2 * 0.98 * 44 / 12, rel=1e-9)
    assert co2 == pytest.approx(3095.91, abs=0.01)
    assert line.ipcc == "1.A.3"  # type: ignore[attr-defined]
    assert {f.parameter for f in line.factors} == {"ncv", "carbon_content", "oxidation"}  # type: ignore[attr-defined]
    assert "44/12" in line.arithmetic  # type: ignore[attr-defined]


def test_natural_gas_in_wan_cubic_metres(make_input: Make) -> None:
    # 100 万m³ = 100 × 10^4 m³; 100 × 389.31 GJ/10^4m³ = 38931 GJ = 38.931 TJ;
    # × 15.3 tC/TJ × 0.99 × 44/12 = 2162.28 tCO2 (the reference's 21.62 t per 10^4 m³)
    co2, _ = _one(make_input, "能源消费,居民生活,天然气,2020,100,万立方米,燃料,,,")
    assert co2 == pytest.approx(38.931 * 15.3 * 0.99 * 44 / 12, rel=1e-9)
    # the same gas entered in m³ gives the same result (unit conversion through pint)
    co2_m3, _ = _one(make_input, "能源消费,居民生活,天然气,2020,1000000,立方米,燃料,,,")
    assert co2_m3 == pytest.approx(co2)


def test_ipcc_set_on_top_switches_to_emission_factor_method(make_input: Make) -> None:
    body = "能源消费,交通运输,柴油,2020,1000,吨,燃料,,,"
    # ipcc2006 first: diesel's set is ipcc2006 (74100 kgCO2/TJ), which has no heating value: the run stops
    with pytest.raises(InventoryInputError, match="ipcc2006 缺少低位发热量"):
        compute(make_input(body), ["ipcc2006"])
    # allowed to take the heating value from the enterprise set: 1000 t × 42.652 GJ/t = 42.652 TJ
    # × 74100 kgCO2/TJ = 3160513.2 kg = 3160.5132 tCO2 — no oxidation rate applied (the factor assumes it)
    co2, line = _one(make_input, body, factors=["ipcc2006"], fallback="cn_enterprise_2015")
    assert co2 == pytest.approx(3160.5132, abs=1e-6)
    assert [f.factor_set for f in line.factors] == ["cn_enterprise_2015", "ipcc2006"]  # type: ignore[attr-defined]
    assert len(line.warnings) == 1 and "低位发热量取自cn_enterprise_2015" in line.warnings[0]  # type: ignore[attr-defined]


def test_feedstock_counts_as_energy_but_not_combustion(make_input: Make) -> None:
    result = compute(make_input("能源消费,工业和建筑业,天然气,2020,100,万立方米,原料,,,"))
    yr = result.year(2020)
    assert yr.lines == []
    # 100 × 10^4 m³ × 12.143 tce/10^4m³ (1.2143 kgce/m³) = 1214.3 tce
    assert yr.balance.feedstock_tce == pytest.approx(1214.3)
    assert yr.balance.total_eq_tce == pytest.approx(1214.3)


def test_electricity_balance_indirect_emission_and_energy_totals(make_input: Make) -> None:
    body = """
能源消费,工业和建筑业,电力,2020,10000,万千瓦时,燃料,,,
本地发电,水电,,2020,4000,万千瓦时,,,,
基本信息,电网排放因子年份,2021,,,,,,,
"""
    result = compute(make_input(body))
    yr = result.year(2020)
    # net import = 1e8 kWh − 4e7 kWh = 6e7 kWh
    assert yr.balance.net_import_kwh == pytest.approx(6e7)
    # indirect CO2 = 6e7 kWh × 0.5835 kg/kWh (Jiangxi, 2021 factor as set) ÷ 1000 = 35010 t
    assert yr.total(scope="indirect") == pytest.approx(35010)
    assert yr.totals()["energy_co2_direct"] == 0
    # 等价值: (4e7 hydro + 6e7 import) kWh × 300 gce/kWh = 1e8 × 0.0003 tce = 30000 tce
    assert yr.balance.total_eq_tce == pytest.approx(30000)
    # 当量值: 1e8 kWh × 0.1229 kgce/kWh = 12290 tce
    assert yr.balance.total_cal_tce == pytest.approx(12290)
    # non-fossil (等价值): all local generation used locally: 4e7 × 0.0003 = 12000 tce
    assert yr.balance.nonfossil_eq_tce == pytest.approx(12000)


def test_grid_factor_year_and_fallback(make_input: Make) -> None:
    meta_2024 = """基本信息,基准年,2024,,,,,,,
基本信息,电网排放因子区域,江西,,,,,,,
年度数据,地区生产总值（可比价）,,2024,100,亿元,,,,
年度数据,火电发电煤耗,,2024,300,克标准煤/千瓦时,,,,"""
    result = compute(make_input("能源消费,服务业,电力,2024,1000,万千瓦时,燃料,,,", meta=meta_2024))
    line = result.year(2024).lines[0]
    # no 2024 factor for 江西: the latest earlier one (2023, 0.5836) is used and said so
    assert line.factors[0].year == 2023
    assert "2023" in line.factors[0].note
    # 1e7 kWh × 0.5836 kg/kWh ÷ 1000 = 5836 tCO2
    assert line.emission_t == pytest.approx(5836)
    assert line.scope == "indirect"


def test_net_exporter_has_negative_indirect_and_pro_rata_non_fossil(make_input: Make) -> None:
    body = """
能源消费,居民生活,电力,2020,1000,万千瓦时,燃料,,,
本地发电,水电,,2020,3000,万千瓦时,,,,
基本信息,电网排放因子年份,2021,,,,,,,
"""
    yr = compute(make_input(body)).year(2020)
    # net import = 1e7 − 3e7 = −2e7 kWh; × 0.5835 (Jiangxi 2021) ÷ 1000 = −11670 tCO2
    assert yr.total(scope="indirect") == pytest.approx(-11670)
    # 等价值 total = (3e7 − 2e7) × 0.0003 = 3000 tce; non-fossil = min(1e7, 3e7) × 1.0 × 0.0003 = 3000 tce
    assert yr.balance.total_eq_tce == pytest.approx(3000)
    assert yr.balance.nonfossil_eq_tce == pytest.approx(3000)


def test_cement_clinker(make_input: Make) -> None:
    # 10000 t clinker × CaO 0.65 × 0.7848 tCO2/tCaO × CKD 1.02 = 5203.22 tCO2
    co2, _ = _one(make_input, "工业过程,水泥熟料,,2020,1,万吨,,,,")
    assert co2 == pytest.approx(10000 * 0.65 * 0.7848 * 1.02)


def test_lime_generic_factor(make_input: Make) -> None:
    co2, _ = _one(make_input, "工业过程,石灰,,2020,2000,吨,,,,")
    assert co2 == pytest.approx(2000 * 0.768)  # 1536 tCO2


def test_rice_by_region(make_input: Make) -> None:
    # 1000 ha double-crop late rice, 华东: 1000 × 224.0 kg/ha = 224000 kg = 224 tCH4; × GWP AR5 28 = 6272 tCO2e
    ch4, line = _one(make_input, "农业,稻田,双季晚稻,2020,1000,公顷,,,,")
    assert ch4 == pytest.approx(224.0)
    assert line.co2e_t == pytest.approx(224.0 * 28)  # type: ignore[attr-defined]
    # 1.5 万亩 = 15000 亩 × 666.67 m² = 1e7 m² = 1000 ha: the same area, the same emission
    ch4_mu, _ = _one(make_input, "农业,稻田,双季晚稻,2020,1.5,万亩,,,,")
    assert ch4_mu == pytest.approx(224.0)


def test_enteric_and_gwp_choice(make_input: Make) -> None:
    # 1 万头 non-dairy cattle (household) × 67.9 kg = 679 tCH4; SAR GWP 21 → 14259 tCO2e
    result = compute(make_input("农业,肠道发酵,非奶牛（农户散养）,2020,1,万头,,,,"), gwp_metric="SAR")
    line = result.year(2020).lines[0]
    assert line.emission_t == pytest.approx(679.0)
    assert line.co2e_t == pytest.approx(679.0 * 21)
    assert result.gwp_metric == "SAR"


def test_fertiliser_n2o_uses_provincial_factor(make_input: Make) -> None:
    # 1000 tN × 0.0109 kgN2O-N/kgN × 44/28 = 17.1286 tN2O (Jiangxi factor before the IPCC 0.01)
    n2o, line = _one(make_input, "农业,农用地氮肥,化肥氮（折纯）,2020,1000,吨,,,,")
    assert n2o == pytest.approx(1000 * 0.0109 * 44 / 28)
    assert line.factors[0].region == "江西"  # type: ignore[attr-defined]


def test_forest_sink_is_negative(make_input: Make) -> None:
    # Chinese fir: growth 1e6 m³ × 5% = 50000 m³, harvest 20000 m³ → net 30000 m³
    # × 0.307 t/m³ × 1.63 × (1 + 0.25) × 0.5 = 9378.85 tC; × 44/12 = 34389.1 tCO2 → −34389.1 (sink)
    co2, line = _one(make_input, "林业,杉木,,2020,100,万立方米,,5,20000,")
    assert co2 == pytest.approx(-(30000 * 0.307 * 1.63 * 1.25 * 0.5 * 44 / 12))
    assert line.sector == "lulucf"  # type: ignore[attr-defined]


def test_incineration_and_wastewater_n2o(make_input: Make) -> None:
    # 10000 t MSW × 0.4 × 0.4 × 0.95 × 44/12 = 5573.33 tCO2
    co2, _ = _one(make_input, "废弃物,垃圾焚烧,生活垃圾,2020,1,万吨,,,,")
    assert co2 == pytest.approx(10000 * 0.4 * 0.4 * 0.95 * 44 / 12)
    # 1000 t protein × 0.16 × 1.1 × 1.25 × 0.005 × 44/28 = 1.72857 tN2O
    n2o, _ = _one(make_input, "废弃物,废水氧化亚氮,生活污水,2020,1000,吨,,,,")
    assert n2o == pytest.approx(1000 * 0.16 * 1.1 * 1.25 * 0.005 * 44 / 28)


def test_landfill_with_user_doc(make_input: Make, tmp_path: object) -> None:
    from pathlib import Path

    user = Path(str(tmp_path)) / "county.csv"
    user.write_text("parameter,item,value,unit,table,verified\ndoc,landfill,15,%,2020 waste survey,false\n",
                    encoding="utf-8")
    # 10000 t × MCF 1.0 × DOC 0.15 × DOCf 0.5 × F 0.5 × 16/12 × (1 − 0.1) = 450 tCH4
    ch4, line = _one(make_input, "废弃物,垃圾填埋,管理型,2020,10000,吨,,,,", factors=[user])
    assert ch4 == pytest.approx(10000 * 1.0 * 0.15 * 0.5 * 0.5 * 16 / 12 * 0.9)
    assert line.factors[1].factor_set == "county"  # type: ignore[attr-defined]


def test_landfill_oxidation_by_site_type(make_input: Make, tmp_path: object) -> None:
    from pathlib import Path

    user = Path(str(tmp_path)) / "county.csv"
    user.write_text("parameter,item,value,unit,table\ndoc,landfill,15,%,2020 waste survey\n", encoding="utf-8")
    # unmanaged deep site: OX 0 → 10000 t × MCF 0.8 × 0.15 × 0.5 × 0.5 × 16/12 × (1 − 0) = 400 tCH4
    ch4, line = _one(make_input, "废弃物,垃圾填埋,非管理型（深）,2020,10000,吨,,,,", factors=[user])
    assert ch4 == pytest.approx(400.0)
    assert next(f for f in line.factors if f.parameter == "landfill_oxidation").value == 0  # type: ignore[attr-defined]


def _two_year(make_input: Make) -> InventoryInput:
    meta = """基本信息,基准年,2020,,,,,,,
基本信息,电网排放因子区域,江西,,,,,,,
基本信息,电网排放因子年份,2021,,,,,,,
年度数据,地区生产总值（可比价）,,2020,100,亿元,,,,
年度数据,地区生产总值（可比价）,,2024,125,亿元,,,,
年度数据,火电发电煤耗,,2020,300,克标准煤/千瓦时,,,,
年度数据,火电发电煤耗,,2024,300,克标准煤/千瓦时,,,,"""
    body = """
能源消费,工业和建筑业,柴油,2020,10000,吨,燃料,,,
能源消费,工业和建筑业,柴油,2024,11000,吨,燃料,,,
能源消费,工业和建筑业,柴油,2024,1000,吨,原料,,,
能源消费,工业和建筑业,电力,2020,10000,万千瓦时,燃料,,,
能源消费,工业和建筑业,电力,2024,10000,万千瓦时,燃料,,,
本地发电,光伏,,2024,2000,万千瓦时,,,,
"""
    return make_input(body, meta=meta)


def test_dual_control_indicators(make_input: Make) -> None:
    result = compute(_two_year(make_input))
    ind = indicators(result, 2024)
    # 2020: diesel 10000 t × 1.4571 kgce/kg = 14571 tce; electricity 1e8 kWh × 0.0003 = 30000 tce → 44571 tce
    # 2024: diesel 12000 t (incl. 1000 t feedstock) × 1.4571 = 17485.2 tce; electricity (0.2e8 solar + 0.8e8 import)
    #       × 0.0003 = 30000 tce → 47485.2 tce
    assert ind.base_energy_assessed_tce == pytest.approx(44571)
    assert ind.energy_assessed_tce == pytest.approx(47485.2)
    # intensity: 47485.2 / 1.25e6 万元 = 0.03798816; 44571 / 1e6 = 0.044571; reduction = 1 − 0.852303… = 14.7697%
    assert ind.energy_intensity_reduction_pct == pytest.approx(100 * (1 - (47485.2 / 1.25e6) / (44571 / 1e6)))
    # non-fossil share 2024 = 0.2e8 kWh × 0.0003 = 6000 tce / 47485.2 = 12.6355%
    assert ind.non_fossil_share_pct == pytest.approx(100 * 6000 / 47485.2)
    # CO2 with indirect: 2020 = 10000 × 3.09591 + 1e8 × 0.5835 / 1000 = 30959.1 + 58350
    d = 42.652 * 20.2 * 0.98 * 44 / 12 / 1000  # t CO2 per t diesel
    assert ind.base_co2_t == pytest.approx(10000 * d + 58350)
    assert ind.co2_t == pytest.approx(11000 * d + 0.8e8 * 0.5835 / 1000)


def test_feedstock_and_non_fossil_exclusions(make_input: Make) -> None:
    result = compute(_two_year(make_input))
    excl = indicators(result, 2024, options=IndicatorOptions(exclude_feedstock=True))
    # 2024 minus feedstock 1000 t × 1.4571 = 1457.1 tce → 46028.1; the base year has none
    assert excl.energy_assessed_tce == pytest.approx(46028.1)
    assert excl.base_energy_assessed_tce == pytest.approx(44571)
    both = indicators(result, 2024, options=IndicatorOptions(exclude_feedstock=True, exclude_non_fossil=True))
    assert both.energy_assessed_tce == pytest.approx(46028.1 - 6000)
    cal = indicators(result, 2024, options=IndicatorOptions(electricity_method=ElectricityMethod.calorific))
    # calorific: electricity 1e8 kWh × 0.0001229 = 12290 tce; 17485.2 + 12290 = 29775.2 tce
    assert cal.energy_total_tce == pytest.approx(29775.2)


def test_new_renewable_electricity_deducted_as_a_visible_line(make_input: Make) -> None:
    from tanfeng.accounting.indicators import FEEDSTOCK_ZH, NEW_RENEWABLE_ZH

    result = compute(_two_year(make_input))
    opts = IndicatorOptions(exclude_feedstock=True, exclude_new_renewable=True)
    ind = indicators(result, 2024, options=opts)
    # renewable electricity: 2020 none; 2024 the local solar 2000 万kWh = 2e7 kWh, all used locally → new 2e7 kWh
    # × 300 gce/kWh = 0.0003 tce/kWh → 6000 tce; feedstock 1000 t diesel × 1.4571 = 1457.1 tce
    assert ind.deductions == [(FEEDSTOCK_ZH, pytest.approx(1457.1)), (NEW_RENEWABLE_ZH, pytest.approx(6000.0))]
    # 47485.2 − 1457.1 − 6000 = 40028.1 tce; the base year keeps 44571 (nothing new there, no feedstock)
    assert ind.energy_assessed_tce == pytest.approx(40028.1)
    assert ind.base_energy_assessed_tce == pytest.approx(44571)
    assert ind.base_deductions == [(FEEDSTOCK_ZH, 0.0)]
    assert any(NEW_RENEWABLE_ZH in t and "−6000 tce" in t for t in ind.trace)
    # without the option no such line
    assert NEW_RENEWABLE_ZH not in "".join(indicators(result, 2024).trace)


def test_combustion_ch4_n2o_only_with_supplied_factors(make_input: Make, tmp_path: object) -> None:
    from pathlib import Path

    body = "能源消费,交通运输,柴油,2020,1000,吨,燃料,,,"
    plain = compute(make_input(body))
    assert [ln.gas for ln in plain.year(2020).lines] == ["CO2"]
    assert any("CH₄、N₂O未计算" in n for n in plain.notes)
    user = Path(str(tmp_path)) / "mobile.csv"
    user.write_text("parameter,item,value,unit,table,verified\n"
                    "ch4_ef_energy,diesel.transport,3.9,kg/TJ,user table 1,false\n"
                    "n2o_ef_energy,diesel,3.9,kg/TJ,user table 1,false\n", encoding="utf-8")
    lines = {ln.gas: ln for ln in compute(make_input(body), factors=[user]).year(2020).lines}
    # 1000 t × 42.652 GJ/t = 42.652 TJ × 3.9 kg/TJ = 166.343 kg = 0.166343 t; × 28 (CH4) / × 265 (N2O)
    assert lines["CH4"].emission_t == pytest.approx(42.652 * 3.9 / 1000)
    assert lines["CH4"].co2e_t == pytest.approx(42.652 * 3.9 / 1000 * 28)
    assert lines["N2O"].co2e_t == pytest.approx(42.652 * 3.9 / 1000 * 265)


def test_ar6_methane_fossil_and_non_fossil(make_input: Make, tmp_path: object) -> None:
    from pathlib import Path

    # enteric CH4 is non-fossil: 679 tCH4 × 27.0 = 18333 tCO2e
    cattle = compute(make_input("农业,肠道发酵,非奶牛（农户散养）,2020,1,万头,,,,"), gwp_metric="AR6")
    assert cattle.year(2020).lines[0].co2e_t == pytest.approx(679.0 * 27.0)
    # combustion CH4 is fossil: 0.166343 tCH4 × 29.8
    user = Path(str(tmp_path)) / "mobile.csv"
    user.write_text("parameter,item,value,unit,table\nch4_ef_energy,diesel.transport,3.9,kg/TJ,user table 1\n",
                    encoding="utf-8")
    fuel = compute(make_input("能源消费,交通运输,柴油,2020,1000,吨,燃料,,,"), factors=[user], gwp_metric="AR6")
    ch4 = next(ln for ln in fuel.year(2020).lines if ln.gas == "CH4")
    assert ch4.co2e_t == pytest.approx(42.652 * 3.9 / 1000 * 29.8)


def test_imported_non_fossil_share_counts_toward_non_fossil(make_input: Make) -> None:
    body = """
能源消费,服务业,电力,2020,10000,万千瓦时,燃料,,,
年度数据,调入电力中非化石能源比重,,2020,30,%,,,,
基本信息,电网排放因子年份,2021,,,,,,,
"""
    bal = compute(make_input(body)).year(2020).balance
    # all 1e8 kWh imported; 30% non-fossil: 3e7 kWh × 0.0003 tce/kWh = 9000 tce of 30000 tce
    assert bal.import_nonfossil_share == pytest.approx(0.30)
    assert bal.nonfossil_eq_tce == pytest.approx(9000)
    assert bal.total_eq_tce == pytest.approx(30000)
